import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from '../../../shared/router';
import { apiRequest, uploadToPresignedUrl } from '../../../shared/transport';
import type { WaitSettings } from '../../../shared/waiting';
import { getRecord, waitForRecord } from '../records';
import { checkCodeFile, readCodeFile } from './codeFile';
import type { CheckedFile } from './codeFile';
import { codeProblemsError, collectCodes, readCodeFields } from './codesFromItems';
import type { CodeFields } from './codesFromItems';
import { uploadSettings } from './settings';
import type { UploadSettings } from './settings';
import { permissionsFor } from '../../../shared/permissions';

/** UPC lists these for code uploads; Scantrust names no smaller set per endpoint. */
export const INGESTION_CREATE = permissionsFor('Code Upload', 'createFromTemplate');

/** What differs between Create from Template, Add to Work Order and Add SIDs. */
export interface UploadAction {
	endpoint: 'create-from-template' | 'add-to-workorder' | 'add-sids';
	/** reads and checks the operation's own settings, without any request; `fields` gets what it returns */
	check(this: IExecuteFunctions, itemIndex: number): unknown;
	/** the operation's own body fields (may look things up, e.g. a work order's ingestion key) */
	fields(this: IExecuteFunctions, itemIndex: number, checked: unknown): Promise<IDataObject>;
}

/** What one upload needs, read once: its settings and the operation's own parameters. */
interface UploadRun {
	settings: UploadSettings;
	checked: unknown;
}

interface FileInput {
	file: CheckedFile;
	run: UploadRun;
}

interface ItemsInput {
	codeFields?: CodeFields;
	/** item 0 only: the upload's settings */
	run?: UploadRun;
	/** what could not be read; reported for the whole upload, as before anything is sent */
	error?: unknown;
}

/**
 * One item's input. A file is one upload per item, checked up front. Input items are one upload
 * together, with the first item's settings; a parameter that cannot be read fails that upload as
 * a whole (one error paired with every item), so `validate` keeps it instead of throwing.
 */
export type UploadInput = FileInput | ItemsInput;

function source(context: IExecuteFunctions): 'items' | 'file' {
	return context.getNodeParameter('source', 0, 'items') === 'file' ? 'file' : 'items';
}

function readRun(context: IExecuteFunctions, action: UploadAction, itemIndex: number): UploadRun {
	const settings = uploadSettings(context, itemIndex);
	return { settings, checked: action.check.call(context, itemIndex) };
}

/**
 * Reads each item's input once, before anything is sent. In api mode the upload's settings come
 * from its first item: validate never fails there, so item 0 is always that item.
 */
async function validateUpload(this: IExecuteFunctions, action: UploadAction, itemIndex: number): Promise<UploadInput> {
	if (source(this) === 'file') {
		const run = readRun(this, action, itemIndex);
		return { run, file: await checkCodeFile(this, itemIndex) };
	}
	try {
		const run = itemIndex === 0 ? readRun(this, action, itemIndex) : undefined;
		return { run, codeFields: readCodeFields(this, itemIndex) };
	} catch (error) {
		return { error };
	}
}

/** An upload operation's two steps for its action: what its file exports as validate and executeBatch. */
export function uploadOperation(action: UploadAction): {
	validate(this: IExecuteFunctions, itemIndex: number): Promise<UploadInput>;
	executeBatch(this: IExecuteFunctions, itemIndexes: number[], inputs: UploadInput[]): Promise<INodeExecutionData[]>;
} {
	return {
		async validate(itemIndex) {
			return await validateUpload.call(this, action, itemIndex);
		},
		async executeBatch(itemIndexes, inputs) {
			return await runUpload.call(this, action, itemIndexes, inputs);
		},
	};
}

/** Runs an upload operation: one upload of all items (api mode) or one upload per item's file. */
async function runUpload(
	this: IExecuteFunctions,
	action: UploadAction,
	itemIndexes: number[],
	inputs: UploadInput[],
): Promise<INodeExecutionData[]> {
	return source(this) === 'file'
		? await uploadFiles.call(this, action, itemIndexes, inputs as FileInput[])
		: await uploadItems.call(this, action, itemIndexes, inputs as ItemsInput[]);
}

