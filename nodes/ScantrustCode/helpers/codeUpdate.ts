import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundOption, readNotFound, updateCodesInBatches } from '../../shared/scmBatch';
import type { ScmUpdate } from '../../shared/scmBatch';
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

/** The checks every code update runs before anything is sent. */
export function validateCodeUpdate(context: IExecuteFunctions, itemIndex: number): void {
	if (codesFromSet(context)) {
		checkCodeSet(context, itemIndex);
		return;
	}
	readCodeSelector(context, itemIndex);
	readBatchSize(context, itemIndex);
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
 * Writes `dataFor(i)` to each item's code; one output item per input item says what happened,
 * with `status` in words (`statusWhenWritten` once written: `active`, `blacklisted`, ...).
 */
export async function updateCodes(
	this: IExecuteFunctions,
	itemIndexes: number[],
	dataFor: (itemIndex: number) => IDataObject,
	statusWhenWritten: string,
): Promise<INodeExecutionData[]> {
	if (codesFromSet(this)) return await changeCodeSets.call(this, itemIndexes, dataFor, (_i, data) => describeChange(data));
	const updates = itemIndexes.map((itemIndex) => ({
		...readCodeSelector(this, itemIndex),
		itemIndex,
		data: dataFor(itemIndex),
	}));
	return await sendCodeUpdates.call(this, updates, statusWhenWritten);
}

/** Sends updates already read (with their warnings), in batches of the node's batch size. */
export async function sendCodeUpdates(
	this: IExecuteFunctions,
	updates: ScmUpdate[],
	statusWhenWritten = 'updated',
): Promise<INodeExecutionData[]> {
	const first = updates[0]?.itemIndex ?? 0;
	return await updateCodesInBatches.call(this, updates, {
		batchSize: readBatchSize(this, first),
		timeoutHint: () => TIMEOUT_HINT,
		statusWhenWritten,
		notFound: readNotFound(this, first),
	});
}
