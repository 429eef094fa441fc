import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalid } from './validate';

/** Poll interval and timeout for operations that wait for a Scantrust background job (SCM task, export). */

/** Jobs usually finish within seconds to minutes; large ones take longer, hence a 10-minute default. */
const DEFAULT_INTERVAL_SECONDS = 5;
const DEFAULT_TIMEOUT_SECONDS = 600;

export function waitOptions(what: string): INodeProperties[] {
	return [
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: `How often to ask Scantrust about the ${what} while waiting`,
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description: `How long to wait before failing; the ${what} itself goes on in Scantrust`,
		},
	];
}

/** Reads `options.pollInterval` and `options.timeout` (seconds) as milliseconds. */
export function readWaitOptions(
	context: IExecuteFunctions,
	itemIndex: number,
): { intervalMs: number; timeoutMs: number } {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const interval = Number(options.pollInterval ?? DEFAULT_INTERVAL_SECONDS);
	const timeout = Number(options.timeout ?? DEFAULT_TIMEOUT_SECONDS);
	if (!Number.isFinite(interval) || interval < 1) {
		throw invalid(context, itemIndex, 'Poll Interval (Seconds)', `must be at least 1 (got "${String(options.pollInterval)}")`);
	}
	if (!Number.isFinite(timeout) || timeout < interval) {
		throw invalid(context, itemIndex, 'Timeout (Seconds)', `must be at least the poll interval (got "${String(options.timeout)}")`);
	}
	return { intervalMs: Math.round(interval * 1000), timeoutMs: Math.round(timeout * 1000) };
}
