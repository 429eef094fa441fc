import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { updateCodesInBatches } from '../../shared/scmBatch';
import type { ScmUpdate } from '../../shared/scmBatch';
import { batchSizeOption, codeSelectorProperties, readBatchSize, readCodeSelector } from '../../shared/scmFields';

/**
 * What the code-changing operations share: one code per input item (by extended ID or serial
 * number), written through the synchronous SCM upload in batches (scantrust-api.md §3).
 */

const TIMEOUT_HINT =
	'Lower the batch size, or for large sets use the Scantrust SCM Data node’s "Update Async" operation, which cannot time out.';

/** The operation's parameters: the code, then its own fields, then Options (batch size and `extraOptions`). */
export function codeUpdateDescription(
	operation: string,
	fields: INodeProperties[],
	extraOptions: INodeProperties[] = [],
): INodeProperties[] {
	return updateDisplayOptions({ show: { operation: [operation] } }, [
		...codeSelectorProperties({ allowScmField: false, displayName: 'Find Code By' }),
		...fields,
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [batchSizeOption, ...extraOptions],
		},
	]);
}

/** The checks every code update runs before anything is sent. */
export function validateCodeUpdate(context: IExecuteFunctions, itemIndex: number): void {
	readCodeSelector(context, itemIndex);
	readBatchSize(context, itemIndex);
}

/** Writes `dataFor(i)` to each item's code; one output item per input item says what happened. */
export async function updateCodes(
	this: IExecuteFunctions,
	itemIndexes: number[],
	dataFor: (itemIndex: number) => IDataObject,
): Promise<INodeExecutionData[]> {
	const updates = itemIndexes.map((itemIndex) => ({
		...readCodeSelector(this, itemIndex),
		itemIndex,
		data: dataFor(itemIndex),
	}));
	return await sendCodeUpdates.call(this, updates);
}

/** Sends updates already read (with their warnings), in batches of the node's batch size. */
export async function sendCodeUpdates(this: IExecuteFunctions, updates: ScmUpdate[]): Promise<INodeExecutionData[]> {
	return await updateCodesInBatches.call(this, updates, {
		batchSize: readBatchSize(this, updates[0]?.itemIndex ?? 0),
		timeoutHint: () => TIMEOUT_HINT,
	});
}
