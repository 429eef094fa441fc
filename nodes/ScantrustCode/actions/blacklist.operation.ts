import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { FROM_VERSION_1_1, VERSION_1 } from '../../shared/descriptions';
import { BLACKLIST_REASONS } from '../../shared/scmFields';
import { integerInRange, invalid } from '../../shared/validate';
import { codeUpdateDescription, updateCodes, validateCodeUpdate } from '../helpers/codeUpdate';
import type { CodeChange } from '../helpers/codeUpdate';

const reasonProperty: INodeProperties = {
	displayName: 'Reason',
	name: 'reason',
	type: 'options',
	required: true,
	default: '',
	options: BLACKLIST_REASONS,
	description: 'Why the code is blacklisted, as listed in the Scantrust portal',
	builderHint: {
		propertyHint:
			'Required: the reason the user gives, as its number (1 Counterfeits Detected, 4 Stolen, 9 WO Canceled for codes of a cancelled work order, ...). Never guess a reason.',
	},
};

/**
 * The reason is a choice the user makes (version 1.1): no reason is preselected. Version 1
 * preselected "Counterfeits Detected"; its saved workflows that never touched the field rely on
 * that and keep it.
 */
export const description = codeUpdateDescription('blacklist', [
	{ ...reasonProperty, displayOptions: { show: FROM_VERSION_1_1 } },
	{ ...reasonProperty, default: 1, displayOptions: { show: VERSION_1 } },
], [], { sets: true });

function reason(context: IExecuteFunctions, itemIndex: number): string {
	const raw = context.getNodeParameter('reason', itemIndex, '');
	if (raw === '' || raw === undefined || raw === null) {
		throw invalid(context, itemIndex, 'Reason', 'is not chosen: pick why the codes are blacklisted');
	}
	return String(integerInRange(context, itemIndex, raw, 'Reason', 1, 10));
}

/** Blacklisting is activation status 2 plus a reason (scantrust-api.md §3). */
export function validate(this: IExecuteFunctions, itemIndex: number): CodeChange {
	const target = validateCodeUpdate(this, itemIndex);
	return { target, data: { activation_status: '2', blacklist_reason: reason(this, itemIndex) } };
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[], changes: CodeChange[]): Promise<INodeExecutionData[]> {
	return await updateCodes.call(this, itemIndexes, changes, 'blacklisted');
}
