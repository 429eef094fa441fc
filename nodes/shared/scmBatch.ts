import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, errorItem } from './router';
import type { CodeSelector } from './scmFields';
import { SCM_UPLOAD_PERMISSIONS } from './scmFields';
import { apiCall, isOutcomeUnknown } from './transport';
import { TIMEOUT_MS } from './transport/constants';
import { apiError, renderFieldErrors } from './transport/errors';

/**
 * Synchronous SCM updates across input items (`POST /api/v2/scm/upload/`, scantrust-api.md §4.2):
 * items go in batches, one request per batch, paced under the `scm_update` limit by the
 * transport; every output item is paired with its input item and says what happened to its code.
 * Shared by the SCM Data node (Update) and the Code node (Activate, Blacklist, ...).
 */

/** One input item's update: how its code(s) are selected and the fields written. */
export interface ScmUpdate extends CodeSelector {
	itemIndex: number;
	data: IDataObject;
	/** found while reading the item (a date sent as is, a column left out); put into its output item */
	warnings?: string[];
}

export interface ScmBatchOptions {
	batchSize: number;
	/** advice for a 504 (the async upload is the documented way out), by the batch's data key */
	timeoutHint: (dataKey: string) => string;
	/** The output's `status` when everything sent was written, in words: `blacklisted`, `active`, ... (default `updated`) */
	statusWhenWritten?: string;
	/** A code Scantrust does not have: an output item with status `notFound` (default), or an error for that item. */
	notFound?: NotFoundHandling;
}

/** The "Unknown Code" choice (as in Code → Get); the values are stored in workflows. */
export type NotFoundHandling = 'output' | 'error';

/** An option of every per-code SCM update (Code node, SCM Data → Update). */
export const notFoundOption: INodeProperties = {
	displayName: 'Unknown Code',
	name: 'ifNotFound',
	type: 'options',
	// An unknown code never stopped an update: the default keeps saved workflows as they were.
	default: 'output',
	builderHint: {
		propertyHint:
			'Keep "output" and route items whose status is "notFound" with an IF node; "error" only when the user wants the run to stop at an unknown code.',
	},
	options: [
		{
			name: 'Output Status "notFound"',
			value: 'output',
			description: 'The item comes out like the others, with status "notFound"; an IF node can route it',
		},
		{
			name: 'Stop With an Error',
			value: 'error',
			description: 'The item is an error: it stops the run (with "Continue On Fail": an error item, the others go on)',
		},
	],
};

/** The choice for the run (read for the first item, like the batch size). */
export function readNotFound(context: IExecuteFunctions, itemIndex: number): NotFoundHandling {
	return context.getNodeParameter('options.ifNotFound', itemIndex, 'output') === 'error' ? 'error' : 'output';
}

const SYNC_PATH = '/api/v2/scm/upload/';

type NodeError = NodeApiError | NodeOperationError;

interface Rejection {
	update: ScmUpdate;
	problems: string[];
	body: JsonObject;
}

type BatchOutcome =
	| { kind: 'applied'; written: IDataObject | undefined }
	| { kind: 'rejected'; rejected: Rejection[]; accepted: ScmUpdate[]; body: JsonObject }
	| { kind: 'failed'; error: NodeError; notApplied: boolean };

/**
 * Sends the updates in batches, in input order, and returns one output item per update. Without
 * continue-on-fail the first failed batch stops the run with an error that says which items were
 * already applied and which were never sent. With it, only the failed batch's items become error
 * items; when Scantrust rejected single items of a batch (400), the rest of that batch, which was
 * not applied either, is sent again on its own so one bad item does not fail its neighbours.
 */
