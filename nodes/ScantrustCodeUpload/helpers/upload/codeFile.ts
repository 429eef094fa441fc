import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { MAX_CODE_FILE_BYTES } from '../../../shared/transport/constants';
import { readHead } from '../../../shared/transport/streams';
import { invalid, requiredString } from '../../../shared/validate';

/** File mode: the CSV or JSON file on an input item, checked before anything is sent. */

export type CodeFileType = 'csv' | 'json';

/** A checked code file, read from n8n's binary store when it is sent (never whole in memory). */
export interface CodeFile {
	/** exact size in bytes */
	size: number;
	fileName: string;
	mimeType: string;
	filetype: CodeFileType;
	/** the file's bytes from the start (again for every attempt) */
	open(): Promise<AsyncIterable<unknown>>;
}

const FIELD = 'Input Binary Field';
const CSV_MIME_TYPES = new Set([
	'text/csv',
	'application/csv',
	'text/comma-separated-values',
	'text/x-csv',
	'application/x-csv',
]);
const JSON_MIME_TYPES = new Set(['application/json', 'text/json']);

function mimeOf(binary: IBinaryData): string {
	return String(binary.mimeType ?? '').split(';')[0].trim().toLowerCase();
}

function extensionOf(binary: IBinaryData): string {
	const fromName = /\.([A-Za-z0-9]+)$/.exec(binary.fileName ?? '')?.[1];
	return String(binary.fileExtension ?? fromName ?? '').toLowerCase();
}

/** Whether the file may be text; a file the user declared CSV/JSON is refused only when it clearly is not. */
function mayBeText(mime: string): boolean {
	return (
		!mime ||
		mime.startsWith('text/') ||
		CSV_MIME_TYPES.has(mime) ||
		JSON_MIME_TYPES.has(mime) ||
		mime === 'application/octet-stream'
	);
}

function describe(binary: IBinaryData): string {
	const mime = mimeOf(binary) || 'unknown type';
	return binary.fileName ? `${mime} (${binary.fileName})` : mime;
}

/** Size without reading the file: n8n's metadata, the base64 length, or the binary store. */
async function sizeOf(context: IExecuteFunctions, binary: IBinaryData): Promise<number | undefined> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (!binary.id && typeof binary.data === 'string') {
		const padding = binary.data.endsWith('==') ? 2 : binary.data.endsWith('=') ? 1 : 0;
		return Math.floor((binary.data.length * 3) / 4) - padding;
	}
	if (binary.id) return (await context.helpers.getBinaryMetadata(binary.id)).fileSize;
	return undefined;
}

/** How much of the file's start is read to check its shape before anything is sent. */
const HEAD_BYTES = 64 * 1024;

/**
 * The file's first bytes: from n8n's binary store (a stream, closed after the first pieces) or
 * from the item itself in n8n's in-memory mode.
 */
async function headOf(context: IExecuteFunctions, binary: IBinaryData): Promise<Buffer> {
	if (!binary.id) return Buffer.from(String(binary.data ?? '').slice(0, (Math.ceil(HEAD_BYTES / 3) + 1) * 4), 'base64');
	return await readHead(await context.helpers.getBinaryStream(binary.id), HEAD_BYTES);
}

/**
 * What Scantrust needs of a code file's shape, checked on its first 64 KB (the rows themselves
 * are checked by Scantrust in the background, and a bad row ends the record in "error"): a CSV
 * file's header row has an `id` column, a JSON file is an array.
 */
function shapeProblem(head: Buffer, filetype: CodeFileType): string | undefined {
	const text = head.toString('utf8').replace(/^\uFEFF/, '');
	if (filetype === 'json') {
		const first = text.trimStart().charAt(0);
		return first && first !== '[' ? `holds a JSON file that is not an array (it starts with "${first}"); Scantrust takes an array of code objects such as [{"id": "..."}]` : undefined;
	}
	const end = text.search(/\r?\n/);
	if (end < 0 && text.length >= HEAD_BYTES - 4) return undefined;
	const header = (end < 0 ? text : text.slice(0, end))
		.split(',')
		.map((name) => name.trim().replace(/^"(.*)"$/, '$1'));
	if (header.includes('id')) return undefined;
	const shown = header.filter(Boolean).slice(0, 8).map((name) => `"${name}"`).join(', ');
	return `holds a CSV file whose first line has no "id" column (${shown ? `it has ${shown}` : 'it is empty'}); Scantrust needs the code IDs in a column named "id"`;
}

