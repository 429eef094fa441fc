import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalid } from './validate';

/** "Wait for completion" parameters for background jobs (work orders, code uploads). */

/** Poll interval and timeout; `show` limits them to e.g. `{ waitForCompletion: [true] }`. */
export function waitParameters(
	what: string,
	show: { [key: string]: Array<string | boolean> } = {},
): INodeProperties[] {
	const displayOptions = Object.keys(show).length ? { displayOptions: { show } } : {};
	return [
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: `How often to ask Scantrust whether the ${what} is done`,
			...displayOptions,
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description: `How long to wait at most. The ${what} goes on in Scantrust after a timeout; check it again later.`,
			...displayOptions,
		},
	];
}

/** The wait parameters in milliseconds, checked (an expression may give anything). */
export function waitSettings(
	context: IExecuteFunctions,
	itemIndex: number,
): { intervalMs: number; timeoutMs: number } {
	const interval = Number(context.getNodeParameter('pollInterval', itemIndex, 5));
	const timeout = Number(context.getNodeParameter('timeout', itemIndex, 600));
	if (!Number.isFinite(interval) || interval < 1) {
		throw invalid(context, itemIndex, 'Poll Interval (Seconds)', `must be at least 1 (got "${String(interval)}")`);
	}
	if (!Number.isFinite(timeout) || timeout < 1) {
		throw invalid(context, itemIndex, 'Timeout (Seconds)', `must be at least 1 (got "${String(timeout)}")`);
	}
	return { intervalMs: interval * 1000, timeoutMs: timeout * 1000 };
}
