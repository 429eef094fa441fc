import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { BLACKLIST_REASONS } from '../../shared/scmFields';
import { integerInRange } from '../../shared/validate';
import { codeUpdateDescription, updateCodes, validateCodeUpdate } from '../helpers/codeUpdate';

export const description = codeUpdateDescription('blacklist', [
	{
		displayName: 'Reason',
		name: 'reason',
		type: 'options',
		default: 1,
		options: BLACKLIST_REASONS,
		description: 'Why the code is blacklisted, as listed in the Scantrust portal',
	},
], [], { sets: true });

function reason(context: IExecuteFunctions, itemIndex: number): string {
	const raw = context.getNodeParameter('reason', itemIndex, 1);
	return String(integerInRange(context, itemIndex, raw, 'Reason', 1, 10));
}

export function validate(this: IExecuteFunctions, itemIndex: number): void {
	validateCodeUpdate(this, itemIndex);
	reason(this, itemIndex);
}

/** Blacklisting is activation status 2 plus a reason (scantrust-api.md §3). */
export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	return await updateCodes.call(this, itemIndexes, (i) => ({ activation_status: '2', blacklist_reason: reason(this, i) }));
}
