import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { timeKey } from './datetime';
import type { Line, LineStore } from './lineStore';
import { NOT_JSON, PageSyntaxError, parseJson, ResultsSplitter } from './resultsSplitter';
import { scanFieldsOf } from './scanLine';
import { SCANS_DOWNLOAD } from './scanFilters';
import { apiRequest } from './transport';
import type { ScantrustContext } from './transport';

/**
 * One page of the scan export, read for a window (scanExport.ts): each scan's time and identity,
 * and the scan itself either as the parsed record (items, the trigger) or as its JSON bytes kept
 * in a LineStore (a JSON Lines file: the page is split on its bytes as it streams in, and each
 * record is parsed only to be placed, then let go, so no parsed page waits in memory).
 */

/** One scan of a window: its time key, its identity and the scan (a record, or its line). */
export interface ScanEntry<R = IDataObject> {
	time: number;
	id: string;
	record: R;
	/** the record has no time of its own (it was placed at the window's start) */
	timeless?: boolean;
}

/** A scan's time key: its `datetime` (microseconds), else its `timestamp` (seconds); undefined when it has neither. */
export function scanTime(record: IDataObject): number | undefined {
	const scan = (record.scan ?? {}) as IDataObject;
	return timeOf(scan.datetime, scan.timestamp);
}

/** The time key of a scan's `datetime`, else of its `timestamp`; undefined when neither gives one. */
function timeOf(datetime: unknown, timestamp: unknown): number | undefined {
	const key = typeof datetime === 'string' ? (canonicalKey(datetime) ?? timeKey(datetime)) : undefined;
	if (key !== undefined) return key;
	return typeof timestamp === 'number' && Number.isFinite(timestamp) ? Math.round(timestamp * 1e6) : undefined;
}

/**
 * The time key of a datetime in Scantrust's own form, `2021-02-01T03:24:42.468939Z` (one to six
 * fraction digits or none), read digit by digit: an export of 100,000 scans reads 100,000 of them,
 * and the general parser (timeKey) costs several times more. Anything else: undefined.
 */
function canonicalKey(text: string): number | undefined {
	const length = text.length;
	if (length < 20 || text.charCodeAt(length - 1) !== 90 /* Z */) return undefined;
	const digits = (start: number, count: number): number => {
		let value = 0;
		for (let i = start; i < start + count; i++) {
			const digit = text.charCodeAt(i) - 48;
			if (digit < 0 || digit > 9) return NaN;
			value = value * 10 + digit;
		}
		return value;
	};
	if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
	let micros = 0;
	if (length > 20) {
		const count = length - 21;
		if (text[19] !== '.' || count < 1 || count > 6) return undefined;
		micros = digits(20, count) * 10 ** (6 - count);
	}
	const month = digits(5, 2);
	const day = digits(8, 2);
	const hours = digits(11, 2);
	const minutes = digits(14, 2);
	const seconds = digits(17, 2);
	if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hours <= 23 && minutes <= 59 && seconds <= 59)) {
		return undefined;
	}
	const ms = Date.UTC(digits(0, 4), month - 1, day, hours, minutes, seconds);
	return Number.isNaN(ms) || Number.isNaN(micros) ? undefined : ms * 1000 + micros;
}

/**
 * What tells a scan apart: its uuid, or for a record without one a fingerprint of its content, so
 * that the same record read twice is still known as the same scan (never delivered twice).
 */
export function scanIdentity(record: IDataObject): string {
	const scan = (record.scan ?? {}) as IDataObject;
	if (typeof scan.uuid === 'string' && scan.uuid) return scan.uuid;
	return `~${fingerprint(JSON.stringify(record))}`;
}

/** FNV-1a over the text, twice with different seeds: 16 hex digits, stable across runs. */
function fingerprint(text: string): string {
	let a = 0x811c9dc5;
	let b = 0x01000193 ^ text.length;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		a = Math.imul(a ^ c, 0x01000193) >>> 0;
		b = Math.imul(b ^ c, 0x01000193 + 0x100) >>> 0;
	}
	return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}


/** What a page may keep: the window, and the dates asked for it (to tell a server that widened them). */
export interface PageBounds {
	from: number;
	to: number;
	askedFrom: number;
	askedTo: number;
}

export interface PageRequest {
	/** the export's path with the first page's query, or the `next` link (which carries every parameter) */
	path: string;
	qs?: IDataObject;
	itemIndex?: number;
	timeoutMs?: number;
	bounds: PageBounds;
	/** scans the window already holds: not kept again */
	seen: ReadonlyMap<string, unknown>;
}

/** A page as a window files it. */
export interface ScanPage<R> {
	next?: string;
	/** records on the page, kept or not */
	count: number;
	/** the earliest and latest scan time on the page (Infinity / -Infinity when none had one) */
	min: number;
	max: number;
	/** a scan lay outside the dates asked for: the server honours dates more coarsely than asked */
	widened: boolean;
	/** the page's scans inside the window and not seen before, in page order */
	entries: Array<ScanEntry<R>>;
}

function emptyPage<R>(): ScanPage<R> {
	return { count: 0, min: Infinity, max: -Infinity, widened: false, entries: [] };
}

