import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ScmUpdate } from '../../shared/scmBatch';
import { emptyValuesOption, fieldMappingProperties, readCodeSelector, readScmData, SPECIAL_FIELDS } from '../../shared/scmFields';
import { campaignLocator, mapperOptions, readMappedScmData, scmColumnsProperty, usesScmMapper } from '../../shared/scmMapper';
import { dateWarnings } from '../../shared/scmValues';
import { codeUpdateDescription, sendCodeUpdates, validateCodeUpdate } from '../helpers/codeUpdate';

/** Version 1: field keys typed by hand (kept for saved workflows); version 2: picked from the campaign. */
const v1 = { show: { '@version': [1] } };
const v2 = { show: { '@version': [{ _cnd: { gte: 2 } }] } };

export const description: INodeProperties[] = [
	...updateDisplayOptions(v1, codeUpdateDescription('updateFields', fieldMappingProperties(), [emptyValuesOption])),
	...updateDisplayOptions(
		v2,
		codeUpdateDescription('updateFields', [campaignLocator, scmColumnsProperty], [...mapperOptions, emptyValuesOption]),
	),
];

function data(context: IExecuteFunctions, itemIndex: number): { data: IDataObject; warnings: string[] } {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const emptyValues = String(options.emptyValues ?? 'skip');
	const selectorKey = readCodeSelector(context, itemIndex).dataKey;
	if (usesScmMapper(context)) return readMappedScmData(context, itemIndex, { emptyValues, selectorKey });
	const written = readScmData(context, itemIndex, {
		mappingMode: context.getNodeParameter('mappingMode', itemIndex, 'defineBelow') as string,
		emptyValues,
		selectorKey,
	});
	return { data: written, warnings: dateWarnings(written, SPECIAL_FIELDS) };
}

/** One item's update, read and checked once; the router hands it to `executeBatch`. */
export function validate(this: IExecuteFunctions, itemIndex: number): ScmUpdate {
	validateCodeUpdate(this, itemIndex);
	return { ...readCodeSelector(this, itemIndex), itemIndex, ...data(this, itemIndex) };
}

export async function executeBatch(
	this: IExecuteFunctions,
	_itemIndexes: number[],
	updates: ScmUpdate[],
): Promise<INodeExecutionData[]> {
	return await sendCodeUpdates.call(this, updates);
}
