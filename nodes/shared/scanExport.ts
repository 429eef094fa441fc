import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { SlabPool } from './lineStore';
import type { LineBatch } from './lineStore';
import { SCAN_EXPORT_PATH } from './scanFilters';
import { readLinePage, readRecordPage } from './scanPage';
import type { ScanPage } from './scanPage';
import { LineScans, RecordScans } from './windowScans';
import type { ScanEntry, TakenLines, WindowScans } from './windowScans';
import type { ScantrustContext } from './transport';
import { SCAN_PAGE_SIZE } from './transport/constants';

/**
 * Reading the scan export in bounded time windows, for Scan → Get Many and the New Scan trigger.
 *
 * The documentation says how to page (`page_mode=cursor`, follow `next` until it is null, pages
 * never overlap) but not in which order the export lists scans, nor how precisely `date_from` /
 * `date_to` are honoured ("ISO dates"). So nothing here depends on either:
 *
 * - A window is a half-open range [from, to) of scan time. It asks for the dates that cover it
 *   under every plausible reading (to the second or finer, or whole UTC days), keeps only the
 *   scans whose own `datetime` falls inside it, drops repeats by uuid, and sorts them by
 *   (datetime, uuid). Read to the end, a window is complete whatever the server's order, and
 *   windows never share a scan.
 * - Pages follow the listing's order one way or the other (that is what "pages never overlap"
 *   means for a listing by time). Once two pages show which way it runs, a window stops as soon
 *   as the rest of the listing is past its range: an early stop the order allows, never assumed.
 *
 * Time keys are whole microseconds since the epoch (see datetime.ts).
 */

const SECOND_US = 1_000_000;

export type ScanOrder = 'newest' | 'oldest';

/**
 * The authenticated limit is 3,000 requests per minute; parallel windows stay under it by
 * themselves (each request is also 429-aware in the transport). A little room is left for the
 * workflow's other nodes.
 */
export const SCAN_REQUESTS_PER_MINUTE = 2_700;

/**
 * Windows read side by side by default. Measured with `npm run bench` (scanLatency) and by hand
 * at 200 ms per page: 16 windows took about 0.55 of the time 8 took for 50,000 scans; beyond
 * that the parsing of the pages (one CPU) and the server's own time set the pace. The rate limit
 * is kept by the pacer, not by this number.
 */
export const DEFAULT_PARALLEL_WINDOWS = 16;
export const MAX_PARALLEL_WINDOWS = 32;

