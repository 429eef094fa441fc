import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { notFoundOption, readNotFound, updateCodesInBatches } from '../../shared/scmBatch';
import type { NotFoundHandling, ScmUpdate } from '../../shared/scmBatch';
import { campaignLocator, mapperOptions, readMappedScmData, scmColumnsProperty, usesScmMapper } from '../../shared/scmMapper';
import { dateWarnings } from '../../shared/scmValues';
import {
	batchSizeOption,
	codeSelectorProperties,
	emptyValuesOption,
	fieldMappingProperties,
	readBatchSize,
	readCodeSelector,
	readScmData,
	SPECIAL_FIELDS,
} from '../../shared/scmFields';

/** Node version 1: field keys typed by hand (kept for saved workflows). */
const v1 = { displayOptions: { show: { '@version': [1] } } };
/** Node version 2: the campaign's fields picked in a resource mapper. */
const v2 = { displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } } };

const properties: INodeProperties[] = [
	...codeSelectorProperties({ allowScmField: true, displayName: 'Find Code By' }),
	...updateDisplayOptions(v1.displayOptions, fieldMappingProperties()),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [batchSizeOption, emptyValuesOption, notFoundOption],
		...v1,
	},
	{ ...campaignLocator, ...v2 },
	{ ...scmColumnsProperty, ...v2 },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [batchSizeOption, ...mapperOptions, emptyValuesOption, notFoundOption],
		...v2,
	},
];

export const description = updateDisplayOptions({ show: { operation: ['update'] } }, properties);

function readUpdate(context: IExecuteFunctions, itemIndex: number): ScmUpdate {
	const selector = readCodeSelector(context, itemIndex);
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const emptyValues = String(options.emptyValues ?? 'skip');
	if (usesScmMapper(context)) {
		const { data, warnings } = readMappedScmData(context, itemIndex, {
			emptyValues,
			selectorKey: selector.dataKey,
			settings: options,
		});
		return { ...selector, itemIndex, data, warnings };
	}
	const data = readScmData(context, itemIndex, {
		mappingMode: context.getNodeParameter('mappingMode', itemIndex, 'defineBelow') as string,
		emptyValues,
		selectorKey: selector.dataKey,
	});
	// Version 1 always sent such dates as they are; it keeps doing so, and now says so.
	return { ...selector, itemIndex, data, warnings: dateWarnings(data, SPECIAL_FIELDS) };
}

/** One item's update, read and checked once; the router hands it to `executeBatch`. */
interface UpdateInput {
	update: ScmUpdate;
	/** the run's settings, as read for its first item */
	batchSize: number;
	notFound: NotFoundHandling;
}

export function validate(this: IExecuteFunctions, itemIndex: number): UpdateInput {
	return {
		update: readUpdate(this, itemIndex),
		batchSize: readBatchSize(this, itemIndex),
		notFound: readNotFound(this, itemIndex),
	};
}

export async function executeBatch(
	this: IExecuteFunctions,
	_itemIndexes: number[],
	inputs: UpdateInput[],
): Promise<INodeExecutionData[]> {
	if (!inputs.length) return [];
	return await updateCodesInBatches.call(this, inputs.map((input) => input.update), {
		batchSize: inputs[0].batchSize,
		notFound: inputs[0].notFound,
		timeoutHint: (dataKey) =>
			dataKey === 'extended_id' || dataKey === 'serial_number'
				? 'Lower the batch size, or use the "Update Async" operation, which selects the codes by constraints and cannot time out.'
				: 'Lookups by an SCM field are slow on Scantrust’s side: use the "Update Async" operation (it selects the codes by constraints and cannot time out), select the codes by extended ID, or lower the batch size.',
	});
}
