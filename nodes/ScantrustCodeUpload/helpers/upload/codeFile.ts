import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { MAX_CODE_FILE_BYTES } from '../../../shared/transport/constants';
import { invalid, requiredString } from '../../../shared/validate';

/** File mode: the CSV or JSON file on an input item, checked before anything is sent. */

export type CodeFileType = 'csv' | 'json';

export interface CodeFile {
	data: Buffer;
	fileName: string;
	mimeType: string;
	filetype: CodeFileType;
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

function sizeProblem(bytes: number): string | undefined {
	if (bytes === 0) return 'holds an empty file';
	if (bytes > MAX_CODE_FILE_BYTES) {
		return `holds a file of ${(bytes / 1024 / 1024).toFixed(1)} MB; Scantrust accepts files of up to 100 MB, so split it into smaller files`;
	}
	return undefined;
}

/** Checks the item's file (present, CSV or JSON, not empty, at most 100 MB) and says which type it is. */
export async function checkCodeFile(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<{ property: string; binary: IBinaryData; filetype: CodeFileType }> {
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
	const problem = bytes === undefined ? undefined : sizeProblem(bytes);
	if (problem) throw invalid(context, itemIndex, FIELD, problem);
	return { property, binary, filetype };
}

/** The checked file's content. */
export async function readCodeFile(context: IExecuteFunctions, itemIndex: number): Promise<CodeFile> {
	const { property, binary, filetype } = await checkCodeFile(context, itemIndex);
	const data = await context.helpers.getBinaryDataBuffer(itemIndex, property);
	const problem = sizeProblem(data.length);
	if (problem) throw invalid(context, itemIndex, FIELD, problem);
	return {
		data,
		fileName: binary.fileName || `codes.${filetype}`,
		mimeType: filetype === 'csv' ? 'text/csv' : 'application/json',
		filetype,
	};
}