export async function updateCodesInBatches(
	this: IExecuteFunctions,
	updates: ScmUpdate[],
	options: ScmBatchOptions,
): Promise<INodeExecutionData[]> {
	const batches = splitIntoBatches(updates, options.batchSize);
	const continueOnFail = this.continueOnFail();
	const output: INodeExecutionData[] = [];

	for (let number = 0; number < batches.length; number++) {
		let pending = batches[number];
		for (let round = 1; pending.length; round++) {
			const outcome = await sendBatch.call(this, pending, options.timeoutHint);
			if (outcome.kind === 'applied') {
				for (const update of pending) {
					const item = resultItem(update, outcome.written, options.statusWhenWritten ?? 'updated');
					if (item.json.status !== 'notFound' || options.notFound !== 'error') output.push(item);
					else if (continueOnFail) output.push(errorItem(this, notFoundError(this, update), update.itemIndex));
					else throw notFoundError(this, update, describeProgress(batches, number, true, true));
				}
				break;
			}
			if (!continueOnFail) throw batchError(this, outcome, batches, number);
			if (outcome.kind === 'failed') {
				output.push(...pending.map((update) => errorItem(this, outcome.error, update.itemIndex)));
				break;
			}
			output.push(...outcome.rejected.map((r) => errorItem(this, rejectionError(this, r), r.update.itemIndex)));
			if (round >= 2) {
				// Rejected twice: stop resending and say so for the items that were never applied.
				const notApplied = new NodeApiError(this.getNode(), outcome.body, {
					message: 'Not applied: Scantrust rejected this item’s batch twice because of other items in it',
					description: 'Run the node again for this item.',
					httpCode: '400',
					itemIndex: outcome.accepted[0]?.itemIndex,
				});
				output.push(...outcome.accepted.map((update) => errorItem(this, notApplied, update.itemIndex)));
				break;
			}
			pending = outcome.accepted;
		}
	}
	addWarningHint(this, output);
	return output;
}

/**
 * Items with warnings still succeed (the update went through), so n8n would show the run as plain
 * green: a hint above the output says how many items to look at.
 */
export function addWarningHint(context: IExecuteFunctions, output: INodeExecutionData[]): void {
	const warned = output.filter((item) => !item.error && Array.isArray(item.json.warnings) && item.json.warnings.length);
	if (!warned.length || typeof context.addExecutionHints !== 'function') return;
	const first = (warned[0].json.warnings as string[])[0];
	context.addExecutionHints({
		message: `${warned.length} of ${output.length} items have warnings (see "warnings" in each item), e.g. ${first}`,
		type: 'warning',
		location: 'outputPane',
	});
}

/** Consecutive updates with the same data key, at most `size` per batch (`data_key` is per request). */
function splitIntoBatches(updates: ScmUpdate[], size: number): ScmUpdate[][] {
	const batches: ScmUpdate[][] = [];
	for (const update of updates) {
		const last = batches[batches.length - 1];
		if (last && last.length < size && last[0].dataKey === update.dataKey) last.push(update);
		else batches.push([update]);
	}
	return batches;
}

async function sendBatch(
	this: IExecuteFunctions,
	batch: ScmUpdate[],
	timeoutHint: ScmBatchOptions['timeoutHint'],
): Promise<BatchOutcome> {
	const { dataKey, itemIndex } = batch[0];
	let response: { status: number; body: unknown };
	try {
		response = await apiCall.call(this, {
			method: 'POST',
			path: SYNC_PATH,
			body: { data_key: dataKey, items: batch.map((update) => ({ [dataKey]: update.key, ...update.data })) },
			itemIndex,
			permissions: SCM_UPLOAD_PERMISSIONS,
			throttleScope: 'scm',
			timeoutMs: TIMEOUT_MS.scmSync,
			// Not sent again when its fate is unknown (no answer, 502): the values would be the same,
			// but a change made in between (a code blacklisted by someone else) would be undone, and
			// the codes cannot be read back cheaply. The batch error says it may or may not be applied.
			safeToRepeat: false,
			// 400: per-item errors to map onto the input items; 504: the documented sync timeout,
			// which retrying would only repeat.
			acceptStatuses: [400, 504],
		});
	} catch (error) {
		const nodeError = asNodeError(this, error, itemIndex);
		return { kind: 'failed', error: nodeError, notApplied: nothingApplied(nodeError) };
	}

	if (response.status === 504) {
		const error = new NodeApiError(
			this.getNode(),
			{ httpCode: '504' },
			{
				message: 'Scantrust timed out on the synchronous SCM update (HTTP 504); it applied nothing of this request',
				description: `Synchronous updates give up after about 60 seconds. ${timeoutHint(dataKey)}`,
				httpCode: '504',
				itemIndex,
				failure: { cause: 'temporarily-unavailable' },
			},
		);
		return { kind: 'failed', error, notApplied: true };
	}

	if (response.status === 400) {
		const body = (response.body && typeof response.body === 'object' ? response.body : {}) as JsonObject;
		const perItem = itemErrors(body.items, batch.length);
		const rejected: Rejection[] = [];
		const accepted: ScmUpdate[] = [];
		batch.forEach((update, position) => {
			const entry = perItem?.get(position);
			const problems = renderFieldErrors(entry);
			if (problems.length) rejected.push({ update, problems, body: entry as JsonObject });
			else accepted.push(update);
		});
		if (rejected.length) return { kind: 'rejected', rejected, accepted, body };
		const unreadable = body.items !== undefined && perItem === undefined && !isFieldMessages(body.items);
		const error = apiError(this.getNode(), {
			status: 400,
			body,
			method: 'POST',
			path: SYNC_PATH,
			itemIndex,
			permissions: SCM_UPLOAD_PERMISSIONS,
			hint: unreadable
				? `Scantrust rejected items of this batch, but its per-item errors came in a shape the node cannot match to the ${batch.length} items sent (neither a list of ${batch.length} entries nor an object keyed by item index), so every item of the batch is reported as not applied and none was sent again.`
				: undefined,
		});
		if (unreadable) error.message = `${error.message}: not applied; its per-item errors could not be matched to the items`;
		return { kind: 'failed', error, notApplied: true };
	}

	const answer = (response.body ?? {}) as IDataObject;
	const written = answer.items && typeof answer.items === 'object' ? (answer.items as IDataObject) : undefined;
	return { kind: 'applied', written };
}

