import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { isoFromKey } from '../../shared/datetime';
import {
	readScanFilters,
	resolveScanProduct,
	SCAN_EXPORT_PATH,
	SCANS_DOWNLOAD,
	scanFilterProperties,
} from '../../shared/scanFilters';
import type { FilterProblem } from '../../shared/scanFilters';
import { paginate } from '../../shared/transport';
import { SCAN_PAGE_SIZE } from '../../shared/transport/constants';
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
const SAMPLE_SIZE = 10;
const SAMPLE_PAGES = 2;

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
 * Everything from the window's start on, oldest first. "date_to defaults to today" leaves open
 * whether today's later scans count, so the upper bound is sent explicitly, far ahead.
 */
function windowQuery(qs: IDataObject, from: number): IDataObject {
	return { ...qs, date_from: isoFromKey(from), date_to: `${new Date().getUTCFullYear() + 2}-01-01` };
}

function pages(context: IPollFunctions, qs: IDataObject, from: number, budget: Budget) {
	return paginate.call(context, {
		path: SCAN_EXPORT_PATH,
		qs: windowQuery(qs, from),
		pageSizeParam: 'page_size',
		pageSize: SCAN_PAGE_SIZE,
		permissions: SCANS_DOWNLOAD,
		timeoutMs: budget.timeoutMs,
	});
}

/**
 * Reads the window without delivering: what exists at activation is history. Returns false when
 * the budget ran out before the end.
 */
async function absorb(context: IPollFunctions, window: ScanWindow, qs: IDataObject, budget: Budget): Promise<boolean> {
	for await (const page of pages(context, qs, window.from, budget)) {
		for (const scan of page) window.take(scan);
		if (budget.spent()) return false;
	}
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
	await absorb(context, recent, qs, { ...run.budget, spent: () => false });
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
	const save = (w: ScanWindow): IDataObject => ({
		...w.toState(),
		filters: query.signature,
		...(query.product ? { product: query.product } : {}),
	});

	if (!window) {
		if (run.options.startFrom === undefined || run.state) {
			return { events: [], state: save(await baseline(this, query.qs, run)) };
		}
		window = ScanWindow.startingAt(run.options.startFrom * 1000);
	}

	const events: IDataObject[] = [];
	let complete = true;
	read: for await (const page of pages(this, query.qs, window.from, run.budget)) {
		for (const scan of page) {
			if (!window.take(scan)) continue;
			events.push(scan);
			// Full: the rest, dated at or after this scan, is read again by the next poll.
			if (events.length >= run.options.maxPerPoll) {
				complete = false;
				break read;
			}
		}
		// Stop for the budget only once something new was found: the re-read of the late-scan
		// window costs the same every poll, and stopping inside it would never get past it.
		if (events.length && run.budget.spent()) {
			complete = false;
			break;
		}
	}
	window.advance(run.options.lagUs, complete);
	return { events, state: save(window) };
}

/** A few of the most recent matching scans, looking back further only while nothing is found. */
export async function sample(this: IPollFunctions): Promise<IDataObject[]> {
	const { qs } = await scanQuery(this, undefined);
	const now = Date.now();
	for (const lookBack of SAMPLE_LOOKBACK_MS) {
		const recent: IDataObject[] = [];
		let read = 0;
		for await (const page of paginate.call(this, {
			path: SCAN_EXPORT_PATH,
			qs: windowQuery(qs, (now - lookBack) * 1000),
			pageSizeParam: 'page_size',
			pageSize: SCAN_PAGE_SIZE,
			permissions: SCANS_DOWNLOAD,
		})) {
			recent.push(...page.slice(-SAMPLE_SIZE));
			if (recent.length > SAMPLE_SIZE) recent.splice(0, recent.length - SAMPLE_SIZE);
			if (++read >= SAMPLE_PAGES) break;
		}
		if (recent.length) return recent;
	}
	return [];
}

export const event: TriggerEvent = { description, poll, sample, nothingFound };
