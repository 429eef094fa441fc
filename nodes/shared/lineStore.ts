/**
 * Records kept as their JSON bytes, outside V8's heap, for a scan export written to a file (Scan →
 * Get Many → JSON Lines). A window read ahead waits for its turn; kept as parsed records its
 * scans outlive V8's young generation and pile up in old space until a full collection (about
 * 100 MB at 1,000,000 scans), and kept as fresh Buffers they pile up as external memory the same
 * way (V8 collects those only after about 64 MB more of them). Slabs taken from a pool and given
 * back when the window is written are neither: what the export holds is the slabs of the windows
 * read ahead, reused for the next ones.
 */

/** Bytes per slab: a window of one and a half pages (about 1.4 MB of scans) takes six. */
export const SLAB_BYTES = 256 * 1024;

/**
 * One export run's slabs, and the typed arrays its windows keep their scans' positions in (never
 * shared between runs: n8n runs executions side by side). Everything a window took goes back when
 * it has been written, so a long export reuses the same memory instead of leaving V8 a stream of
 * buffers that outlived its young generation.
 */
export class SlabPool {
	private readonly free: Buffer[] = [];
	private readonly arrays = new Map<string, Array<Int32Array | Float64Array>>();

	/** An Int32Array of `length`, zero-filled. */
	int32(length: number): Int32Array {
		const reused = this.arrays.get(`i${length}`)?.pop() as Int32Array | undefined;
		return reused ? reused.fill(0) : new Int32Array(length);
	}

	/** A Float64Array of `length` (its content is not cleared). */
	float64(length: number): Float64Array {
		return (this.arrays.get(`f${length}`)?.pop() as Float64Array | undefined) ?? new Float64Array(length);
	}

	giveArray(array: Int32Array | Float64Array): void {
		const key = `${array instanceof Int32Array ? 'i' : 'f'}${array.length}`;
		const list = this.arrays.get(key);
		if (list) list.push(array);
		else this.arrays.set(key, [array]);
	}

	take(minBytes = 0): Buffer {
		if (minBytes > SLAB_BYTES) return Buffer.allocUnsafe(minBytes);
		return this.free.pop() ?? Buffer.allocUnsafe(SLAB_BYTES);
	}

	give(slab: Buffer): void {
		// An outsize slab (one record larger than a slab) is left to the garbage collector.
		if (slab.length === SLAB_BYTES) this.free.push(slab);
	}
}

const NEWLINE = 0x0a;

/**
 * One record's bytes in a slab: `slab[start, end)`, a single line of JSON, with the newline that
 * ends it at `slab[end]`; `index` is the slab's in its store.
 */
export interface Line {
	slab: Buffer;
	index: number;
	start: number;
	end: number;
}

/** Where a store stood, to go back to when an attempt at a page failed halfway. */
export interface StoreMark {
	slabs: number;
	used: number;
}

/**
 * One window's records, appended byte run by byte run as a page streams in: a record is begun,
 * its bytes appended (in pieces when it spans the socket's chunks) and ended, or dropped (a scan
 * outside the window, a repeat) so its bytes are written over. Given back whole when written.
 */
export class LineStore {
	private readonly slabs: Buffer[] = [];
	private used = 0;
	private lineStart = 0;
	private readonly line: Line = { slab: Buffer.alloc(0), index: -1, start: 0, end: 0 };

	constructor(private readonly pool: SlabPool) {}

	private get current(): Buffer | undefined {
		return this.slabs[this.slabs.length - 1];
	}

	/** A record starts here. */
	begin(): void {
		this.lineStart = this.used;
	}

	/**
	 * Appends `chunk[from, to)` to the record begun; a record that outgrows its slab moves to a new
	 * one whole. A byte is kept spare after it for the newline that `end` writes.
	 */
	append(chunk: Buffer, from: number, to: number): void {
		const length = to - from;
		if (length <= 0) return;
		let slab = this.current;
		if (!slab || this.used + length + 1 > slab.length) {
			const partial = slab ? this.used - this.lineStart : 0;
			const next = this.pool.take(partial + length + 1);
			if (slab && partial) slab.copy(next, 0, this.lineStart, this.used);
			this.slabs.push(next);
			slab = next;
			this.lineStart = 0;
			this.used = partial;
		}
		chunk.copy(slab, this.used, from, to);
		this.used += length;
	}

	/**
	 * The record begun, complete, followed in its slab by a newline: lines kept one after the other
	 * are one run of JSON Lines, copied out at once (windowScans.ts). The Line returned is the
	 * store's one Line, updated for each record: read it before the next record ends (an object per
	 * record was a tenth of what a JSON Lines export allocated, and garbage sets how often V8
	 * collects its young generation).
	 */
	end(): Line {
		const slab = this.current as Buffer;
		slab[this.used] = NEWLINE;
		const line = this.line;
		line.slab = slab;
		line.index = this.slabs.length - 1;
		line.start = this.lineStart;
		line.end = this.used;
		this.used++;
		return line;
	}

	/** The slab a line's `index` names. */
	slab(index: number): Buffer {
		return this.slabs[index];
	}

	/** Forgets the record just ended (or begun): its bytes (and its newline) are written over. */
	drop(): void {
		this.used = this.lineStart;
	}

	mark(): StoreMark {
		return { slabs: this.slabs.length, used: this.used };
	}

	/** Back to `mark`: everything appended since is forgotten, slabs taken since go back to the pool. */
	rewind(mark: StoreMark): void {
		while (this.slabs.length > mark.slabs) this.pool.give(this.slabs.pop() as Buffer);
		this.used = mark.used;
		this.lineStart = mark.used;
	}

	/** All slabs back to the pool; the store's lines must not be read any more. */
	release(): void {
		this.rewind({ slabs: 0, used: 0 });
	}
}

/** Lines on their way into a file: their bytes in pieces, each line ended by `\n`, and how many lines. */
export interface LineBatch {
	chunks: Iterable<Buffer>;
	lines: number;
}
