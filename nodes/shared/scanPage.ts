import type { IDataObject } from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import { timeKey } from './datetime';
import type { Line } from './lineStore';
import { NOT_JSON, PageSyntaxError, ResultsSplitter } from './resultsSplitter';
import { ScanFields, scanFieldsOf } from './scanLine';
import { SCANS_DOWNLOAD } from './scanFilters';
import { apiRequest } from './transport';
import type { LineScans, RecordScans } from './windowScans';
import type { ScantrustContext } from './transport';

/**
 * One page of the scan export, read for a window (scanExport.ts): each scan's time and identity,
 * and the scan itself, filed into the window's WindowScans (windowScans.ts) either as the parsed
 * record (items, the trigger) or as its JSON bytes (a JSON Lines file: the page is split on its
 * bytes as it streams in, and each scan's uuid and time are read off those bytes, so neither the
 * page nor its records are ever parsed).
 */

/** A scan's time key: its `datetime` (microseconds), else its `timestamp` (seconds); undefined when it has neither. */
export function scanTime(record: IDataObject): number | undefined {
	const scan = (record.scan ?? {}) as IDataObject;
	return timeOf(scan.datetime, scan.timestamp);
}

/** The time key of a scan's `datetime`, else of its `timestamp`; undefined when neither gives one. */
function timeOf(datetime: unknown, timestamp: unknown): number | undefined {
	if (typeof datetime === 'string') {
		// The canonical form is ASCII, so its UTF-8 bytes are its characters.
		const bytes = Buffer.from(datetime, 'utf8');
		const key = canonicalKey(bytes, 0, bytes.length) ?? timeKey(datetime);
		if (key !== undefined) return key;
	}
	return typeof timestamp === 'number' ? secondsKey(timestamp) : undefined;
}

/** The time key of a `timestamp` (seconds); undefined for one that is not a finite number. */
function secondsKey(seconds: number): number | undefined {
	return Number.isFinite(seconds) ? Math.round(seconds * 1e6) : undefined;
}

/**
 * The time key of a scan kept as its line, read off its bytes where scanFieldsOf found its
 * fields: as timeOf gives it for the parsed record, without a string for Scantrust's own form.
 */
export function lineTime(bytes: Buffer, fields: ScanFields): number | undefined {
	const { datetime, timestamp } = fields;
	if (datetime.start >= 0) {
		const key = canonicalKey(bytes, datetime.start, datetime.end) ?? timeKey(bytes.toString('utf8', datetime.start, datetime.end));
		if (key !== undefined) return key;
	}
	return timestamp.start < 0 ? undefined : secondsKey(Number(bytes.toString('latin1', timestamp.start, timestamp.end)));
}

/**
 * The time key of a datetime in Scantrust's own form, `2021-02-01T03:24:42.468939Z` (one to six
 * fraction digits or none), at `bytes[start, end)`, read digit by digit: an export of 1,000,000
 * scans reads 1,000,000 of them, and the general parser (timeKey) costs several times more and
 * makes strings. Anything else: undefined.
 */
function canonicalKey(bytes: Buffer, start: number, end: number): number | undefined {
	const length = end - start;
	if (length < 20 || bytes[end - 1] !== 0x5a /* Z */) return undefined;
	// -, -, T, : and : in their places (compared in place: a helper closure here would be made per scan)
	if (bytes[start + 4] !== 0x2d || bytes[start + 7] !== 0x2d || bytes[start + 10] !== 0x54) return undefined;
	if (bytes[start + 13] !== 0x3a || bytes[start + 16] !== 0x3a) return undefined;
	let micros = 0;
	if (length > 20) {
		const count = length - 21;
		if (bytes[start + 19] !== 0x2e /* . */ || count < 1 || count > 6) return undefined;
		micros = digits(bytes, start + 20, count) * 10 ** (6 - count);
	}
	const month = digits(bytes, start + 5, 2);
	const day = digits(bytes, start + 8, 2);
	const hours = digits(bytes, start + 11, 2);
	const minutes = digits(bytes, start + 14, 2);
	const seconds = digits(bytes, start + 17, 2);
	if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hours <= 23 && minutes <= 59 && seconds <= 59)) {
		return undefined;
	}
	const ms = Date.UTC(digits(bytes, start, 4), month - 1, day, hours, minutes, seconds);
	return Number.isNaN(ms) || Number.isNaN(micros) ? undefined : ms * 1000 + micros;
}

