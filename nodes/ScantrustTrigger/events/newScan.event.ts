import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { MINUTE_US } from '../../shared/datetime';
import { exportScans, readWindow } from '../../shared/scanExport';
import {
	readScanFilters,
	resolveScanProduct,
	scanFilterProperties,
} from '../../shared/scanFilters';
import type { FilterProblem } from '../../shared/scanFilters';
import type { Budget, PollResult, PollRun, TriggerEvent } from './poller';
import { configProblem, isObject } from './poller';
import { ScanWindow } from './scanWindow';

/** New Scan: scans matching the Scan node's filters, each delivered once, in scan-time order. */

export const description: INodeProperties[] = scanFilterProperties({ event: ['newScan'] });

export const nothingFound =
	'No scan matching these filters was made in the last year, so there is no test event to show';

const DAY_MS = 86_400_000;
/** Manual mode looks back this far, widening only while nothing is found. */
const SAMPLE_LOOKBACK_MS = [3_600_000, DAY_MS, 7 * DAY_MS, 30 * DAY_MS, 365 * DAY_MS];
/**
 * "Fetch Test Event" shows the most recent matching scan, one: a test run of an alert workflow
 * then sends one e-mail, as n8n's own polling triggers do, not one per recent scan.
 */
const SAMPLE_SIZE = 1;

interface ScanQuery {
	qs: IDataObject;
	/** What the filters were when the position was taken; other filters start afresh. */
	signature: string;
	product?: { sku: string; id: number };
}

/**
 * The export's query for the filters. A product given by SKU is looked up once and remembered
 * with the position, so an idle poll stays a single request.
 */
async function scanQuery(context: IPollFunctions, state: IDataObject | undefined): Promise<ScanQuery> {
	const problem: FilterProblem = (field, text) => configProblem(context, `"${field}" ${text}`);
	const filters = readScanFilters(
		context.getNodeParameter('onlySuspicious', false),
		context.getNodeParameter('filters', {}) as IDataObject,
		problem,
	);
	const signature = JSON.stringify([filters.qs, filters.productSku ?? null]);
	const qs: IDataObject = { ...filters.qs, page_mode: 'cursor' };
	if (!filters.productSku) return { qs, signature };
	const cached = state && isObject(state.product) ? state.product : undefined;
	const id =
		cached && cached.sku === filters.productSku && typeof cached.id === 'number'
			? cached.id
			: await resolveScanProduct.call(context, filters.productSku, problem);
	qs.product = id;
	return { qs, signature, product: { sku: filters.productSku, id } };
}

/**
 * Where the last window of a poll ends: "date_to defaults to today" leaves open whether today's
 * later scans count, so the upper bound is explicit and far ahead (1 January, two years on).
 */
function farEnd(): number {
	return Date.UTC(new Date().getUTCFullYear() + 2, 0, 1) * 1000;
}

/**
 * The first window of a poll spans this much scan time; it doubles while windows hold little and
 * shrinks to what one poll delivered when a window held more. Short enough that after an outage
 * the first window stays a few pages; an idle poll is still one request (its window reaches now).
 */
const DEFAULT_SPAN_US = 15 * MINUTE_US;
const MIN_SPAN_US = 1_000_000;
/** Scans without a readable time cannot be placed in the window; their identities are kept apart, this many at most. */
const MAX_UNDATED = 200;

/**
 * Reads [from, far end) completely, without delivering: what exists at activation is history.
 * Returns false when the budget ran out before the end.
 */
async function absorb(
	context: IPollFunctions,
	window: ScanWindow,
	qs: IDataObject,
	budget: Budget | undefined,
): Promise<boolean> {
	const read = await readWindow.call(context, {
		qs,
		from: window.from,
		to: farEnd(),
		timeoutMs: budget?.timeoutMs,
		shouldStop: budget ? () => budget.spent() : undefined,
	});
	if (!read.complete) return false;
	for (const entry of read.entries) window.take(entry);
	return true;
}

/**
 * First activation. The position is taken from the data: the newest scan of the late-scan window,
 * or, when that window is empty, of the last day. n8n's clock only says where to start looking,
 * so a clock that is off by less than a day loses nothing.
 */
