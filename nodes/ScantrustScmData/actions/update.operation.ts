import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { updateCodesInBatches } from '../../shared/scmBatch';
import type { ScmUpdate } from '../../shared/scmBatch';
import {
	batchSizeOption,
	codeSelectorProperties,
	emptyValuesOption,
	fieldMappingProperties,
	readBatchSize,
	readCodeSelector,
	readScmData,
} from '../../shared/scmFields';

const properties: INodeProperties[] = [
	...codeSelectorProperties({ allowScmField: true, displayName: 'Data Key' }),
	...fieldMappingProperties(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [batchSizeOption, emptyValuesOption],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['update'] } }, properties);

function readUpdate(context: IExecuteFunctions, itemIndex: number): ScmUpdate {
	const selector = readCodeSelector(context, itemIndex);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const data = readScmData(context, itemIndex, {
		mappingMode: context.getNodeParameter('mappingMode', itemIndex, 'defineBelow') as string,
		emptyValues: String(options.emptyValues ?? 'skip'),
		selectorKey: selector.dataKey,
	});
	return { ...selector, itemIndex, data };
}

/**
 * The updates read by `validate`, per node run, so `executeBatch` does not evaluate every item's
 * expressions a second time: n8n's expression evaluation costs about a millisecond per value,
 * which made up most of a 1,000-item update's time.
 */
const checked = new WeakMap<IExecuteFunctions, Map<number, ScmUpdate>>();

export function validate(this: IExecuteFunctions, itemIndex: number): void {
	const update = readUpdate(this, itemIndex);
	readBatchSize(this, itemIndex);
	let updates = checked.get(this);
	if (!updates) checked.set(this, (updates = new Map()));
	updates.set(itemIndex, update);
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	const read = checked.get(this);
	checked.delete(this);
	const updates = itemIndexes.map((i) => read?.get(i) ?? readUpdate(this, i));
	return await updateCodesInBatches.call(this, updates, {
		batchSize: readBatchSize(this, itemIndexes[0]),
		timeoutHint: (dataKey) =>
			dataKey === 'extended_id' || dataKey === 'serial_number'
				? 'Lower the batch size, or use the "Update Async" operation, which selects the codes by constraints and cannot time out.'
				: 'Lookups by an SCM field are slow on Scantrust’s side: use the "Update Async" operation (it selects the codes by constraints and cannot time out), select the codes by extended ID, or lower the batch size.',
	});
}