async function uploadItems(
	this: IExecuteFunctions,
	action: UploadAction,
	itemIndexes: number[],
	inputs: ItemsInput[],
): Promise<INodeExecutionData[]> {
	const continueOnFail = this.continueOnFail();
	const first = itemIndexes[0];
	const output: INodeExecutionData[] = [];
	let collected;
	let run: UploadRun;
	try {
		// In the order they were read: the first item's settings, then each item's code fields.
		const unread = inputs.find((input) => input.error !== undefined);
		if (unread) throw unread.error;
		run = inputs[0].run as UploadRun;
		collected = collectCodes(this, itemIndexes, inputs.map((input) => input.codeFields as CodeFields), run.settings.format);
	} catch (error) {
		if (!continueOnFail) throw asNodeError(this, error, first);
		return [{ ...errorItem(this, error, first), pairedItem: itemIndexes.map((item) => ({ item })) }];
	}
	const { codes, problems } = collected;
	if (problems.length) {
		if (!continueOnFail) throw codeProblemsError(this, problems, itemIndexes.length);
		// Continue on fail: each item with a problem gets its own error item; the others are uploaded.
		const byItem = new Map<number, string[]>();
		for (const { itemIndex, problem } of problems) byItem.set(itemIndex, [...(byItem.get(itemIndex) ?? []), problem]);
		for (const [itemIndex, lines] of byItem) {
			const error = new NodeOperationError(this.getNode(), lines.join('; '), { itemIndex });
			output.push(errorItem(this, error, itemIndex));
		}
	}
	if (!codes.length) return output;

	const sent = codes.map((code) => code.itemIndex);
	const paired = sent.map((item) => ({ item }));
	try {
		const body: IDataObject = {
			...run.settings.body,
			...(await action.fields.call(this, sent[0], run.checked)),
			mode: 'api',
			codes: codes.map((code) => code.record),
		};
		const created = await apiRequest.call(this, {
			method: 'POST',
			path: `/api/v2/ingestion/codes/${action.endpoint}/`,
			body,
			itemIndex: sent[0],
			permissions: INGESTION_CREATE,
			hint: 'All input items were sent as one upload; the error concerns the upload as a whole.',
		});
		const record = await outcome.call(this, recordKey(this, created, sent[0]), sent[0], run.settings.wait);
		output.push({ json: record, pairedItem: paired });
	} catch (error) {
		if (!continueOnFail) throw asNodeError(this, error, sent[0]);
		output.push({ ...errorItem(this, error, sent[0]), pairedItem: paired });
	}
	return output;
}

async function uploadFiles(
	this: IExecuteFunctions,
	action: UploadAction,
	itemIndexes: number[],
	inputs: FileInput[],
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (const [position, itemIndex] of itemIndexes.entries()) {
		try {
			output.push({ json: await uploadFile.call(this, action, itemIndex, inputs[position]), pairedItem: { item: itemIndex } });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			output.push(errorItem(this, error, itemIndex));
		}
	}
	return output;
}

/** File mode (IFILE): create the record, POST the file to the pre-signed link, then ask for processing. */
async function uploadFile(
	this: IExecuteFunctions,
	action: UploadAction,
	itemIndex: number,
	{ file: checked, run }: FileInput,
): Promise<IDataObject> {
	const file = readCodeFile(this, checked);
	const created = await apiRequest.call(this, {
		method: 'POST',
		path: `/api/v2/ingestion/codes/${action.endpoint}/`,
		body: {
			...run.settings.body,
			...(await action.fields.call(this, itemIndex, run.checked)),
			mode: 'file',
			filetype: file.filetype,
		},
		itemIndex,
		permissions: INGESTION_CREATE,
	});
	const key = recordKey(this, created, itemIndex);
	const fields = created.fields;
	if (typeof created.url !== 'string' || !fields || typeof fields !== 'object' || Array.isArray(fields)) {
		throw new NodeOperationError(this.getNode(), `Scantrust created code upload ${key} but gave no upload link`, {
			itemIndex,
			description: 'The answer to a file-mode upload should carry "url" and "fields". Nothing was uploaded; try again.',
		});
	}
	const waiting = `Code upload ${key} was created and waits for its file (status "uploading"); run the node again to start a new upload.`;
	await uploadToPresignedUrl.call(this, {
		url: created.url,
		fields: fields as IDataObject,
		// Streamed from n8n's binary store into the request body.
		file: { size: file.size, fileName: file.fileName, contentType: file.mimeType, open: file.open },
		itemIndex,
		hint: waiting,
	});
	await apiRequest.call(this, {
		method: 'POST',
		path: '/api/v2/ingestion/codes/process-from-file/',
		body: { record: key },
		itemIndex,
		permissions: INGESTION_CREATE,
		hint: waiting,
		// Asking twice is refused (the record has left "uploading"), so a lost answer is settled by looking at the record.
		readBack: async () => {
			const record = await getRecord.call(this, key, itemIndex);
			return record.status && record.status !== 'uploading' ? { record_key: key } : undefined;
		},
	});
	return await outcome.call(this, key, itemIndex, run.settings.wait);
}

/** The record key of a create answer; Scantrust documents only that the answer "carries the record key". */
function recordKey(context: IExecuteFunctions, created: IDataObject, itemIndex: number): string {
	const key = created.record_key ?? created.key;
	if (typeof key !== 'string' || !key) {
		throw new NodeOperationError(context.getNode(), 'Scantrust accepted the upload but its answer carried no record key', {
			itemIndex,
			description: 'Find the upload with "Get Many Records" before uploading again, so no code is uploaded twice.',
		});
	}
	return key;
}

/** The record after the upload: processed (and checked) when waiting, else as it is now. */
async function outcome(this: IExecuteFunctions, key: string, itemIndex: number, wait: WaitSettings | undefined): Promise<IDataObject> {
	if (wait) return await waitForRecord.call(this, key, itemIndex, wait);
	return await getRecord.call(this, key, itemIndex);
}
