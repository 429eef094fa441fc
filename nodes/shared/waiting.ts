import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalid } from './validate';

/**
 * "Wait for completion" settings for Scantrust background jobs (work orders, code uploads, SCM
 * tasks, code exports). Jobs usually finish within seconds to minutes; large ones take longer,
 * hence a 10-minute default timeout.
 */
const DEFAULT_INTERVAL_SECONDS = 5;
const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * Poll interval and timeout parameters. `show` limits them to e.g. `{ waitForCompletion: [true] }`;
 * without it they suit an "Options" collection.
 */
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
			default: DEFAULT_INTERVAL_SECONDS,
			description: `How often to ask Scantrust whether the ${what} is done`,
			...displayOptions,
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_SECONDS,
			description: `How long to wait at most. The ${what} goes on in Scantrust after a timeout; check it again later.`,
			...displayOptions,
		},
	];
}

/** How often to check and for how long, in milliseconds. */
export interface WaitSettings {
	intervalMs: number;
	timeoutMs: number;
}

/**
 * The wait settings in milliseconds, checked (an expression may give anything). They are read
 * from the node's top-level parameters, or, where the node keeps them in its "Options"
 * collection, from `options`: that collection as the caller has read it for this item (so it is
 * read once).
 */
export function waitSettings(
	context: IExecuteFunctions,
	itemIndex: number,
	{ options }: { options?: IDataObject } = {},
): WaitSettings {
	const source = options ?? {
		pollInterval: context.getNodeParameter('pollInterval', itemIndex, DEFAULT_INTERVAL_SECONDS),
		timeout: context.getNodeParameter('timeout', itemIndex, DEFAULT_TIMEOUT_SECONDS),
	};
	const interval = Number(source.pollInterval ?? DEFAULT_INTERVAL_SECONDS);
	const timeout = Number(source.timeout ?? DEFAULT_TIMEOUT_SECONDS);
	if (!Number.isFinite(interval) || interval < 1) {
		throw invalid(context, itemIndex, 'Poll Interval (Seconds)', `must be at least 1 (got "${String(source.pollInterval)}")`);
	}
	if (!Number.isFinite(timeout) || timeout < interval) {
		throw invalid(context, itemIndex, 'Timeout (Seconds)', `must be at least the poll interval (got "${String(source.timeout)}")`);
	}
	return { intervalMs: Math.round(interval * 1000), timeoutMs: Math.round(timeout * 1000) };
}