/**
 * Files one scan of a page by its time: counts it, notes the time, and says where it goes when it
 * belongs to the window and is new (`identity` is asked only then). A scan without a time is placed
 * at the window's start (see exportScans: the window that starts the range keeps it).
 */
function place<R>(
	page: ScanPage<unknown>,
	time: number | undefined,
	identity: string | (() => string),
	record: R,
	request: PageRequest,
): ScanEntry<R> | undefined {
	const { bounds } = request;
	if (time !== undefined) {
		if (time < page.min) page.min = time;
		if (time > page.max) page.max = time;
		if (time < bounds.askedFrom || time >= bounds.askedTo) page.widened = true;
		if (time < bounds.from || time >= bounds.to) return undefined;
	}
	const id = typeof identity === 'string' ? identity : identity();
	if (request.seen.has(id)) return undefined;
	return time === undefined ? { time: bounds.from, id, record, timeless: true } : { time, id, record };
}

const isRecord = (value: unknown): value is IDataObject => !!value && typeof value === 'object' && !Array.isArray(value);

function nextLink(body: IDataObject): string | undefined {
	return typeof body.next === 'string' && body.next ? body.next : undefined;
}

function exportRequest(request: PageRequest) {
	return {
		method: 'GET' as const,
		path: request.path,
		qs: request.qs,
		itemIndex: request.itemIndex,
		permissions: SCANS_DOWNLOAD,
		timeoutMs: request.timeoutMs,
	};
}

/** A page whose records are parsed and kept as records. */
export async function readRecordPage(this: ScantrustContext, request: PageRequest): Promise<ScanPage<IDataObject>> {
	const body = await apiRequest.call(this, exportRequest(request));
	if (!Array.isArray(body.results)) throw unreadablePage(this, request, 'it has no "results" list');
	const page = emptyPage<IDataObject>();
	for (const record of body.results as unknown[]) {
		page.count++;
		if (!isRecord(record)) continue;
		const entry = place(page, scanTime(record), () => scanIdentity(record), record, request);
		if (entry) page.entries.push(entry);
	}
	page.next = nextLink(body);
	return page;
}

/**
 * A page whose records are kept as their bytes in `store`, split from the page as it arrives. A
 * page that breaks off is read again by the transport; what the broken attempt had put in the
 * store is taken out first.
 */
export async function readLinePage(this: ScantrustContext, request: PageRequest, store: LineStore): Promise<ScanPage<Line>> {
	const readBody = async (chunks: AsyncIterable<Buffer>): Promise<ScanPage<Line>> => {
		const mark = store.mark();
		const page = emptyPage<Line>();
		const splitter = new ResultsSplitter(store, (line) => {
			page.count++;
			const entry = placeLine(page, line, request);
			if (entry) page.entries.push(entry);
			else store.drop();
		});
		let read = false;
		try {
			for await (const chunk of chunks) splitter.write(chunk);
			const { envelope, hasResults } = splitter.finish();
			if (!hasResults) throw new PageSyntaxError('it has no "results" list');
			page.next = nextLink(envelope);
			read = true;
			return page;
		} finally {
			// A failed attempt leaves nothing behind: the page is read again, or the export fails.
			if (!read) store.rewind(mark);
		}
	};
	let failure: unknown;
	const page = await apiRequest.call(this, { ...exportRequest(request), readBody }).catch((error: unknown) => {
		failure = error;
		return undefined;
	});
	if (failure instanceof PageSyntaxError) throw unreadablePage(this, request, failure.message);
	// Anything else is the transport's own error (NodeApiError, NodeOperationError), as it is.
	if (failure !== undefined || !page) throw failure;
	return page as unknown as ScanPage<Line>;
}

/**
 * Places a scan kept as its line: by its fields read off the bytes (scanLine.ts), or, for a scan
 * those do not settle (no uuid, escapes), by the parsed record, as readRecordPage would.
 */
function placeLine(page: ScanPage<unknown>, line: Line, request: PageRequest): ScanEntry<Line> | undefined {
	const fields = scanFieldsOf(line.slab, line.start, line.end);
	if (fields?.uuid) return place(page, timeOf(fields.datetime, fields.timestamp), fields.uuid, line, request);
	const record = parseJson(line.slab.toString('utf8', line.start, line.end));
	if (record === NOT_JSON) throw new PageSyntaxError(`scan ${page.count} of the page is not valid JSON`);
	if (!isRecord(record)) return undefined;
	return place(page, scanTime(record), () => scanIdentity(record), line, request);
}

/** A page that is not a page of the export: the export cannot go on without losing scans, so it stops, by name. */
function unreadablePage(context: ScantrustContext, request: PageRequest, why: string): NodeOperationError {
	const path = new URL(request.path, 'http://scantrust.invalid').pathname;
	return new NodeOperationError(context.getNode(), `Scantrust answered GET ${path} with a page of scans that cannot be read: ${why}`, {
		itemIndex: request.itemIndex,
		description:
			'The export stopped here rather than go on without the scans of this page. If it happens again, Scantrust may have changed the export; please report it with the time of the failure.',
	});
}
