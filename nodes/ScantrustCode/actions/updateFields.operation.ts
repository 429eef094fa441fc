import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { emptyValuesOption, fieldMappingProperties, readCodeSelector, readScmData } from '../../shared/scmFields';
import { codeUpdateDescription, updateCodes, validateCodeUpdate } from '../helpers/codeUpdate';

export const description = codeUpdateDescription('updateFields', fieldMappingProperties(), [emptyValuesOption]);

function data(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return readScmData(context, itemIndex, {
		mappingMode: context.getNodeParameter('mappingMode', itemIndex, 'defineBelow') as string,
		emptyValues: String(options.emptyValues ?? 'skip'),
		selectorKey: readCodeSelector(context, itemIndex).dataKey,
	});
}

export function validate(this: IExecuteFunctions, itemIndex: number): void {
	validateCodeUpdate(this, itemIndex);
	data(this, itemIndex);
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	return await updateCodes.call(this, itemIndexes, (i) => data(this, i));
}
