import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readCodeExport, startCodeExport, waitForCodeExport } from '../../shared/codeExport';
import type { ExportedCodes, ExportWait } from '../../shared/codeExport';
import { blacklistReasonName, codeStatusName, NOT_FOUND } from '../../shared/codeStatus';
import { asNodeError, errorItem } from '../../shared/router';
import { codeSelectorProperties, readCodeSelector } from '../../shared/scmFields';
import type { CodeSelector } from '../../shared/scmFields';
import { invalid } from '../../shared/validate';
import { waitParameters, waitSettings } from '../../shared/waiting';

/**
 * Code → Get: codes looked up by extended ID or serial number, through the documented code export
 * filtered by that ID (scantrust-api.md §7.1). The export is a background job (a few seconds), so
 * the input items are put into as few exports as the API allows: one export per up to
 * MAX_IDS_PER_EXPORT IDs as a comma list. Whether Scantrust reads `extended_id=a,b` as a list is
 * not documented; an export that finds none of a list's codes is checked code by code, and when
 * one of them is found that way the rest of the run asks code by code (docs/api-assumptions.md).
 */

/** IDs per export: ~13 characters each keep the URL near 2.5 KB, far below common limits (8 KB). */
export const MAX_IDS_PER_EXPORT = 150;

const properties: INodeProperties[] = [
	...codeSelectorProperties({ allowScmField: false, displayName: 'Find Code By' }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Unknown Code',
				name: 'ifNotFound',
				type: 'options',
				default: 'error',
				options: [
					{
						name: 'Stop With an Error',
						value: 'error',
						description: 'An ID Scantrust does not know fails the item (with "Continue On Fail": an error item)',
					},
					{
						name: 'Output Status "notFound"',
						value: 'output',
						description: 'Output the ID with found false and status "notFound", which an IF node can test',
					},
				],
			},
			...waitParameters('lookup').map((option) =>
				option.name === 'pollInterval' ? { ...option, default: 1 } : option,
			),
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['get'] } }, properties);

function ifNotFound(context: IExecuteFunctions, itemIndex: number, options: IDataObject): string {
	const value = String(options.ifNotFound ?? 'error');
	if (value !== 'error' && value !== 'output') throw invalid(context, itemIndex, 'Unknown Code', 'must be "error" or "output"');
	return value;
}

/** A lookup is a small export, built in about a second: poll every second unless told otherwise. */
function lookupWait(context: IExecuteFunctions, itemIndex: number, options: IDataObject): ExportWait {
	const settings = waitSettings(context, itemIndex, { options });
	return options.pollInterval === undefined ? { ...settings, intervalMs: 1000 } : settings;
}

interface GetInput extends CodeSelector {
	ifNotFound: string;
	/** the lookups' wait; the run's is the first item's */
	wait: ExportWait;
}

/** One item's lookup, read and checked once; the router hands it to `executeBatch`. */
export function validate(this: IExecuteFunctions, itemIndex: number): GetInput {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const wait = lookupWait(this, itemIndex, options);
	return { ...readCodeSelector(this, itemIndex), ifNotFound: ifNotFound(this, itemIndex, options), wait };
}

/** One exported CSV row as a readable item: states in words, numbers as numbers, SCM fields apart. */
export function codeRecord(row: Record<string, string>, scmKeys: string[]): IDataObject {
	const number = (value: string | undefined) => (value === undefined || value === '' ? null : Number(value));
	const text = (value: string | undefined) => (value === undefined || value === '' ? null : value);
	const scm: IDataObject = {};
	for (const key of scmKeys) if (row[key] !== undefined && row[key] !== '') scm[key] = row[key];
	const status = codeStatusName(row.status);
	return {
		extended_id: row.extended_id,
		serial_number: text(row.serial_number),
		found: true,
		status,
		status_code: number(row.status),
		blacklisted: status === 'blacklisted',
		blacklist_reason: status === 'blacklisted' ? blacklistReasonName(row.blacklist_reason) : null,
		blacklist_reason_code: number(row.blacklist_reason),
		product: row.product ? { id: number(row.product), sku: text(row.sku) } : null,
		brand_id: number(row.brand),
		workorder_id: number(row.workorder_id),
		activated_at: text(row.activated_at),
		activated_by: text(row.activated_by),
		scm_updated_at: text(row.scm_updated_at),
		scm_updated_by: text(row.scm_updated_by),
		scm,
	};
}

interface Lookup {
	dataKey: string;
	keys: string[];
}

