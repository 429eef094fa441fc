import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiRequest, waitFor } from '../../shared/transport';
import { invalid } from '../../shared/validate';
import { permissionsFor } from '../../shared/permissions';
import { readLocator, resourceLocator } from '../../shared/locators';

/** Ingestion records: the result of every code upload, found by their key. */

export const INGESTION_VIEW = permissionsFor('Code Upload', 'getRecord');

export const recordLocator: INodeProperties = resourceLocator({
	displayName: 'Record',
	name: 'record',
	searchListMethod: 'searchIngestionRecords',
	required: true,
	description: 'The code upload record (its key is returned by every upload operation)',
	modes: [{ displayName: 'By Key', name: 'key', placeholder: 'e.g. k3v9x0q2m8c1d5f7h2j4' }],
});

export function recordKeyValue(context: IExecuteFunctions, itemIndex: number): string {
	const key = readLocator(context, itemIndex, 'record').value;
	if (!key) throw invalid(context, itemIndex, 'Record', 'is empty');
	if (/[/?#\s]/.test(key)) throw invalid(context, itemIndex, 'Record', `is not a record key (got "${key}")`);
	return key;
}

export async function getRecord(this: IExecuteFunctions, key: string, itemIndex: number): Promise<IDataObject> {
	return await apiRequest.call(this, {
		method: 'GET',
		path: `/api/v2/ingestion/${encodeURIComponent(key)}/`,
		itemIndex,
		permissions: INGESTION_VIEW,
	});
}

/** The record's `result_data.errors` as `kind: entry` lines, e.g. `duplicate_id_error: ABC12345`. */
function errorLines(record: IDataObject): string[] {
	const result = (record.result_data ?? {}) as IDataObject;
	const errors = Array.isArray(result.errors) ? result.errors : result.errors ? [result.errors] : [];
	const lines: string[] = [];
	for (const entry of errors) {
		if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
			for (const [kind, values] of Object.entries(entry as IDataObject)) {
				for (const value of Array.isArray(values) ? values : [values]) lines.push(`${kind}: ${String(value)}`);
			}
		} else lines.push(String(entry));
	}
	return lines;
}

/**
 * Scantrust's definition of success is `status` "completed" with no errors in `result_data`;
 * anything else that has finished is reported as the failure it is, with the server's reasons.
 */
export function recordFailure(
	context: IExecuteFunctions,
	record: IDataObject,
	itemIndex: number,
): NodeOperationError | undefined {
	const lines = errorLines(record);
	if (record.status !== 'error' && !lines.length) return undefined;
	const key = String(record.key ?? '');
	const shown = 20;
	const summary = lines.slice(0, 3).join('; ') + (lines.length > 3 ? `; and ${lines.length - 3} more` : '');
	return new NodeOperationError(
		context.getNode(),
		`Code upload ${key} ${record.status === 'error' ? 'failed' : 'finished with errors'}: ${summary || 'Scantrust gave no reason'}`,
		{
			itemIndex,
			description: [
				...lines.slice(0, shown),
				...(lines.length > shown ? [`… and ${lines.length - shown} more (see the record with "Get Record").`] : []),
				'Scantrust checked the codes in the background and refused the upload. Fix the codes named above and upload them again.',
			].join('\n'),
		},
	);
}

const FINISHED = new Set(['completed', 'error']);

/** Polls the record until Scantrust has processed the upload; throws with its errors when it failed. */
export async function waitForRecord(
	this: IExecuteFunctions,
	key: string,
	itemIndex: number,
	settings: { intervalMs: number; timeoutMs: number },
): Promise<IDataObject> {
	const record = (await waitFor.call(this, {
		what: `code upload ${key} to be processed`,
		itemIndex,
		...settings,
		check: async () => {
			const current = await getRecord.call(this, key, itemIndex);
			return { done: FINISHED.has(String(current.status)), value: current, state: String(current.status ?? '') };
		},
	})) as IDataObject;
	const failure = recordFailure(this, record, itemIndex);
	if (failure) throw failure;
	return record;
}
