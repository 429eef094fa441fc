/**
 * Where a scan's `scan.uuid`, `scan.datetime` and `scan.timestamp` are in its JSON bytes, found
 * without parsing the record: a JSON Lines export places 1,000,000 scans by these three fields, and
 * parsing each record only to read them would make a few KB of objects per scan for V8 to collect
 * (and collect them often enough that the windows read ahead outlive the young generation).
 *
 * Only JSON's structure is read (strings and their escapes, nesting), so the fields come out as
 * `JSON.parse` would give them: the last of repeated keys wins, a value of another type counts as
 * absent. Anything this does not read exactly (an escape in a key, a uuid or datetime with
 * escapes, bytes that are not JSON) gives false, and the caller parses the record instead.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Where a value's text is in the bytes: `[start, end)`; a start of -1 when there is none. */
export interface ByteSpan {
	start: number;
	end: number;
}

/**
 * Where a scan's fields are in its bytes; the caller reads their values off the bytes. One object
 * for every scan of a page, filled in again for each (an object, a uuid span and two strings per
 * scan were about a third of what a JSON Lines export allocated).
 */
export class ScanFields {
	/** `scan.uuid`'s text, between its quotes, without escapes */
	readonly uuid: ByteSpan = { start: -1, end: -1 };
	/** `scan.datetime`'s text, between its quotes, without escapes */
	readonly datetime: ByteSpan = { start: -1, end: -1 };
	/** `scan.timestamp`'s number as written */
	readonly timestamp: ByteSpan = { start: -1, end: -1 };

	clear(): void {
		setSpan(this.uuid, -1, -1);
		setSpan(this.datetime, -1, -1);
		setSpan(this.timestamp, -1, -1);
	}
}

function setSpan(span: ByteSpan, start: number, end: number): void {
	span.start = start;
	span.end = end;
}

const KEY_SCAN = Buffer.from('scan');
const KEY_UUID = Buffer.from('uuid');
const KEY_DATETIME = Buffer.from('datetime');
const KEY_TIMESTAMP = Buffer.from('timestamp');

function whitespace(b: Buffer, i: number, end: number): number {
	while (i < end) {
		const c = b[i];
		if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
		i++;
	}
	return i;
}

/**
 * Where a JSON string whose text starts at `i` ends: the index of its closing quote, or, when
 * there is none before `end`, `end` (or `end + 1` when the last byte is a backslash, so the
 * byte after `end` is escaped: the splitter carries that over to the next chunk). Byte by byte
 * (a backslash escapes the byte after it): a scan's strings are short, and a call to indexOf
 * for each cost more than this loop.
 */
export function stringEnd(b: Buffer, i: number, end: number): number {
	while (i < end) {
		const c = b[i];
		if (c === QUOTE) return i;
		i += c === BACKSLASH ? 2 : 1;
	}
	return i;
}

/** The index of the quote that closes a string whose text starts at `i`; -1 when there is none before `end`. */
function closingQuote(b: Buffer, i: number, end: number): number {
	const quote = stringEnd(b, i, end);
	return quote < end ? quote : -1;
}

function hasBackslash(b: Buffer, from: number, to: number): boolean {
	for (let k = from; k < to; k++) if (b[k] === BACKSLASH) return true;
	return false;
}

function same(b: Buffer, from: number, to: number, key: Buffer): boolean {
	if (to - from !== key.length) return false;
	for (let k = 0; k < key.length; k++) if (b[from + k] !== key[k]) return false;
	return true;
}

/**
 * Notes where the string value `b[value, next)` has its text, or -1 for a value of another type;
 * false for a string with escapes (not read exactly here).
 */
function stringSpan(b: Buffer, value: number, next: number, span: ByteSpan): boolean {
	if (b[value] !== QUOTE) {
		setSpan(span, -1, -1);
		return true;
	}
	if (hasBackslash(b, value + 1, next - 1)) return false;
	setSpan(span, value + 1, next - 1);
	return true;
}

