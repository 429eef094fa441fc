import { sleep } from 'n8n-workflow';

import { SCM_RATE } from './constants';
import type { ScantrustContext } from './context';

/**
 * Pacing of the SCM upload calls under the `scm_update` throttle scope (10 requests per second,
 * counted by the server over a sliding window of arrival times).
 *
 * The window counts from when each call was *answered*, not from when it was started: Scantrust
 * counts a call when it arrives, which is at some unknown moment after we start it (the body is
 * serialised, the socket written, a starved event loop may delay all of that by hundreds of
 * milliseconds) but certainly before its answer comes back. So call n starts at least
 * `SCM_RATE.windowMs` after the answer to call n − 10: the server then sees at most 10 of our
 * calls in any second, however late each one left. (Counting from the start instead let a call
 * that left late and a later one that left on time arrive closer than a second apart: the 101st
 * request, a 429, of the 100,000-item reliability test on a busy machine.)
 *
 * The state lives on the execution's context object, so it is shared by the items and batches of
 * one node run and by nothing else: no module-level state, as n8n 3.0 runs executions on workers.
 * Other executions with the same token are not seen; their 429s are waited out (docs/reliability.md).
 */
export interface ScmSlot {
	/** Marks the call as answered (or failed, or never sent); call exactly once, in a `finally`. */
	release(): void;
}

interface Call {
	/** When the answer came back; undefined while the call is in flight. */
	answeredAt?: number;
	answered: Promise<void>;
	markAnswered(): void;
}

const CALLS = Symbol('scantrust.scmCalls');

type WithCalls = { [CALLS]?: Map<string, Call[]> };

/** Waits until a call of this scope may start, and returns the slot to release when it is answered. */
export async function acquireScmSlot(context: ScantrustContext, key: string): Promise<ScmSlot> {
	const holder = context as unknown as WithCalls;
	const byKey = (holder[CALLS] ??= new Map());
	const calls = byKey.get(key) ?? [];
	byKey.set(key, calls);

	// The call this one must follow by a full window: the one SCM_RATE.requests calls back.
	// Chosen and recorded before any await, so concurrent callers queue in a fixed order.
	const before = calls.length >= SCM_RATE.requests ? calls[calls.length - SCM_RATE.requests] : undefined;
	const call = newCall();
	calls.push(call);
	if (calls.length > SCM_RATE.requests) calls.splice(0, calls.length - SCM_RATE.requests);

	// Neither wait can fail (`answered` only ever resolves), so no path leaves this call unreleased
	// before the caller holds its slot.
	if (before) {
		if (before.answeredAt === undefined) await before.answered;
		const wait = (before.answeredAt ?? Date.now()) + SCM_RATE.windowMs - Date.now();
		if (wait > 0) await sleep(wait);
	}
	return { release: () => call.markAnswered() };
}

function newCall(): Call {
	let resolve: () => void = () => undefined;
	const answered = new Promise<void>((done) => (resolve = done));
	const call: Call = {
		answered,
		markAnswered: () => {
			if (call.answeredAt !== undefined) return;
			call.answeredAt = Date.now();
			resolve();
		},
	};
	return call;
}