async function baseline(context: IPollFunctions, qs: IDataObject, run: PollRun): Promise<ScanWindow> {
	const nowUs = Date.now() * 1000;
	const recent = ScanWindow.startingAt(nowUs - run.options.lagUs);
	await absorb(context, recent, qs, undefined);
	if (recent.newest !== undefined || run.options.lagUs >= DAY_MS * 1000) {
		recent.advance(run.options.lagUs, true);
		return recent;
	}
	const day = ScanWindow.startingAt(nowUs - DAY_MS * 1000);
	if (!(await absorb(context, day, qs, run.budget))) return recent;
	day.advance(run.options.lagUs, true);
	return day;
}

export async function poll(this: IPollFunctions, run: PollRun): Promise<PollResult> {
	const query = await scanQuery(this, run.state);
	const sameFilters = run.state?.filters === query.signature;
	let window = sameFilters ? ScanWindow.restore(run.state) : undefined;
	const storedSpan = sameFilters && typeof run.state?.span === 'number' ? run.state.span : DEFAULT_SPAN_US;
	let span = Math.max(MIN_SPAN_US, storedSpan);
	// The next poll's first span: fitted to what one poll delivers after a full poll, else growing back.
	let nextSpan = Math.min(DEFAULT_SPAN_US, span * 2);
	const undated = new Set<string>(
		sameFilters && Array.isArray(run.state?.undated) ? (run.state.undated as unknown[]).map(String) : [],
	);
	const save = (w: ScanWindow): IDataObject => ({
		...w.toState(),
		filters: query.signature,
		...(query.product ? { product: query.product } : {}),
		...(nextSpan !== DEFAULT_SPAN_US ? { span: nextSpan } : {}),
		...(undated.size ? { undated: [...undated].slice(-MAX_UNDATED) } : {}),
	});

	if (!window) {
		if (run.options.startFrom === undefined || run.state) {
			return { events: [], state: save(await baseline(this, query.qs, run)) };
		}
		window = ScanWindow.startingAt(run.options.startFrom * 1000);
	}

	// Windows from the position on, each read completely and delivered in scan-time order. The
	// last one reaches past now to the far end; this host's clock only decides where windows
	// end, never what is delivered.
	const events: IDataObject[] = [];
	const end = farEnd();
	const nowUs = Date.now() * 1000;
	let start = window.from;
	let full = false;
	for (;;) {
		const to = start + span >= nowUs ? end : start + span;
		const read = await readWindow.call(this, {
			qs: query.qs,
			from: start,
			to,
			timeoutMs: run.budget.timeoutMs,
			// The first window with something new is read to its end whatever the budget (stopping
			// inside it would never get past it); a later one stops and waits for the next poll.
			shouldStop: () => events.length > 0 && run.budget.spent(),
		});
		if (!read.complete) break;
		let fresh = 0;
		for (const entry of read.entries) {
			if (entry.timeless) {
				if (undated.has(entry.id)) continue;
				undated.add(entry.id);
			} else if (!window.take(entry)) continue;
			events.push(entry.record);
			fresh++;
			if (events.length >= run.options.maxPerPoll) {
				// More than this poll may deliver: the next poll starts inside this window, and its
				// first window is about as long as the part delivered now.
				full = true;
				nextSpan = Math.max(MIN_SPAN_US, Math.min(span, entry.time - start + MIN_SPAN_US));
				break;
			}
		}
		if (full || to === end) break;
		start = to;
		if (fresh < run.options.maxPerPoll / 4) span *= 2;
		// The windows read so far are complete; once something was found the rest waits for the
		// next poll. Quiet windows never stop a poll: otherwise a slow server could keep it re-reading them.
		if (events.length && run.budget.spent()) break;
	}
	window.advance(run.options.lagUs, !full);
	return { events, state: save(window) };
}

/** A few of the most recent matching scans, looking back further only while nothing is found. */
export async function sample(this: IPollFunctions): Promise<IDataObject[]> {
	const { qs } = await scanQuery(this, undefined);
	const now = Date.now();
	for (const lookBack of SAMPLE_LOOKBACK_MS) {
		const recent: IDataObject[] = [];
		for await (const batch of exportScans.call(this, {
			qs,
			from: (now - lookBack) * 1000,
			to: farEnd(),
			order: 'newest',
			limit: SAMPLE_SIZE,
			parallel: 1,
		})) {
			recent.push(...batch);
		}
		// Shown oldest first, as the poll delivers them.
		if (recent.length) return recent.reverse();
	}
	return [];
}

export const event: TriggerEvent = { description, poll, sample, nothingFound };
