import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { ScmUpdate } from '../../shared/scmBatch';
import { emptyValuesOption, fieldMappingProperties, readScmData, SPECIAL_FIELDS } from '../../shared/scmFields';
import { campaignLocator, mapperOptions, readMappedScmData, scmColumnsProperty, usesScmMapper } from '../../shared/scmMapper';
import { dateWarnings } from '../../shared/scmValues';
import { codeUpdateDescription, sendCodeUpdates, validateCodeUpdate } from '../helpers/codeUpdate';
import type { CodeTarget } from '../helpers/codeUpdate';
import type { CodeSelector } from '../../shared/scmFields';

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

function data(context: IExecuteFunctions, itemIndex: number, selectorKey: string): { data: IDataObject; warnings: string[] } {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const emptyValues = String(options.emptyValues ?? 'skip');
	if (usesScmMapper(context)) return readMappedScmData(context, itemIndex, { emptyValues, selectorKey, settings: options });
	const written = readScmData(context, itemIndex, {
		mappingMode: context.getNodeParameter('mappingMode', itemIndex, 'defineBelow') as string,
		emptyValues,
		selectorKey,
	});
	return { data: written, warnings: dateWarnings(written, SPECIAL_FIELDS) };
}

/** One item's update, read and checked once; the router hands it to `executeBatch`. */
interface UpdateInput {
	target: CodeTarget;
	update: ScmUpdate;
}

export function validate(this: IExecuteFunctions, itemIndex: number): UpdateInput {
	const target = validateCodeUpdate(this, itemIndex);
	const code = (target as { code: CodeSelector }).code;
	return { target, update: { ...code, itemIndex, ...data(this, itemIndex, code.dataKey) } };
}

export async function executeBatch(
	this: IExecuteFunctions,
	_itemIndexes: number[],
	inputs: UpdateInput[],
): Promise<INodeExecutionData[]> {
	if (!inputs.length) return [];
	return await sendCodeUpdates.call(this, inputs.map((input) => input.update), inputs[0].target);
}