/**
 * Per-item errors of a 400, by position in the batch, in either of DRF's shapes: a list aligned
 * with the items (`[{}, {"product": [...]}, {}]`, a nested serializer with many=True) or, for a
 * ListField, an object keyed by index holding the failing items only (`{"1": {"product": [...]}}`).
 * Undefined when the errors cannot be matched to the items.
 */
function itemErrors(items: unknown, count: number): Map<number, unknown> | undefined {
	if (Array.isArray(items)) {
		if (items.length !== count || isFieldMessages(items)) return undefined;
		return new Map(items.map((entry, position) => [position, entry]));
	}
	if (!items || typeof items !== 'object') return undefined;
	const entries = Object.entries(items as JsonObject);
	const byIndex = new Map<number, unknown>();
	for (const [key, entry] of entries) {
		const position = /^\d+$/.test(key) ? Number(key) : NaN;
		if (!(position < count)) return undefined;
		byIndex.set(position, entry);
	}
	return byIndex.size ? byIndex : undefined;
}

/** `["Ensure this field has no more than 1000 elements."]`: an error about the list itself, not its items. */
function isFieldMessages(value: unknown): boolean {
	return Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string');
}

/**
 * The transport marks every failure of a change that may or may not have been applied (no answer,
 * a 500 or 502); any other failure (a refusal, a batch never sent) applied nothing of the batch.
 */
function nothingApplied(error: NodeError): boolean {
	return !isOutcomeUnknown(error);
}

/**
 * What the server's `items` map (key value → fields written) says about one update, with a
 * `status` in words an IF node can test: `statusWhenWritten` (`blacklisted`, `updated`, ...) when
 * all was written, `partlyWritten`, `notWritten` (code found, nothing written), `notFound`, or
 * `unconfirmed` when Scantrust's answer did not list the codes.
 */
function resultItem(update: ScmUpdate, written: IDataObject | undefined, statusWhenWritten: string): INodeExecutionData {
	const sent = Object.keys(update.data);
	const reported = written?.[update.key];
	const codeFound = Array.isArray(reported);
	const reportedFields = codeFound ? (reported as unknown[]).map(String) : [];
	const matching = sent.filter((field) => reportedFields.includes(field));
	// Only names we did not send (another spelling): trust the server's list, and claim nothing
	// about which of ours were left out.
	const otherSpelling = codeFound && !matching.length && reportedFields.length > 0;
	const fieldsWritten = otherSpelling ? reportedFields : matching;
	const fieldsNotWritten = otherSpelling ? [] : sent.filter((field) => !fieldsWritten.includes(field));
	let status = statusWhenWritten;
	if (!written) status = 'unconfirmed';
	else if (!codeFound) status = 'notFound';
	else if (!fieldsWritten.length) status = 'notWritten';
	else if (fieldsNotWritten.length) status = 'partlyWritten';
	const json: IDataObject = {
		[update.dataKey]: update.key,
		status,
		updated: fieldsWritten.length > 0,
		codeFound,
		fieldsWritten,
		fieldsNotWritten,
	};
	if (!written) json.reason = 'Scantrust’s answer did not list the updated codes';
	else if (!codeFound) json.reason = `No code has ${update.dataKey} "${update.key}"`;
	else if (fieldsNotWritten.length) {
		json.reason = `Not written: ${fieldsNotWritten.join(', ')}. Scantrust discards fields that are not set up in the code’s campaign.`;
	}
	const warnings = [...(update.warnings ?? []), ...(codeFound && fieldsNotWritten.length ? [json.reason as string] : [])];
	if (warnings.length) json.warnings = warnings;
	return { json, pairedItem: { item: update.itemIndex } };
}