/**
 * The number `count` decimal digits at `start` spell, NaN for anything else. A function of its
 * own, not a closure in canonicalKey: made once per scan, that closure was the largest single
 * source of garbage in a JSON Lines export (about an eighth of what it allocated), and garbage
 * sets how often V8 collects its young generation, so how much of the windows in flight it moves
 * to old space.
 */
function digits(bytes: Buffer, start: number, count: number): number {
	let value = 0;
	for (let i = start; i < start + count; i++) {
		const digit = bytes[i] - 48;
		if (digit < 0 || digit > 9) return NaN;
		value = value * 10 + digit;
	}
	return value;
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
}

/** What a window learns of a page beyond its scans (those go into the window's WindowScans). */
export interface ScanPage {
	next?: string;
	/** records on the page, kept or not */
	count: number;
	/** the earliest and latest scan time on the page (Infinity / -Infinity when none had one) */
	min: number;
	max: number;
	/** a scan lay outside the dates asked for: the server honours dates more coarsely than asked */
	widened: boolean;
}

function emptyPage(): ScanPage {
	return { count: 0, min: Infinity, max: -Infinity, widened: false };
}

/**
 * Notes a scan's time on its page, and says whether the scan belongs to the window. A scan
 * without a time belongs to every window it is seen in (see exportScans: the window that starts
 * the range keeps it, at its start).
 */
function inWindow(page: ScanPage, time: number | undefined, bounds: PageBounds): boolean {
	if (time === undefined) return true;
	if (time < page.min) page.min = time;
	if (time > page.max) page.max = time;
	if (time < bounds.askedFrom || time >= bounds.askedTo) page.widened = true;
	return time >= bounds.from && time < bounds.to;
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

/** A page whose records are parsed, the window's scans kept in `scans` as records. */
export async function readRecordPage(this: ScantrustContext, request: PageRequest, scans: RecordScans): Promise<ScanPage> {
	const body = await apiRequest.call(this, exportRequest(request));
	if (!Array.isArray(body.results)) throw unreadablePage(this, request, 'it has no "results" list');
	const page = emptyPage();
	const { bounds } = request;
	for (const record of body.results as unknown[]) {
		page.count++;
		if (!isRecord(record)) continue;
		const time = scanTime(record);
		if (!inWindow(page, time, bounds)) continue;
		scans.add({ time: time ?? bounds.from, id: scanIdentity(record), record, ...(time === undefined ? { timeless: true } : {}) });
	}
	page.next = nextLink(body);
	return page;
}

/**
 * A page whose records are kept as their bytes, split from the page as it arrives, into `scans`
 * (a LineScans: no object per scan). A page that breaks off is read again by the transport; what
 * the broken attempt had put into `scans` is taken out first.
 */
export async function readLinePage(this: ScantrustContext, request: PageRequest, scans: LineScans): Promise<ScanPage> {
	const { bounds } = request;
	const readBody = async (chunks: AsyncIterable<Buffer>): Promise<ScanPage> => {
		const mark = scans.mark();
		const page = emptyPage();
		const fields = new ScanFields();
		const splitter = new ResultsSplitter(scans.lines, (line) => {
			page.count++;
			placeLine(page, line, bounds, scans, fields);
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
			if (!read) scans.rewind(mark);
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
	return page as unknown as ScanPage;
}

/**
 * Files a scan kept as its line: by its fields read off the bytes (scanLine.ts), or, for a scan
 * those do not settle (no uuid, escapes), by the parsed record, as readRecordPage would. A scan
 * outside the window, or one the window has, is dropped from the store.
 */
function placeLine(page: ScanPage, line: Line, bounds: PageBounds, scans: LineScans, fields: ScanFields): void {
	let time: number | undefined;
	let identity: { start: number; end: number } | string;
	if (scanFieldsOf(line.slab, line.start, line.end, fields) && fields.uuid.end > fields.uuid.start) {
		time = lineTime(line.slab, fields);
		identity = fields.uuid;
	} else {
		const record = jsonParse<unknown>(line.slab.toString('utf8', line.start, line.end), { fallbackValue: NOT_JSON });
		if (record === NOT_JSON || !isRecord(record)) throw new PageSyntaxError(`scan ${page.count} of the page is not valid JSON`);
		time = scanTime(record);
		identity = scanIdentity(record);
	}
	if (!inWindow(page, time, bounds)) return scans.lines.drop();
	scans.add(time ?? bounds.from, line, identity, time === undefined);
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