/** An ISO date-time to the second for a time key (`2026-01-31T08:00:00Z`). */
function isoSecond(key: number): string {
	return new Date((key / SECOND_US) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The `date_from` / `date_to` that cover [from, to) under every reading: `date_from` rounded
 * down to the second and `date_to` (inclusive) rounded up to it. A server that honours only the
 * date takes them as their UTC days, which cover the window too; a server that drops fractions
 * of a second keeps the whole first and last second. What lies outside is filtered out here.
 */
export function coveringDates(from: number, to: number): { date_from: string; date_to: string } {
	return {
		date_from: isoSecond(Math.floor(from / SECOND_US) * SECOND_US),
		date_to: isoSecond(Math.ceil(to / SECOND_US) * SECOND_US),
	};
}

/** Keeps a run under {@link SCAN_REQUESTS_PER_MINUTE}: a sliding minute of request starts. One per export run. */
export function createPacer(perMinute = SCAN_REQUESTS_PER_MINUTE): () => Promise<void> {
	const starts: number[] = [];
	return async () => {
		for (;;) {
			const now = Date.now();
			while (starts.length && starts[0] <= now - 60_000) starts.shift();
			if (starts.length < perMinute) {
				starts.push(now);
				return;
			}
			await sleep(starts[0] + 60_000 - now);
		}
	};
}

export interface WindowRequest {
	/** The export's filters (readScanFilters); dates and paging are added here. */
	qs: IDataObject;
	from: number;
	to: number;
	itemIndex?: number;
	timeoutMs?: number;
	pace?: () => Promise<void>;
	/**
	 * Only this many scans from one end are wanted (Get Many with a Limit): the read may stop
	 * before the end once the listing's order proves that the rest cannot be among them.
	 */
	want?: { order: ScanOrder; count: number };
	/** Asked after each page but the last: true stops the read (it is then incomplete). */
	shouldStop?: (progress: { widened: boolean }) => boolean;
	/**
	 * The server is known to honour dates by whole UTC day (an earlier answer was widened): `to`
	 * is then a midnight and `date_to` names the day before it, so the next day is not read too.
	 */
	byDay?: boolean;
	/**
	 * Return All: a window found to hold more than {@link MAX_SCANS_PER_WINDOW} scans is cut short
	 * once the listing's order is known (see WindowResult.rest), so that it never holds more.
	 */
	cutFor?: ScanOrder;
}

export interface WindowResult {
	/** The window's scans, sorted by (time, id); with `want`, possibly only the wanted end. */
	entries: Array<ScanEntry<IDataObject>>;
	/** Read to the end, or as far as the order proved necessary. False when `shouldStop` cut it. */
	complete: boolean;
	/**
	 * The server answered with scans outside the dates asked for: it honours dates more coarsely
	 * than to the second (whole days), so a narrower window would cost as much as this one.
	 */
	widened: boolean;
	requests: number;
	/**
	 * Cut short (`cutFor`): the part of the window still to read, and the density found (scans
	 * per microsecond) to size its windows by. `entries` are then the part that comes first in
	 * that order, complete; the rest comes after them.
	 */
	rest?: { from: number; to: number; density: number };
}

/**
 * Reads one window of the export, its scans as records; see the module comment for what it does
 * and does not assume.
 */
export async function readWindow(this: ScantrustContext, request: WindowRequest): Promise<WindowResult> {
	const { taken, ...read } = await readWindowOf(this, request);
	return { ...read, entries: taken.records ?? [] };
}

/** A window read (readWindowOf): its scans as records in time order, or as lines in delivery order. */
interface WindowOutcome extends Omit<WindowResult, 'entries'> {
	taken: { count: number; first?: number; last?: number; records?: Array<ScanEntry<IDataObject>>; lines?: TakenLines };
}

/**
 * readWindow, with the scans kept as lines (their bytes, in slabs of `lines.pool`) and taken in
 * `lines.order` when `lines` is given (a JSON Lines file), as records otherwise.
 */
async function readWindowOf(
	context: ScantrustContext,
	request: WindowRequest,
	lines?: { pool: SlabPool; order: ScanOrder },
): Promise<WindowOutcome> {
	const { from, to, want } = request;
	const dates = coveringDates(from, to);
	if (request.byDay) dates.date_to = isoSecond(Math.floor((to - 1) / SECOND_US) * SECOND_US);
	const bounds = {
		from,
		to,
		askedFrom: Math.floor(from / SECOND_US) * SECOND_US,
		askedTo: Math.ceil(to / SECOND_US) * SECOND_US + SECOND_US,
	};
	const records = lines ? undefined : new RecordScans();
	const lineScans = lines ? new LineScans(lines.pool) : undefined;
	const scans: WindowScans<unknown> = (records ?? lineScans) as WindowScans<unknown>;
	/** The scans of [takeFrom, takeTo), in the order they are handed out. */
	const take = (takeFrom: number, takeTo: number): WindowOutcome['taken'] => {
		if (lineScans) {
			const taken = lineScans.take(takeFrom, takeTo, lines?.order === 'newest');
			return { count: taken.count, first: taken.first, last: taken.last, lines: taken };
		}
		const entries = (records as RecordScans).take(takeFrom, takeTo, false);
		return { count: entries.length, first: entries[0]?.time, last: entries[entries.length - 1]?.time, records: entries };
	};
	let widened = false;
	let requests = 0;
	// Which way the listing runs, once two pages have shown it: 1 oldest first, -1 newest first.
	let direction = 0;
	let previous: { min: number; max: number } | undefined;
	let path: string = SCAN_EXPORT_PATH;
	let qs: IDataObject | undefined = {
		...request.qs,
		...dates,
		page_mode: 'cursor',
		page_size: SCAN_PAGE_SIZE,
	};
	let complete = false;

	for (;;) {
		if (request.pace) await request.pace();
		const pageRequest = { path, qs, itemIndex: request.itemIndex, timeoutMs: request.timeoutMs, bounds };
		const page: ScanPage = lineScans
			? await readLinePage.call(context, pageRequest, lineScans)
			: await readRecordPage.call(context, pageRequest, records as RecordScans);
		requests++;
		// `next` carries every query parameter; sending ours again would duplicate them.
		qs = undefined;
		if (page.widened) widened = true;
		const { next, min, max } = page;
		if (!next || page.count === 0) {
			complete = true;
			break;
		}
		if (min <= max) {
			if (previous && direction === 0) {
				if (min > previous.min || max > previous.max) direction = 1;
				else if (min < previous.min || max < previous.max) direction = -1;
			}
			previous = { min, max };
			// Every later page lies beyond this one: past the window's end, or before its start.
			if ((direction === 1 && max >= to) || (direction === -1 && min < from)) {
				complete = true;
				break;
			}
			if (want && enoughFor(want, direction, min, max, scans)) {
				complete = true;
				break;
			}
		}
		if (request.cutFor && !request.byDay && !widened && direction !== 0 && scans.size >= MAX_SCANS_PER_WINDOW) {
			const cut = cutShort(scans, request.cutFor, direction, from, to, min, max);
			if (cut) {
				const kept = cut.keep ? take(cut.keep.from, cut.keep.to) : take(0, 0);
				return { taken: kept, complete: true, widened, requests, rest: cut.rest };
			}
		}
		if (request.shouldStop?.({ widened })) break;
		path = next;
	}
	return { taken: take(-Infinity, Infinity), complete, widened, requests };
}

/**
 * A window that holds too many scans, cut where the pages read so far end. Later pages lie beyond
 * this page's far end in the listing's direction, so the scans read are complete on the near
 * side: with an oldest-first listing every scan before the page's newest one has been read, with
 * a newest-first listing every scan after its oldest one. When that part is the one `order`
 * delivers first, it is kept and the rest is read as further windows; otherwise nothing is kept
 * (the window is read again in smaller windows, a few pages lost). Undefined when the cut would
 * not make the window smaller (all its scans at one instant, or a window of a few seconds).
 */
function cutShort(
	scans: WindowScans<unknown>,
	order: ScanOrder,
	direction: number,
	from: number,
	to: number,
	min: number,
	max: number,
): { keep?: Window; rest: { from: number; to: number; density: number } } | undefined {
	// The complete part: [from, max) read oldest first, (min, to) read newest first.
	const nearFrom = direction === 1 ? from : min + 1;
	const nearTo = direction === 1 ? max : to;
	if (!(nearTo > nearFrom)) return undefined;
	const near = scans.count(nearFrom, nearTo);
	const density = near / (nearTo - nearFrom);
	if ((direction === 1) === (order === 'oldest')) {
		if (!near) return undefined;
		return { keep: { from: nearFrom, to: nearTo }, rest: direction === 1 ? { from: max, to, density } : { from, to: min + 1, density } };
	}
	if (to - from < 4 * SECOND_US) return undefined;
	return { rest: { from, to, density } };
}

/**
 * With a Limit: whether the scans already read include the `count` wanted ones for sure. In a
 * listing running the wanted way, every scan beyond the last page's boundary has been read.
 */
function enoughFor(
	want: { order: ScanOrder; count: number },
	direction: number,
	min: number,
	max: number,
	scans: WindowScans<unknown>,
): boolean {
	// Time keys are whole microseconds: after `min` is from min + 1 on.
	if (want.order === 'newest' && direction === -1) return scans.count(min + 1, Infinity) >= want.count;
	if (want.order === 'oldest' && direction === 1) return scans.count(-Infinity, max) >= want.count;
	return false;
}

const DAY_US = 86_400 * SECOND_US;

/** A half-open range [from, to) of scan time, in time keys. */
type Window = { from: number; to: number };

/**
 * The windows for [from, to) with a Limit, in time order, with boundaries on whole seconds: small
 * windows at the wanted end (1/1024 of the range, at least a minute), doubling away from it, so a
 * small Limit reads little.
 */
export function planLimitWindows(
	from: number,
	to: number,
	options: { order: ScanOrder; byDay?: boolean },
): Window[] {
	const span = to - from;
	if (span <= 0) return [];
	const unit = options.byDay ? DAY_US : SECOND_US;
	// Cuts on whole units: a window's `date_to` is then exactly the next one's `date_from`.
	const base = Math.floor(from / unit) * unit;
	const units = Math.ceil((to - base) / unit);
	const cuts: number[] = [];
	let width = Math.max(Math.ceil((60 * SECOND_US) / unit), Math.floor(units / 1024));
	let covered = width;
	const end = Math.ceil(to / unit) * unit;
	while (covered < units) {
		cuts.push(options.order === 'newest' ? end - covered * unit : base + covered * unit);
		width *= 2;
		covered += width;
	}
	cuts.sort((x, y) => x - y);
	const bounds = [from, ...cuts.filter((cut) => cut > from && cut < to), to];
	const windows: Window[] = [];
	for (let k = 1; k < bounds.length; k++) {
		if (bounds[k] > bounds[k - 1]) windows.push({ from: bounds[k - 1], to: bounds[k] });
	}
	return windows;
}

/**
 * About this many scans per Return All window: one and a half pages, so that a window is two
 * requests (the second page partial) and the windows read ahead hold a few thousand scans each.
 */
export const WINDOW_SCANS = 1.5 * SCAN_PAGE_SIZE;

/**
 * Return All's windows, planned one at a time from the wanted end of [from, to) as the reading
 * goes: each is sized to hold about {@link WINDOW_SCANS} scans by the latest density seen (the
 * first page's at the start, then that of each window as it is read), never more than twice as
 * wide as the one before, on whole seconds (whole UTC days once the server is known to honour
 * dates by day only). Sizing as it goes keeps most windows to two requests whatever the export's
 * size (a window that falls on a burst anyway is cut short, see MAX_SCANS_PER_WINDOW); a first
 * page denser than the rest costs a few doublings, not one request per second of the range.
 */
export class WindowPlanner {
	private cursor: number;
	private width: number | undefined;
	/** scans per microsecond; undefined until something was seen */
	private density: number | undefined;
	private unit = SECOND_US;

	constructor(
		private readonly from: number,
		private readonly to: number,
		private readonly order: ScanOrder,
		private readonly widths: {
			/** the width to start with when nothing shows a density yet (all scans seen at one instant) */
			start: number;
			/** no window wider (the rest of a window cut short: it must come in two windows at least) */
			max?: number;
		},
	) {
		this.cursor = order === 'newest' ? to : from;
	}

	/** From now on windows fall on UTC midnights (see readWindow's `byDay`). */
	useWholeDays(): void {
		this.unit = DAY_US;
	}

	/** The density (scans per microsecond) the latest window read found. */
	observe(density: number): void {
		this.density = density;
	}

	/** The next window in delivery order, or undefined when the range is covered. */
	next(): Window | undefined {
		const { unit } = this;
		if (this.order === 'oldest' ? this.cursor >= this.to : this.cursor <= this.from) return undefined;
		const doubled = this.width === undefined ? Infinity : this.width * 2;
		const fitted = this.density ? WINDOW_SCANS / this.density : this.width === undefined ? this.widths.start : Infinity;
		const width = Math.max(1, Math.min(doubled, fitted, this.widths.max ?? Infinity));
		let window: Window;
		if (this.order === 'oldest') {
			const end = Math.min(this.to, Math.ceil((this.cursor + width) / unit) * unit);
			window = { from: this.cursor, to: end };
			this.cursor = end;
		} else {
			const start = Math.max(this.from, Math.floor((this.cursor - width) / unit) * unit);
			window = { from: start, to: this.cursor };
			this.cursor = start;
		}
		this.width = window.to - window.from;
		return window;
	}
}

export interface ExportRequest {
	qs: IDataObject;
	from: number;
	to: number;
	order: ScanOrder;
	limit?: number;
	parallel: number;
	itemIndex?: number;
}

/**
 * A Return All window found to hold this many scans is cut short (readWindow's `cutFor`): with up
 * to `parallel` windows read ahead, this bounds what the export holds, whatever its size and
 * however unevenly its scans are spread (a window planned by a quiet month's density may fall on
 * a busy one). On a server that honours dates by whole UTC day only a window cannot be cut (a
 * narrower one costs as much), so there a window holds up to a day of scans.
 */
export const MAX_SCANS_PER_WINDOW = 2 * SCAN_PAGE_SIZE;

/** A window to read (launched once `read` is set), or the place where a planner's windows go. */
type Slot =
	| { window: Window; planner?: WindowPlanner; read?: Promise<WindowOutcome> }
	| { planner: WindowPlanner; window?: undefined };

/**
 * The whole export of [from, to) in the given order, as batches of records (one per window).
 * Windows are read side by side (`parallel` at a time, paced under the rate limit, each request
 * with the transport's 429 handling) and handed out strictly in order; a window handed out is let
 * go, so only the windows read ahead are held.
 */
export function exportScans(this: ScantrustContext, request: ExportRequest): AsyncGenerator<IDataObject[], void, undefined> {
	return exportWindows(this, request) as AsyncGenerator<IDataObject[], void, undefined>;
}

/**
 * exportScans for a JSON Lines file: batches of lines (each scan's JSON bytes as the export gave
 * them, one Buffer per window, each line ended by `\n`) instead of records, so that no window
 * read ahead holds parsed records (see lineStore.ts).
 */
export function exportScanLines(this: ScantrustContext, request: ExportRequest): AsyncGenerator<LineBatch, void, undefined> {
	return exportWindows(this, request, new SlabPool()) as AsyncGenerator<LineBatch, void, undefined>;
}

/** The export, as records, or as lines in slabs of `pool` when it is given. */
async function* exportWindows(
	context: ScantrustContext,
	request: ExportRequest,
	pool?: SlabPool,
): AsyncGenerator<unknown, void, undefined> {
	const pace = createPacer();
	const limit = request.limit ?? Infinity;
	const lines = pool ? { pool, order: request.order } : undefined;
	// Records without a time are kept by the first window that sees them, whichever it is.
	const timeless = new Set<string>();
	let emitted = 0;
	/** A window's batch, in order, up to the Limit (undefined when it gives nothing). */
	const take = ({ taken }: WindowOutcome): IDataObject[] | LineBatch | undefined => {
		const wanted = limit - emitted;
		if (taken.lines) {
			const { timeless: undated } = taken.lines;
			const skip = new Set<number>();
			for (const { at, id } of undated) {
				if (timeless.has(id)) skip.add(at);
				else timeless.add(id);
			}
			// Copied out as the file takes it; the slabs go back to the pool once it has (see below).
			const batch = taken.lines.join(wanted, skip);
			emitted += batch.lines;
			return batch.lines ? batch : undefined;
		}
		const batch: IDataObject[] = [];
		const entries = taken.records ?? [];
		if (request.order === 'newest') entries.reverse();
		for (const entry of entries) {
			if (batch.length >= wanted) break;
			if (entry.timeless) {
				if (timeless.has(entry.id)) continue;
				timeless.add(entry.id);
			}
			batch.push(entry.record);
		}
		emitted += batch.length;
		return batch.length ? batch : undefined;
	};
	const parallel = Math.max(1, Math.min(MAX_PARALLEL_WINDOWS, request.parallel));
	const returnAll = request.limit === undefined;
	const { from, to, order } = request;
	let byDay = false;
	// In delivery order. With a Limit every window is planned at once; Return All plans them as
	// it goes (WindowPlanner), and a window cut short puts a planner for its rest in its place.
	let slots: Slot[];
	if (returnAll) {
		// Return All: the first page of the whole range. When it is all there is, that is the
		// export (one request, as a plain loop); otherwise it sizes the first windows and shows
		// whether the server honours whole days only. Its scans are read again by their windows.
		const probeRequest = { qs: request.qs, from, to, itemIndex: request.itemIndex, pace, shouldStop: () => true };
		const probe = await readWindowOf(context, probeRequest, lines);
		if (probe.complete) {
			const batch = take(probe);
			if (batch) yield batch;
			probe.taken.lines?.release();
			return;
		}
		probe.taken.lines?.release();
		byDay = probe.widened;
		const planner = new WindowPlanner(from, to, order, { start: (to - from) / (parallel * 4) });
		if (byDay) planner.useWholeDays();
		const { first = 0, last = 0, count } = probe.taken;
		if (last > first) planner.observe(count / (last - first));
		slots = [{ planner }];
	} else {
		const windows = planLimitWindows(from, to, { order });
		if (order === 'newest') windows.reverse();
		slots = windows.map((window) => ({ window }));
	}
	let buffered = 0;

	/** The server turned out to honour whole days only: the windows not started yet become whole days. */
	const replanByDay = () => {
		byDay = true;
		if (returnAll) {
			for (const slot of slots) if (!slot.window) slot.planner.useWholeDays();
			return;
		}
		const first = slots.findIndex((slot) => !slot.window || !slot.read);
		if (first < 0) return;
		const rest = slots.slice(first).map((slot) => slot.window as Window);
		const restFrom = Math.min(...rest.map((w) => w.from));
		const restTo = Math.max(...rest.map((w) => w.to));
		const days = planLimitWindows(restFrom, restTo, { order, byDay: true });
		if (order === 'newest') days.reverse();
		slots = [...slots.slice(0, first), ...days.map((window) => ({ window }))];
	};

	/**
	 * The window at `position` in delivery order, planned where a planner stands there (planners
	 * with nothing left are dropped); undefined past the last one.
	 */
	const windowAt = (position: number): Extract<Slot, { window: Window }> | undefined => {
		while (position < slots.length) {
			const slot = slots[position];
			if (slot.window) return slot;
			const window = slot.planner.next();
			if (!window) {
				slots.splice(position, 1);
				continue;
			}
			const planned = { window, planner: slot.planner };
			slots.splice(position, 0, planned);
			return planned;
		}
		return undefined;
	};

	const launch = (slot: Extract<Slot, { window: Window }>) => {
		const { window } = slot;
		const remaining = limit - emitted - buffered;
		const windowRequest: WindowRequest = {
			qs: request.qs,
			from: window.from,
			to: window.to,
			itemIndex: request.itemIndex,
			pace,
			// Only a window planned on midnights may name the day before its end.
			byDay: byDay && window.to % DAY_US === 0,
			want: Number.isFinite(remaining) ? { order, count: remaining } : undefined,
			cutFor: returnAll ? order : undefined,
		};
		const read = readWindowOf(context, windowRequest, lines);
		slot.read = read.then((result) => {
			buffered += result.taken.count;
			slot.planner?.observe(result.rest?.density ?? result.taken.count / (window.to - window.from));
			if (result.widened && !byDay) replanByDay();
			return result;
		});
		// A read nobody waits for any more (the limit was reached) must not fail unhandled.
		slot.read.catch(() => undefined);
	};

	while (emitted < limit) {
		// With a Limit, only as many windows ahead as the scans still wanted could fill.
		const ahead = Math.min(parallel, Math.max(1, Math.ceil((limit - emitted) / SCAN_PAGE_SIZE)));
		// The first `ahead` windows in delivery order are being read. By position, not by count:
		// the rest of a window cut short goes in front of windows launched before the cut, and is
		// read `ahead` at a time too (counting those, it was read one window at a time).
		for (let position = 0; position < ahead && emitted + buffered < limit; position++) {
			const slot = windowAt(position);
			if (!slot) break;
			if (!slot.read) launch(slot);
		}
		// The head is read in any case (with a Limit, the scans in hand may lie further on).
		// Nothing left: windowAt dropped the planners, and no window is queued.
		const head = windowAt(0);
		if (!head) break;
		if (!head.read) launch(head);
		slots.shift();
		const result = (await head.read) as WindowOutcome;
		buffered -= result.taken.count;
		if (result.rest) {
			// The rest of a window cut short comes next, in windows sized by what the cut found.
			const { rest } = result;
			const planner = new WindowPlanner(rest.from, rest.to, order, {
				start: (rest.to - rest.from) / 2,
				max: (rest.to - rest.from) / 2,
			});
			if (rest.density > 0) planner.observe(rest.density);
			slots.unshift({ planner });
		}
		const batch = take(result);
		if (batch) yield batch;
		// Asked for the next batch: the file has read this one's lines.
		result.taken.lines?.release();
	}
}