function sizeProblem(bytes: number): string | undefined {
	if (bytes === 0) return 'holds an empty file';
	if (bytes > MAX_CODE_FILE_BYTES) {
		return `holds a file of ${(bytes / 1024 / 1024).toFixed(1)} MB; Scantrust accepts files of up to 100 MB, so split it into smaller files`;
	}
	return undefined;
}

/** Checks the item's file (present, CSV or JSON, not empty, at most 100 MB) and says which type it is. */
export interface CheckedFile {
	property: string;
	binary: IBinaryData;
	filetype: CodeFileType;
	bytes?: number;
}

export async function checkCodeFile(context: IExecuteFunctions, itemIndex: number): Promise<CheckedFile> {
	const property = requiredString(context, itemIndex, 'binaryPropertyName', FIELD);
	const item = context.getInputData()[itemIndex];
	const binary = item?.binary?.[property];
	if (!binary) {
		const available = Object.keys(item?.binary ?? {});
		throw invalid(
			context,
			itemIndex,
			FIELD,
			available.length
				? `names "${property}", but the item's files are in ${available.map((name) => `"${name}"`).join(', ')}`
				: `names "${property}", but the item has no file; read the file first (e.g. Read/Write Files from Disk, HTTP Request or an e-mail trigger)`,
		);
	}

	const chosen = context.getNodeParameter('fileType', itemIndex, 'auto') as string;
	const mime = mimeOf(binary);
	const extension = extensionOf(binary);
	let filetype: CodeFileType | undefined;
	if (chosen === 'csv' || chosen === 'json') {
		if (!mayBeText(mime)) {
			throw invalid(context, itemIndex, FIELD, `holds a ${describe(binary)} file; only CSV or JSON files can be uploaded`);
		}
		filetype = chosen;
	} else if (extension === 'csv' || CSV_MIME_TYPES.has(mime)) filetype = 'csv';
	else if (extension === 'json' || JSON_MIME_TYPES.has(mime)) filetype = 'json';
	if (!filetype) {
		throw invalid(
			context,
			itemIndex,
			FIELD,
			`holds a ${describe(binary)} file; only CSV or JSON files can be uploaded${mayBeText(mime) ? ' (if it is one, set "File Type")' : ''}`,
		);
	}

	const bytes = await sizeOf(context, binary);
	const problem = (bytes === undefined ? undefined : sizeProblem(bytes)) ?? shapeProblem(await headOf(context, binary), filetype);
	if (problem) throw invalid(context, itemIndex, FIELD, problem);
	return { property, binary, filetype, bytes };
}

/**
 * The checked file, ready to be streamed: its size (the upload's Content-Length) and a way to read
 * it from the start. Files in n8n's binary store are read as a stream; in n8n's in-memory mode the
 * item already holds the whole file.
 */
export function readCodeFile(context: IExecuteFunctions, { binary, filetype, bytes }: CheckedFile): CodeFile {
	const id = binary.id;
	const size = bytes ?? Buffer.from(String(binary.data ?? ''), 'base64').length;
	return {
		size,
		fileName: binary.fileName || `codes.${filetype}`,
		mimeType: filetype === 'csv' ? 'text/csv' : 'application/json',
		filetype,
		open: async () => (id ? await context.helpers.getBinaryStream(id) : inline(binary)),
	};
}

/** n8n's in-memory mode: the item holds the file (base64), already whole in memory. */
async function* inline(binary: IBinaryData): AsyncGenerator<Buffer> {
	yield Buffer.from(String(binary.data ?? ''), 'base64');
}
