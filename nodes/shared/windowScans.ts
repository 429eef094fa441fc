import type { IDataObject } from 'n8n-workflow';

import { LineStore } from './lineStore';
import type { Line, LineBatch, SlabPool, StoreMark } from './lineStore';

/**
 * The scans a window has read so far (scanExport.ts, readWindow): each once, by identity, with
 * its time key, and what readWindow asks of them: how many fall in a range of time, and those
 * scans in (time, identity) order. Kept as records (items, the trigger) or as lines.
 */
export interface WindowScans<Taken> {
	readonly size: number;
	/** scans with a time key in [from, to) */
	count(from: number, to: number): number;
	/** the scans with a time key in [from, to), in (time, identity) order, newest first when asked */
	take(from: number, to: number, newestFirst: boolean): Taken;
}

/** One scan of a window as a record: its time key, its identity and the record as the export gave it. */
export interface ScanEntry<R = IDataObject> {
	time: number;
	id: string;
	record: R;
	/** the record has no time of its own (it was placed at the window's start) */
	timeless?: boolean;
}

/** Sorts by (time, id): the order scans are delivered in. */
export function compareEntries(a: ScanEntry<unknown>, b: ScanEntry<unknown>): number {
	return compareTimes(a.time, b.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * -1, 0 or 1, not the difference: time keys are too large for small integers, so a difference
 * would be a new heap number at every comparison (about 16,000 per window sorted).
 */
function compareTimes(x: number, y: number): number {
	return x < y ? -1 : x > y ? 1 : 0;
}

/** A window's scans as records, by identity. */
export class RecordScans implements WindowScans<Array<ScanEntry<IDataObject>>> {
	private readonly byId = new Map<string, ScanEntry<IDataObject>>();

	get size(): number {
		return this.byId.size;
	}

	has(id: string): boolean {
		return this.byId.has(id);
	}

	/** Keeps the scan unless the window has it already. */
	add(entry: ScanEntry<IDataObject>): void {
		if (!this.byId.has(entry.id)) this.byId.set(entry.id, entry);
	}

	count(from: number, to: number): number {
		let n = 0;
		for (const entry of this.byId.values()) if (entry.time >= from && entry.time < to) n++;
		return n;
	}

	take(from: number, to: number, newestFirst: boolean): Array<ScanEntry<IDataObject>> {
		const taken: Array<ScanEntry<IDataObject>> = [];
		for (const entry of this.byId.values()) if (entry.time >= from && entry.time < to) taken.push(entry);
		taken.sort(compareEntries);
		return newestFirst ? taken.reverse() : taken;
	}
}

/** A window's lines, taken in delivery order, with the scans that have no time (by position and identity). */
export interface TakenLines {
	/**
	 * The first `take` lines not in `skip` (positions), each ended by `\n`, copied out piece by piece
	 * as they are read: read them all before `release`.
	 */
	join(take: number, skip?: ReadonlySet<number>): LineBatch;
	/** The window's slabs and arrays back to the pool: its lines must not be read any more. */
	release(): void;
	timeless: Array<{ at: number; id: string }>;
	count: number;
	/** the earliest and latest time key among them */
	first?: number;
	last?: number;
}

/** Where a LineScans stood, to go back to when an attempt at a page failed halfway. */
export interface ScansMark {
	scans: number;
	store: StoreMark;
}

const EMPTY = -1;
/**
 * The file is handed to n8n's binary store in pieces of this size, each a fresh copy made when
 * the store asks for it. Measured at 1,000,000 scans: one Buffer per window (about 1.4 MB) left
 * 20–30 MB more in RSS than 64 KB pieces made one at a time.
 */
const OUTPUT_PIECE_BYTES = 64 * 1024;
/** Scans a window's arrays hold before they double (a window holds about 1,500, at most about 2,000 before it is cut). */
const CAPACITY = 2048;
const FIELDS = 5; // slab, start, end, uuid start, uuid end (-1: the identity is a string, in `ids`)

/**
 * A window's scans as lines, with no heap object per scan: their bytes in a LineStore, their
 * time keys and where their line and uuid are in typed arrays, repeats found by a hash of the
 * uuid's bytes (checked against the bytes). A window read in 16 at once lives through several of
 * V8's young-generation collections; an object per scan would be moved to old space and freed
 * only by a full collection, and at 1,000,000 scans that was most of the memory the export took.
 * Identities that are not a uuid read off the bytes (a record parsed instead, see scanPage.ts)
 * are kept as strings beside.
 */
export class LineScans implements WindowScans<TakenLines> {
	readonly lines: LineStore;
	private times: Float64Array;
	private spans: Int32Array;
	private n = 0;
	/** open addressing: scan index + 1 by identity hash, 0 for empty */
	private table: Int32Array;
	/** the scans taken, by index, in delivery order */
	private order: Int32Array | undefined;
	private readonly ids = new Map<number, string>();
	private readonly timeless = new Set<number>();

	constructor(private readonly pool: SlabPool) {
		this.lines = new LineStore(pool);
		this.times = pool.float64(CAPACITY);
		this.spans = pool.int32(CAPACITY * FIELDS);
		this.table = pool.int32(CAPACITY * 4);
	}

	get size(): number {
		return this.n;
	}

	/**
	 * Keeps the scan whose line was just ended in `lines` (its uuid at `uuid` inside that line, or
	 * its identity as a string), unless the window has it already: then the line is dropped.
	 */
	add(time: number, line: Line, uuid: { start: number; end: number } | string, timeless: boolean): boolean {
		const hash = typeof uuid === 'string' ? hashText(uuid) : hashBytes(line.slab, uuid.start, uuid.end);
		const slot = this.find(hash, line, uuid);
		if (this.table[slot] !== 0) {
			this.lines.drop();
			return false;
		}
		const k = this.n;
		if (k === this.times.length) this.grow();
		this.times[k] = time;
		const at = k * FIELDS;
		this.spans[at] = line.index;
		this.spans[at + 1] = line.start;
		this.spans[at + 2] = line.end;
		if (typeof uuid === 'string') {
			this.spans[at + 3] = EMPTY;
			this.ids.set(k, uuid);
		} else {
			this.spans[at + 3] = uuid.start;
			this.spans[at + 4] = uuid.end;
		}
		if (timeless) this.timeless.add(k);
		this.n++;
		this.table[slot] = k + 1;
		if (this.n * 2 > this.table.length) this.rehash(this.table.length * 2);
		return true;
	}

	mark(): ScansMark {
		return { scans: this.n, store: this.lines.mark() };
	}

	/** Back to `mark`: the scans and bytes added since are forgotten. */
	rewind(mark: ScansMark): void {
		for (let k = mark.scans; k < this.n; k++) {
			this.ids.delete(k);
			this.timeless.delete(k);
		}
		this.n = mark.scans;
		this.lines.rewind(mark.store);
		this.rehash(this.table.length);
	}

	count(from: number, to: number): number {
		let n = 0;
		for (let k = 0; k < this.n; k++) if (this.times[k] >= from && this.times[k] < to) n++;
		return n;
	}

	/** Taken once: the window is then written, and released. */
	take(from: number, to: number, newestFirst: boolean): TakenLines {
		const order = this.pool.int32(this.times.length);
		this.order = order;
		let count = 0;
		for (let k = 0; k < this.n; k++) if (this.times[k] >= from && this.times[k] < to) order[count++] = k;
		const chosen = order.subarray(0, count);
		const compare = (a: number, b: number): number => compareTimes(this.times[a], this.times[b]) || this.compareIds(a, b);
		// Pages mostly come in order; a typed array's sort with a comparator copies it into boxed numbers first.
		if (!inOrder(chosen, compare)) chosen.sort(compare);
		const first = count ? this.times[chosen[0]] : undefined;
		const last = count ? this.times[chosen[count - 1]] : undefined;
		if (newestFirst) chosen.reverse();
		const timeless: Array<{ at: number; id: string }> = [];
		if (this.timeless.size) {
			for (let p = 0; p < count; p++) if (this.timeless.has(chosen[p])) timeless.push({ at: p, id: this.idText(chosen[p]) });
		}
		return {
			join: (take, skip) => this.join(chosen, take, skip),
			release: () => this.release(),
			timeless,
			count,
			first,
			last,
		};
	}

	private join(chosen: Int32Array, take: number, skip: ReadonlySet<number> | undefined): LineBatch {
		let lines = 0;
		const picked: number[] = [];
		for (let p = 0; p < chosen.length && lines < take; p++) {
			if (skip?.has(p)) continue;
			if (skip?.size) picked.push(p);
			lines++;
		}
		const positions = skip?.size ? picked : undefined;
		return { chunks: this.pieces(chosen, lines, positions), lines };
	}

	/**
	 * The first `lines` lines of `chosen` (or those at `positions`), each with its newline, copied
	 * into pieces one at a time as the file's reader asks for them. Lines that follow each other in
	 * a slab (a page in time order: most of them) are copied as one run: each copy makes a view
	 * object, one per line was a tenth of what a JSON Lines export allocated.
	 */
	private *pieces(chosen: Int32Array, lines: number, positions: number[] | undefined): Generator<Buffer> {
		let piece = Buffer.allocUnsafe(OUTPUT_PIECE_BYTES);
		let offset = 0;
		let n = 0;
		while (n < lines) {
			// The run: this line and those right after it in the same slab.
			let at = chosen[positions ? positions[n] : n] * FIELDS;
			const index = this.spans[at];
			let start = this.spans[at + 1];
			let end = this.spans[at + 2] + 1;
			for (n++; n < lines; n++) {
				at = chosen[positions ? positions[n] : n] * FIELDS;
				if (this.spans[at] !== index || this.spans[at + 1] !== end) break;
				end = this.spans[at + 2] + 1;
			}
			const slab = this.lines.slab(index);
			while (start < end) {
				if (offset === piece.length) {
					yield piece;
					piece = Buffer.allocUnsafe(OUTPUT_PIECE_BYTES);
					offset = 0;
				}
				const copied = slab.copy(piece, offset, start, Math.min(end, start + piece.length - offset));
				offset += copied;
				start += copied;
			}
		}
		if (offset) yield piece.subarray(0, offset);
	}

	private release(): void {
		this.lines.release();
		this.pool.giveArray(this.times);
		this.pool.giveArray(this.spans);
		this.pool.giveArray(this.table);
		if (this.order) this.pool.giveArray(this.order);
		this.order = undefined;
	}

	/** The slot of the identity in the table: the one holding it, or the empty one where it goes. */
	private find(hash: number, line: Line, uuid: { start: number; end: number } | string): number {
		const mask = this.table.length - 1;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const held = this.table[slot];
			if (held === 0 || this.sameId(held - 1, line.slab, uuid)) return slot;
		}
	}

	private sameId(k: number, slab: Buffer, uuid: { start: number; end: number } | string): boolean {
		const at = k * FIELDS;
		if (typeof uuid === 'string' || this.spans[at + 3] === EMPTY) {
			return this.idText(k) === (typeof uuid === 'string' ? uuid : slab.toString('utf8', uuid.start, uuid.end));
		}
		const start = this.spans[at + 3];
		const end = this.spans[at + 4];
		if (end - start !== uuid.end - uuid.start) return false;
		return this.lines.slab(this.spans[at]).compare(slab, uuid.start, uuid.end, start, end) === 0;
	}

	/** Scan k's identity as a string (a uuid read as text only where it is needed: rare). */
	private idText(k: number): string {
		const at = k * FIELDS;
		if (this.spans[at + 3] === EMPTY) return this.ids.get(k) as string;
		return this.lines.slab(this.spans[at]).toString('utf8', this.spans[at + 3], this.spans[at + 4]);
	}

	/** By identity as readRecordPage's string comparison orders them (bytes: the same for ASCII uuids). */
	private compareIds(a: number, b: number): number {
		const x = a * FIELDS;
		const y = b * FIELDS;
		if (this.spans[x + 3] === EMPTY || this.spans[y + 3] === EMPTY) {
			const p = this.idText(a);
			const q = this.idText(b);
			return p < q ? -1 : p > q ? 1 : 0;
		}
		const slab = this.lines.slab(this.spans[x]);
		return slab.compare(this.lines.slab(this.spans[y]), this.spans[y + 3], this.spans[y + 4], this.spans[x + 3], this.spans[x + 4]);
	}

	private grow(): void {
		const times = this.pool.float64(this.times.length * 2);
		times.set(this.times);
		this.pool.giveArray(this.times);
		this.times = times;
		const spans = this.pool.int32(this.spans.length * 2);
		spans.set(this.spans);
		this.pool.giveArray(this.spans);
		this.spans = spans;
	}

	private rehash(size: number): void {
		this.pool.giveArray(this.table);
		this.table = this.pool.int32(size);
		const mask = size - 1;
		for (let k = 0; k < this.n; k++) {
			const at = k * FIELDS;
			const hash =
				this.spans[at + 3] === EMPTY
					? hashText(this.ids.get(k) as string)
					: hashBytes(this.lines.slab(this.spans[at]), this.spans[at + 3], this.spans[at + 4]);
			let slot = hash & mask;
			while (this.table[slot] !== 0) slot = (slot + 1) & mask;
			this.table[slot] = k + 1;
		}
	}
}

function inOrder(list: Int32Array, compare: (a: number, b: number) => number): boolean {
	for (let k = 1; k < list.length; k++) if (compare(list[k - 1], list[k]) > 0) return false;
	return true;
}

/** FNV-1a over bytes, as a signed 32-bit integer (an unsigned one above 2^31 would be a heap number per scan). */
function hashBytes(bytes: Buffer, start: number, end: number): number {
	let h = 0x811c9dc5;
	for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
	return h | 0;
}

/** FNV-1a over the UTF-8 bytes of a text, so a uuid hashes the same as text and as bytes. */
function hashText(text: string): number {
	const bytes = Buffer.from(text, 'utf8');
	return hashBytes(bytes, 0, bytes.length);
}