/** Consecutive chunks of distinct IDs per data key; an ID with a comma always goes alone. */
function plan(selectors: CodeSelector[]): Lookup[] {
	const lookups: Lookup[] = [];
	for (const dataKey of ['extended_id', 'serial_number']) {
		const keys = [...new Set(selectors.filter((s) => s.dataKey === dataKey).map((s) => s.key))];
		const listable = keys.filter((key) => !key.includes(','));
		for (let start = 0; start < listable.length; start += MAX_IDS_PER_EXPORT) {
			lookups.push({ dataKey, keys: listable.slice(start, start + MAX_IDS_PER_EXPORT) });
		}
		for (const key of keys.filter((k) => k.includes(','))) lookups.push({ dataKey, keys: [key] });
	}
	return lookups;
}

/** Found rows by data key, then by key value. */
type Found = Map<string, Map<string, IDataObject[]>>;

function remember(found: Found, dataKey: string, exported: ExportedCodes): void {
	const byKey = found.get(dataKey) ?? new Map<string, IDataObject[]>();
	found.set(dataKey, byKey);
	for (const row of exported.records) {
		const value = row[dataKey];
		if (!value) continue;
		const list = byKey.get(value) ?? [];
		list.push(codeRecord(row, exported.scmKeys));
		byKey.set(value, list);
	}
}

async function lookUp(this: IExecuteFunctions, lookups: Lookup[], itemIndex: number, wait: ExportWait): Promise<Found> {
	const found: Found = new Map();
	// All exports start at once, so Scantrust builds them side by side; then each is read in turn.
	const started = await Promise.all(
		lookups.map(async (lookup) => ({
			lookup,
			key: await startCodeExport.call(this, { [lookup.dataKey]: lookup.keys.join(',') }, itemIndex),
		})),
	);
	let listsWork: boolean | undefined;
	const oneByOne: Lookup[] = [];
	for (const { lookup, key } of started) {
		const ready = await waitForCodeExport.call(this, key, itemIndex, wait);
		const exported = await readCodeExport.call(this, key, ready, itemIndex);
		remember(found, lookup.dataKey, exported);
		if (lookup.keys.length > 1 && exported.records.length) listsWork = true;
		if (lookup.keys.length > 1 && !exported.records.length) oneByOne.push(lookup);
	}
	// A list that found nothing: either none of its codes exist, or Scantrust took the list as one
	// literal ID. Asking code by code tells; once one is found that way, lists are known not to work.
	for (const lookup of oneByOne) {
		if (listsWork) continue;
		const keys = await Promise.all(
			lookup.keys.map(async (id) => await startCodeExport.call(this, { [lookup.dataKey]: id }, itemIndex)),
		);
		for (const key of keys) {
			const ready = await waitForCodeExport.call(this, key, itemIndex, wait);
			remember(found, lookup.dataKey, await readCodeExport.call(this, key, ready, itemIndex));
		}
	}
	return found;
}

export async function executeBatch(
	this: IExecuteFunctions,
	itemIndexes: number[],
	selectors: GetInput[],
): Promise<INodeExecutionData[]> {
	const { wait } = selectors[0];
	let found: Found;
	try {
		found = await lookUp.call(this, plan(selectors), itemIndexes[0], wait);
	} catch (error) {
		if (!this.continueOnFail()) throw asNodeError(this, error, itemIndexes[0]);
		return itemIndexes.map((i) => errorItem(this, error, i));
	}
	const output: INodeExecutionData[] = [];
	itemIndexes.forEach((itemIndex, position) => {
		const { dataKey, key } = selectors[position];
		const records = found.get(dataKey)?.get(key);
		if (records?.length) {
			for (const json of records) output.push({ json, pairedItem: { item: itemIndex } });
			return;
		}
		if (selectors[position].ifNotFound === 'output') {
			const json: IDataObject = { [dataKey]: key, found: false, status: NOT_FOUND };
			output.push({ json, pairedItem: { item: itemIndex } });
			return;
		}
		const label = dataKey === 'serial_number' ? 'serial number' : 'extended ID';
		const error = asNodeError(
			this,
			invalid(this, itemIndex, dataKey === 'serial_number' ? 'Serial Number' : 'Extended ID', `matches no code: Scantrust knows no code with ${label} "${key}"`),
			itemIndex,
		);
		error.description = 'Check the ID (extended IDs are case-sensitive), or set "Unknown Code" to "Output Status notFound" to test for it in the workflow.';
		if (!this.continueOnFail()) throw error;
		output.push(errorItem(this, error, itemIndex));
	});
	return output;
}
