import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { codeUpdateDescription, updateCodes, validateCodeUpdate } from '../helpers/codeUpdate';

export const description = codeUpdateDescription('activate', [], [], { sets: true });

export function validate(this: IExecuteFunctions, itemIndex: number): void {
	validateCodeUpdate(this, itemIndex);
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	return await updateCodes.call(this, itemIndexes, () => ({ activation_status: '1' }), 'active');
}
