import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { csvRecords } from './csv';
import { apiCall, apiRequest, downloadFile, waitFor } from './transport';
import type { ScantrustContext } from './transport';
import type { WaitOptions } from './transport/wait';
import { permissionsFor } from './permissions';

/**
 * The code data export (scantrust-api.md §7): start a document with filters, wait until it is
 * built, get its pre-signed link, download the CSV. Used by Code → Export (the file), Code → Get
 * (codes looked up by ID), the code-set operations (the codes of a work order or product) and the
 * SCM field list in the editor (the CSV has one column per SCM field key, §7.3).
 */

export const CODE_EXPORT_PERMISSIONS = permissionsFor('Code', 'export');

/** The documented columns that are not SCM fields (§7.3); every other column is an SCM field key. */
export const CODE_COLUMNS = [
	'extended_id',
	'serial_number',
	'brand',
	'product',
	'sku',
	'status',
	'blacklist_reason',
	'scm_updated_by',
	'scm_updated_at',
	'activated_by',
	'activated_at',
	'workorder_id',
];

/**
 * The document's status words are not documented (the sandbox uses pending, processing,
 * completed). Known "still working" words keep waiting and known failures stop; any other word is
 * checked by asking for the download link, which Scantrust only gives for a finished document.
 */
const WORKING = new Set(['pending', 'processing', 'in-progress', 'in_progress', 'running', 'queued', 'started']);
const FAILED = new Set(['failed', 'error', 'failure', 'cancelled', 'canceled']);

export interface ReadyDocument {
	document: IDataObject;
	url: string;
}

export interface ExportWait {
	intervalMs: number;
	timeoutMs: number;
}

function linkFrom(body: unknown): string | undefined {
	if (typeof body === 'string') return /^https?:\/\//i.test(body.trim()) ? body.trim() : undefined;
	if (!body || typeof body !== 'object') return undefined;
	const record = body as IDataObject;
	for (const name of ['url', 'download_link', 'download_url', 'link']) {
		if (typeof record[name] === 'string' && /^https?:\/\//i.test(record[name] as string)) return record[name] as string;
	}
	return undefined;
}

/** Starts an export (`GET /api/v2/codes/download/?filters`) and returns its document key. */
export async function startCodeExport(this: ScantrustContext, qs: IDataObject, itemIndex?: number): Promise<string> {
	const started = await apiRequest.call(this, {
		method: 'GET',
		path: '/api/v2/codes/download/',
		qs,
		itemIndex,
		permissions: CODE_EXPORT_PERMISSIONS,
		// A GET, but it starts an export job: sent again after a lost answer it would start a second
		// one. Scantrust has no way to find the first, so a lost answer is reported, not repeated.
		safeToRepeat: false,
		hint: 'Running the node again starts a new export; an export Scantrust may have started meanwhile is left unused.',
	});
	const startedDocument = (started.document as IDataObject | undefined) ?? started;
	const key = String(startedDocument.key ?? '');
	if (!/^[A-Za-z0-9_-]+$/.test(key)) {
		throw new NodeOperationError(this.getNode(), 'Scantrust started the export but returned no usable document key', {
			itemIndex,
			description: `Its answer was: ${JSON.stringify(started).slice(0, 300)}`,
		});
	}
	return key;
}

/** Waits until the document `key` is built and returns it with its download link. */
export async function waitForCodeExport(
	this: ScantrustContext,
	key: string,
	itemIndex: number | undefined,
	{ intervalMs, timeoutMs }: ExportWait,
): Promise<ReadyDocument> {
	const path = `/api/v2/documents/${encodeURIComponent(key)}/`;
	const wait: WaitOptions<ReadyDocument | undefined> = {
		what: `the code export ${key}`,
		itemIndex,
		intervalMs,
		timeoutMs,
		check: async () => {
			const body = await apiRequest.call(this, { method: 'GET', path, itemIndex, permissions: CODE_EXPORT_PERMISSIONS });
			const document = (body.document as IDataObject | undefined) ?? body;
			const status = String(document.status ?? document.state ?? '').toLowerCase();
			if (FAILED.has(status)) {
				throw new NodeOperationError(this.getNode(), `The code export ${key} ended in status "${status}"`, {
					itemIndex,
					description: 'Scantrust could not build the file. Check the filters, then run the node again.',
				});
			}
			if (WORKING.has(status)) return { done: false, value: undefined, state: status };
			const link = await apiCall.call(this, {
				method: 'GET',
				path: `${path}get-download-link/`,
				itemIndex,
				permissions: CODE_EXPORT_PERMISSIONS,
				// "not ready yet": keep waiting
				acceptStatuses: [400],
			});
			const url = link.status === 400 ? undefined : linkFrom(link.body);
			if (link.status !== 400 && !url) {
				throw new NodeOperationError(this.getNode(), `Scantrust gave no download link for the code export ${key}`, {
					itemIndex,
					description: `Its answer was: ${JSON.stringify(link.body).slice(0, 300)}`,
				});
			}
			return url ? { done: true, value: { document, url } } : { done: false, value: undefined, state: status || 'not ready' };
		},
	};
	return (await waitFor.call(this, wait)) as ReadyDocument;
}

export interface ExportedCodes {
	key: string;
	columns: string[];
	/** the SCM field keys: the columns that are not documented code columns */
	scmKeys: string[];
	records: Array<Record<string, string>>;
}

/** Reads a finished document's CSV (small exports only: the whole file is held in memory). */
export async function readCodeExport(
	this: ScantrustContext,
	key: string,
	ready: ReadyDocument,
	itemIndex?: number,
): Promise<ExportedCodes> {
	// The link is pre-signed for the file store: downloadFile sends no token.
	const file = await downloadFile.call(this, ready.url, itemIndex);
	const { columns, records } = csvRecords(file.data.toString('utf8'));
	if (!columns.includes('extended_id')) {
		throw new NodeOperationError(this.getNode(), `The code export ${key} has no extended_id column`, {
			itemIndex,
			description: `Its first line was: ${columns.join(',').slice(0, 300)}`,
		});
	}
	return { key, columns, scmKeys: columns.filter((name) => name && !CODE_COLUMNS.includes(name)), records };
}

/** Start, wait, read: the codes matching `qs`, for exports known to be small. */
export async function exportCodes(
	this: ScantrustContext,
	qs: IDataObject,
	itemIndex: number | undefined,
	wait: ExportWait,
): Promise<ExportedCodes> {
	const key = await startCodeExport.call(this, qs, itemIndex);
	const ready = await waitForCodeExport.call(this, key, itemIndex, wait);
	return await readCodeExport.call(this, key, ready, itemIndex);
}
