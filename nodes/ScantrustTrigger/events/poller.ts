import type { IDataObject, INodeExecutionData, INodeProperties, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MINUTE_US, parseUserDate } from '../../shared/datetime';
import { TIMEOUT_MS } from '../../shared/transport/constants';

/**
 * What every event of the trigger shares: the options, the poll budget, and the one place that
 * reads and writes the node's static data. An event computes its new state from the stored one
 * without touching it; the state is written only after the event's poll returned, so a poll that
 * throws leaves the stored position exactly where it was.
 */

/** Bump when the stored state's shape changes: older state then starts afresh (a new baseline). */
const STATE_VERSION = 1;

export interface TriggerOptions {
	maxPerPoll: number;
	/** How late a scan may become visible and still be delivered, in microseconds. */
	lagUs: number;
	/** First activation: deliver events since this time (epoch ms) instead of only new ones. */
	startFrom?: number;
}

export interface Budget {
	/** True once this poll should stop fetching and leave the rest to the next poll. */
	spent(): boolean;
	/** Request timeout that keeps one request from outliving the poll. */
	timeoutMs: number;
}

export interface PollRun {
	/** The event's stored state; undefined on first activation, or after the event or filters changed. */
	state: IDataObject | undefined;
	options: TriggerOptions;
	budget: Budget;
}

export interface PollResult {
	events: IDataObject[];
	state: IDataObject;
}

export interface TriggerEvent {
	description: INodeProperties[];
	/** Active workflow: the events since the stored position (or the baseline), and the new position. */
	poll(this: IPollFunctions, run: PollRun): Promise<PollResult>;
	/** "Fetch Test Event": recent events as a sample. Reads and writes no state. */
	sample(this: IPollFunctions, run: Omit<PollRun, 'state'>): Promise<IDataObject[]>;
	/** What the user is told when the sample is empty. */
	nothingFound: string;
}

export const optionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Late Scan Window (Minutes)',
			name: 'lateScanMinutes',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 1440 },
			default: 10,
			description:
				'Scans that reach Scantrust up to this long after they were made (phones that were offline) are still delivered, once. Each poll re-reads this window.',
			displayOptions: { show: { '/event': ['newScan'] } },
		},
		{
			displayName: 'Max Events per Poll',
			name: 'maxPerPoll',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10000 },
			default: 1000,
			description:
				'Most events one poll delivers; the rest follow in the next polls, in order, none lost or repeated',
		},
		{
			displayName: 'Start From',
			name: 'startFrom',
			type: 'dateTime',
			default: '',
			description:
				'On first activation, also deliver the events since this time (a backfill). Empty: only events from activation on.',
		},
	],
};

export function readOptions(context: IPollFunctions): TriggerOptions {
	const raw = context.getNodeParameter('options', {}) as IDataObject;
	const maxPerPoll = Number(raw.maxPerPoll ?? 1000);
	const lateScanMinutes = Number(raw.lateScanMinutes ?? 10);
	if (!Number.isInteger(maxPerPoll) || maxPerPoll < 1) {
		throw configProblem(context, `"Max Events per Poll" must be a whole number of at least 1 (got "${String(raw.maxPerPoll)}")`);
	}
	if (!Number.isFinite(lateScanMinutes) || lateScanMinutes < 0) {
		throw configProblem(context, `"Late Scan Window" must be 0 or more minutes (got "${String(raw.lateScanMinutes)}")`);
	}
	let startFrom: number | undefined;
	if (raw.startFrom !== undefined && raw.startFrom !== '' && raw.startFrom !== null) {
		startFrom = parseUserDate(raw.startFrom, context.getTimezone());
		if (startFrom === undefined) {
			throw configProblem(context, `"Start From" must be a date and time (got "${String(raw.startFrom)}")`);
		}
	}
	return { maxPerPoll, lagUs: Math.round(lateScanMinutes * MINUTE_US), startFrom };
}

/**
 * The poll budget: n8n (≥ 2.38) says how long a tick may run before it is abandoned; older hosts
 * have no such method. Fetching stops at half of it, leaving the other half for the page in flight
 * and for handing the events over.
 */
export function pollBudget(context: IPollFunctions): Budget {
	const started = Date.now();
	const total = typeof context.getPollBudgetMs === 'function' ? Number(context.getPollBudgetMs()) : NaN;
	if (!Number.isFinite(total) || total <= 0) return { spent: () => false, timeoutMs: TIMEOUT_MS.default };
	return {
		spent: () => Date.now() - started >= total / 2,
		timeoutMs: Math.max(1000, Math.min(TIMEOUT_MS.default, Math.floor(total * 0.8))),
	};
}

export function configProblem(context: IPollFunctions, message: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { failure: { cause: 'configuration-invalid' } });
}

/** Runs the selected event: a sample in manual mode, otherwise a poll that moves the stored position. */
export async function runEvent(
	this: IPollFunctions,
	events: Record<string, TriggerEvent>,
): Promise<INodeExecutionData[][] | null> {
	const name = this.getNodeParameter('event') as string;
	const event = events[name];
	if (!event) throw configProblem(this, `The event "${name}" is not supported`);
	const options = readOptions(this);
	const budget = pollBudget(this);

	if (this.getMode() === 'manual') {
		const sample = await event.sample.call(this, { options, budget });
		if (!sample.length) {
			throw new NodeOperationError(this.getNode(), event.nothingFound, {
				description:
					'The test fetch looks at recent data only and changes nothing. Widen the filters, or make the event happen in Scantrust, then fetch again.',
			});
		}
		return [sample.map((json) => ({ json }))];
	}

	const staticData = this.getWorkflowStaticData('node');
	const revision = typeof staticData.rev === 'number' ? staticData.rev : 0;
	const stored =
		staticData.v === STATE_VERSION && staticData.event === name && isObject(staticData.state)
			? (staticData.state as IDataObject)
			: undefined;

	const result = await event.poll.call(this, { state: stored, options, budget });

	// n8n does not stop a slow poll from overlapping the next one. If another poll stored its
	// position while this one ran, that poll's events already cover ours: drop ours.
	if ((typeof staticData.rev === 'number' ? staticData.rev : 0) !== revision) return null;
	// Top-level assignments only: n8n notices changed static data through these.
	staticData.v = STATE_VERSION;
	staticData.event = name;
	staticData.state = result.state;
	staticData.rev = revision + 1;
	return result.events.length ? [result.events.map((json) => ({ json }))] : null;
}

export function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