/** The index just after the value that starts at `i`; -1 when it is not read exactly. */
function skipValue(b: Buffer, i: number, end: number): number {
	const c = b[i];
	if (c === QUOTE) {
		const close = closingQuote(b, i + 1, end);
		return close < 0 ? -1 : close + 1;
	}
	if (c === 0x7b || c === 0x5b) {
		let depth = 0;
		while (i < end) {
			const d = b[i];
			if (d === QUOTE) {
				const close = closingQuote(b, i + 1, end);
				if (close < 0) return -1;
				i = close + 1;
				continue;
			}
			if (d === 0x7b || d === 0x5b) depth++;
			else if (d === 0x7d || d === 0x5d) {
				depth--;
				if (depth === 0) return i + 1;
			}
			i++;
		}
		return -1;
	}
	// A number or a literal: up to the next separator.
	const start = i;
	while (i < end) {
		const d = b[i];
		if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
		i++;
	}
	return i === start ? -1 : i;
}

/** The closing quote of the key whose opening quote is `b[i]`; -1 for anything else or a key with escapes. */
function keyEnd(b: Buffer, i: number, end: number): number {
	if (b[i] !== QUOTE) return -1;
	const keyTo = closingQuote(b, i + 1, end);
	return keyTo < 0 || hasBackslash(b, i + 1, keyTo) ? -1 : keyTo;
}

/** Where the value after a key (ending at `keyTo`) and its colon starts; -1 when there is no colon. */
function valueStart(b: Buffer, keyTo: number, end: number): number {
	const colon = whitespace(b, keyTo + 1, end);
	if (b[colon] !== 0x3a) return -1;
	const value = whitespace(b, colon + 1, end);
	return value < end ? value : -1;
}

/**
 * Reads the record `b[start, end)`'s scan fields into `fields`; false when they are not read
 * exactly here. One pass, no parsing: the scan's members are read, every other value is skipped over.
 */
export function scanFieldsOf(b: Buffer, start: number, end: number, fields: ScanFields): boolean {
	fields.clear();
	if (b[start] !== 0x7b) return false;
	let i = whitespace(b, start + 1, end);
	if (b[i] === 0x7d) return true;
	for (;;) {
		const keyTo = keyEnd(b, i, end);
		const value = keyTo < 0 ? -1 : valueStart(b, keyTo, end);
		if (value < 0) return false;
		let next: number;
		if (same(b, i + 1, keyTo, KEY_SCAN)) {
			// A repeated `scan` replaces the one before it, as in JSON.parse.
			fields.clear();
			next = b[value] === 0x7b ? readScan(b, value, end, fields) : skipValue(b, value, end);
		} else {
			next = skipValue(b, value, end);
		}
		if (next < 0) return false;
		next = whitespace(b, next, end);
		if (b[next] === 0x7d) return true;
		if (b[next] !== 0x2c) return false;
		i = whitespace(b, next + 1, end);
	}
}

/** Reads the `scan` object at `b[i]` into `fields`; the index after it, or -1. */
function readScan(b: Buffer, i: number, end: number, fields: ScanFields): number {
	i = whitespace(b, i + 1, end);
	if (b[i] === 0x7d) return i + 1;
	for (;;) {
		const keyTo = keyEnd(b, i, end);
		const value = keyTo < 0 ? -1 : valueStart(b, keyTo, end);
		if (value < 0) return -1;
		let next = skipValue(b, value, end);
		if (next < 0) return -1;
		// A value of another type counts as absent (-1); a repeated key replaces the one before.
		if (same(b, i + 1, keyTo, KEY_UUID)) {
			// Where it is, not its text: a window finds repeats by these bytes.
			if (!stringSpan(b, value, next, fields.uuid)) return -1;
		} else if (same(b, i + 1, keyTo, KEY_DATETIME)) {
			if (!stringSpan(b, value, next, fields.datetime)) return -1;
		} else if (same(b, i + 1, keyTo, KEY_TIMESTAMP)) {
			const c = b[value];
			if (c === 0x2d || (c >= 0x30 && c <= 0x39)) setSpan(fields.timestamp, value, next);
			else setSpan(fields.timestamp, -1, -1);
		}
		next = whitespace(b, next, end);
		if (b[next] === 0x7d) return next + 1;
		if (b[next] !== 0x2c) return -1;
		i = whitespace(b, next + 1, end);
	}
}