/** "Unknown Code: Stop With an Error": the item's error, and when it stops the run, where the run stands. */
function notFoundError(context: IExecuteFunctions, update: ScmUpdate, progress?: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), `No code has ${update.dataKey} "${update.key}"`, {
		itemIndex: update.itemIndex,
		description: [
			'Scantrust has no such code, so nothing was written for this item. Check the value, or set "Unknown Code" to “Output Status "notFound"” to route such items with an IF node.',
			progress,
		]
			.filter(Boolean)
			.join('\n'),
	});
}

function rejectionError(context: IExecuteFunctions, rejection: Rejection): NodeApiError {
	const { update, problems, body } = rejection;
	return new NodeApiError(context.getNode(), body, {
		message: `Scantrust rejected the update of ${update.dataKey} "${update.key}": ${problems.join('; ')}`,
		description:
			'Nothing was written for this item. Fix the value and run the node again for it; the other items of its batch were sent without it.',
		httpCode: '400',
		itemIndex: update.itemIndex,
	});
}

/** The error that stops the run: what failed, and exactly which items were and were not applied. */
function batchError(
	context: IExecuteFunctions,
	outcome: Exclude<BatchOutcome, { kind: 'applied' }>,
	batches: ScmUpdate[][],
	failed: number,
): NodeError {
	const batch = batches[failed];
	const where = `batch ${failed + 1} of ${batches.length}, ${describeItems(batch)}`;
	const progress = describeProgress(batches, failed, outcome.kind === 'rejected' || outcome.notApplied);

	if (outcome.kind === 'rejected') {
		const lines = outcome.rejected.map(
			(r) => `Item ${r.update.itemIndex} (${r.update.dataKey} "${r.update.key}"): ${r.problems.join('; ')}`,
		);
		const shown = lines.slice(0, 20);
		if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
		const first = outcome.rejected[0];
		return new NodeApiError(context.getNode(), outcome.body, {
			message: `Scantrust rejected ${outcome.rejected.length} of ${batch.length} items in ${where}: ${lines[0]}${lines.length > 1 ? ` (and ${lines.length - 1} more)` : ''}`,
			description: [...shown, progress, 'Fix these items, or turn on "Continue On Fail" to apply the others and get the rejected ones as error items.'].join('\n'),
			httpCode: '400',
			itemIndex: first.update.itemIndex,
		});
	}

	const error = outcome.error;
	error.message = `${error.message} (${where})`;
	error.description = [error.description, progress].filter(Boolean).join('\n');
	return error;
}

/** `appliedHere`: the batch was applied (a code in it was not found), as opposed to failed. */
function describeProgress(batches: ScmUpdate[][], failed: number, notApplied: boolean, appliedHere = false): string {
	const applied = batches.slice(0, failed).flat();
	const notSent = batches.slice(failed + 1).flat();
	const lines = [
		appliedHere
			? `Batch ${failed + 1} was applied to the codes Scantrust has.`
			: notApplied
				? `Nothing of batch ${failed + 1} was applied.`
				: `Batch ${failed + 1} may or may not have been applied: the answer never came.`,
		applied.length
			? `Already applied: ${failed === 1 ? 'batch 1' : `batches 1–${failed}`} (${describeItems(applied)}).`
			: 'No earlier batch: nothing was applied before it.',
	];
	if (notSent.length) {
		const range = failed + 2 === batches.length ? `batch ${batches.length}` : `batches ${failed + 2}–${batches.length}`;
		lines.push(`Not sent: ${range} (${describeItems(notSent)}).`);
	}
	lines.push('Running the node again is safe: items that were applied get the same values again.');
	return lines.join('\n');
}

/** "item 4", "items 0–99", "items 0–3, 7, 9–12" (at most 10 ranges, then a count). */
export function describeItems(updates: Array<{ itemIndex: number }>): string {
	const indexes = updates.map((update) => update.itemIndex).sort((a, b) => a - b);
	if (indexes.length === 1) return `item ${indexes[0]}`;
	const ranges: string[] = [];
	for (let start = 0; start < indexes.length; ) {
		let end = start;
		while (end + 1 < indexes.length && indexes[end + 1] === indexes[end] + 1) end++;
		ranges.push(end === start ? String(indexes[start]) : `${indexes[start]}–${indexes[end]}`);
		start = end + 1;
	}
	const shown = ranges.slice(0, 10);
	const rest = ranges.length - shown.length;
	return `items ${shown.join(', ')}${rest > 0 ? ` and ${rest} more ranges` : ''}`;
}
