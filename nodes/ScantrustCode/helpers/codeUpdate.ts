import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundOption, readNotFound, updateCodesInBatches } from '../../shared/scmBatch';
import type { NotFoundHandling, ScmUpdate } from '../../shared/scmBatch';
import type { CodeSelector } from '../../shared/scmFields';
import { blacklistReasonName, codeStatusName } from '../../shared/codeStatus';
import { batchSizeOption, codeSelectorProperties, readBatchSize, readCodeSelector } from '../../shared/scmFields';
import {
	changeCodeSets,
	checkCodeSet,
	CODES_FROM,
	codeSetProperties,
	codeSetWaitOptions,
	codesFromProperty,
	codesFromSet,
	INPUT_ITEMS,
} from './codeSets';
import type { CodeSetInput } from './codeSets';

/**
 * What the code-changing operations share: one code per input item (by extended ID or serial
 * number), written through the synchronous SCM upload in batches (scantrust-api.md §3), or a whole
 * set of codes through the async upload (codeSets.ts).
 */

const TIMEOUT_HINT =
	'Lower the batch size, or for large sets use the Scantrust SCM Data node’s "Update Async" operation, which cannot time out.';

/**
 * The operation's parameters: the code, then its own fields, then Options (batch size and
 * `extraOptions`). With `sets`, a "Codes" selector first: one code per input item (the original
 * behaviour and default, so saved workflows are unchanged) or every code of a work order, a
 * product or an SCM value (helpers/codeSets.ts).
 */
export function codeUpdateDescription(
	operation: string,
	fields: INodeProperties[],
	extraOptions: INodeProperties[] = [],
	{ sets = false }: { sets?: boolean } = {},
): INodeProperties[] {
	const perItem = sets ? { show: { [CODES_FROM]: [INPUT_ITEMS] } } : {};
	return updateDisplayOptions({ show: { operation: [operation] } }, [
		...(sets ? [codesFromProperty] : []),
		...updateDisplayOptions(
			perItem,
			codeSelectorProperties({ allowScmField: false, displayName: 'Find Code By' }).map((property) =>
				property.name === 'extendedId'
					? { ...property, builderHint: { propertyHint: 'An expression reading the extended ID from each input item, one code per item.' } }
					: property,
			),
		),
		...fields,
		...(sets ? codeSetProperties() : []),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				sets ? { ...batchSizeOption, displayOptions: { show: { [`/${CODES_FROM}`]: [INPUT_ITEMS] } } } : batchSizeOption,
				sets ? { ...notFoundOption, displayOptions: { show: { [`/${CODES_FROM}`]: [INPUT_ITEMS] } } } : notFoundOption,
				...extraOptions,
				...(sets ? codeSetWaitOptions : []),
			],
		},
	]);
}

/**
 * Which codes an item changes: a set, or one code with the run's batch settings (taken from the
 * first item, read for every item so each is read once and checked before anything is sent).
 */
export type CodeTarget =
	| { set: CodeSetInput }
	| { code: CodeSelector; batchSize: number; notFound: NotFoundHandling };

/** The checks every code update runs before anything is sent; returns what was read. */
export function validateCodeUpdate(context: IExecuteFunctions, itemIndex: number): CodeTarget {
	if (codesFromSet(context)) return { set: checkCodeSet(context, itemIndex) };
	return {
		code: readCodeSelector(context, itemIndex),
		batchSize: readBatchSize(context, itemIndex),
		notFound: readNotFound(context, itemIndex),
	};
}

/** One item's change: its codes and the SCM data to write to them. */
export interface CodeChange {
	target: CodeTarget;
	data: IDataObject;
}

/** What a change means, in words, for the output of a set: `status: "blacklisted"`, the reason by name. */
function describeChange(data: IDataObject): IDataObject {
	const result: IDataObject = {};
	if (data.activation_status !== undefined) result.status = codeStatusName(data.activation_status);
	if (data.blacklist_reason !== undefined) result.blacklist_reason = blacklistReasonName(data.blacklist_reason);
	if (data.product !== undefined) result.product = data.product;
	return result;
}

/**
 * Writes each item's change (`changes[k]` for `itemIndexes[k]`); one output item per input item
 * says what happened, with `status` in words (`statusWhenWritten` once written: `active`, ...).
 */
export async function updateCodes(
	this: IExecuteFunctions,
	itemIndexes: number[],
	changes: CodeChange[],
	statusWhenWritten: string,
): Promise<INodeExecutionData[]> {
	if (!changes.length) return [];
	const sets = changes.map(({ target }) => ('set' in target ? target.set : undefined));
	if (sets.every((set) => set !== undefined)) {
		return await changeCodeSets.call(this, itemIndexes, sets as CodeSetInput[], (k) => changes[k].data, describeChange);
	}
	const updates = itemIndexes.map((itemIndex, k) => ({
		...(changes[k].target as { code: CodeSelector }).code,
		itemIndex,
		data: changes[k].data,
	}));
	return await sendCodeUpdates.call(this, updates, changes[0].target, statusWhenWritten);
}

/** Sends updates already read (with their warnings), in batches of the batch size read for the first item. */
export async function sendCodeUpdates(
	this: IExecuteFunctions,
	updates: ScmUpdate[],
	first: CodeTarget,
	statusWhenWritten = 'updated',
): Promise<INodeExecutionData[]> {
	const { batchSize, notFound } = first as { batchSize: number; notFound: NotFoundHandling };
	return await updateCodesInBatches.call(this, updates, {
		batchSize,
		timeoutHint: () => TIMEOUT_HINT,
		statusWhenWritten,
		notFound,
	});
}
