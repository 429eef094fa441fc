import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { codeUpdateDescription, updateCodes, validateCodeUpdate } from '../helpers/codeUpdate';
import type { CodeChange } from '../helpers/codeUpdate';

export const description = codeUpdateDescription('deactivate', [], [], { sets: true });

export function validate(this: IExecuteFunctions, itemIndex: number): CodeChange {
	return { target: validateCodeUpdate(this, itemIndex), data: { activation_status: '0' } };
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[], changes: CodeChange[]): Promise<INodeExecutionData[]> {
	return await updateCodes.call(this, itemIndexes, changes, 'inactive');
}
