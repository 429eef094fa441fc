import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { RETRY } from './constants';
import { cancelSignal } from './context';
import type { ScantrustContext } from './context';

/**
 * The one retry policy of the transport, for the Scantrust API (`request.ts`) and the file store
 * (`files.ts`) alike: each attempt is classified, the policy decides what follows (return, wait
 * and send again, look up whether a change was applied, or give up), and `sendWithRetries` loops.
 * How a request is sent and how its body is read stay with the transport that sends it.
 */

/** An HTTP answer, whatever its status; the body as the transport read it (parsed, text, or a stream). */
export interface Answer {
	status: number;
	headers: IDataObject;
	body: unknown;
}

/** One attempt as the transport saw it: an answer, or a network failure with its code. */
export type Attempt = Answer | { networkCode: string };

/** What an attempt means for sending the request again. */
export type Verdict =
	/** 2xx, or a status the caller handles itself */
	| 'success'
	/** 429, 503, or a connection never made: refused before it was handled, nothing was applied */
	| 'refused'
	/** 500: the application failed while handling it; it may have applied part of a change */
	| 'serverError'
	/** 502, 504, a dropped connection, a timeout: the request may or may not have been handled */
	| 'noAnswer'
	/** any other answer: sending the same request again would get the same answer */
	| 'final';

/** Why the policy gave up on a request; the transport turns it into the error the user sees. */
export interface GiveUp {
	/**
	 * `final`: an answer that no retry changes. `spent`: the retry budget (attempts, waits, the
	 * second timeout, the bounded 500s) is used up. `outcomeUnknown`: a change that may or may not
	 * have been applied, not sent again. `notApplied`: a change looked up and certainly not applied.
	 */
	why: 'final' | 'spent' | 'outcomeUnknown' | 'notApplied';
	/** total time waited between attempts */
	waitedMs: number;
	/** the wait the server named (Retry-After, DRF's text), if it named one */
	serverWaitMs?: number;
	/** the server named a single wait longer than RETRY.maxWaitMs */
	tooLong?: boolean;
}

/** What follows an attempt. */
export type Decision =
	| { action: 'return' }
	| { action: 'retry'; waitMs: number }
	/** a change whose fate is unknown, with a way to find out: look it up, then decide again */
	| { action: 'lookUp' }
	| ({ action: 'throw' } & GiveUp);

/** The retry budget used by one request so far. */
export interface RetryState {
	/** attempts made, the current one included */
	attempts: number;
	waitedMs: number;
	timeouts: number;
	serverErrors: number;
}

export interface RetryRules {
	/** sending it again can never apply a change twice */
	safeToRepeat: boolean;
	/** a change of unknown fate can be looked up (see ApiRequest.readBack) */
	canLookUp: boolean;
}

/** 429 (throttled) and 503 (unavailable) are answered before the request is handled. */
const REFUSED_STATUSES = [429, 503];
/** A gateway lost or timed out on the answer: the request may or may not have been handled. */
const NO_ANSWER_STATUSES = [502, 504];
/** Failures before the request left this machine: nothing reached the server. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);
const NETWORK_CODES = new Set([
	...NOT_SENT_CODES,
	...TIMEOUT_CODES,
	'ECONNRESET',
	'EPIPE',
	'ECONNCLOSED',
	'UND_ERR_SOCKET',
]);

export function classify(attempt: Attempt, acceptStatuses: number[] = []): Verdict {
	if ('networkCode' in attempt) return NOT_SENT_CODES.has(attempt.networkCode) ? 'refused' : 'noAnswer';
	const { status } = attempt;
	if ((status >= 200 && status < 300) || acceptStatuses.includes(status)) return 'success';
	if (REFUSED_STATUSES.includes(status)) return 'refused';
	if (status === 500) return 'serverError';
	if (NO_ANSWER_STATUSES.includes(status)) return 'noAnswer';
	return 'final';
}

/**
 * The policy. Refused requests go again, any request, after the wait the server named (plus a
 * jitter in proportion to it) or a backoff. A 500, a lost answer or a timeout: a request that is
 * safe to repeat goes again (at most RETRY.serverErrorRetries times after 500s, once after a
 * timeout); a change is looked up when it can be, and otherwise reported as of unknown outcome,
 * never sent blindly again. `notApplied` is the verdict after a look-up found the change not there.
 */
export function decide(
	verdict: Verdict | 'notApplied',
	attempt: Attempt,
	state: RetryState,
	rules: RetryRules,
	random: () => number = Math.random,
): Decision {
	switch (verdict) {
		case 'success':
			return { action: 'return' };
		case 'final':
			return { action: 'throw', why: 'final', waitedMs: state.waitedMs };
		case 'refused': {
			const asked = 'networkCode' in attempt ? undefined : serverRequestedWaitMs(attempt.headers, attempt.body);
			if (asked === undefined) return retryWithin(backoffMs(state.attempts - 1, random), state);
			if (asked > RETRY.maxWaitMs) {
				return { action: 'throw', why: 'spent', waitedMs: state.waitedMs, serverWaitMs: asked, tooLong: true };
			}
			return retryWithin(jittered(asked, random), state, asked);
		}
		case 'serverError':
		case 'noAnswer':
			if (!rules.safeToRepeat) {
				return rules.canLookUp ? { action: 'lookUp' } : { action: 'throw', why: 'outcomeUnknown', waitedMs: state.waitedMs };
			}
			if (budgetSpent(state)) return { action: 'throw', why: 'spent', waitedMs: state.waitedMs };
			return retryWithin(backoffMs(state.attempts - 1, random), state);
		case 'notApplied': {
			if (budgetSpent(state)) return { action: 'throw', why: 'notApplied', waitedMs: state.waitedMs };
			const decision = retryWithin(backoffMs(state.attempts - 1, random), state);
			return decision.action === 'throw' ? { ...decision, why: 'notApplied' } : decision;
		}
	}
}

/** A server that let a request time out twice, or failed it with 500 again and again, is not coming back soon. */
function budgetSpent(state: RetryState): boolean {
	return state.timeouts >= 2 || state.serverErrors > RETRY.serverErrorRetries;
}

function retryWithin(waitMs: number, state: RetryState, serverWaitMs?: number): Decision {
	if (state.attempts >= RETRY.maxAttempts || state.waitedMs + waitMs > RETRY.maxTotalWaitMs) {
		return { action: 'throw', why: 'spent', waitedMs: state.waitedMs, serverWaitMs };
	}
	return { action: 'retry', waitMs };
}

/**
 * A wait the server named, plus a random part of it (RETRY.serverWaitJitterShare, at least
 * RETRY.serverWaitJitterMinMs, at most RETRY.serverWaitJitterMs): executions throttled together
 * would otherwise all come back in the same instant and be throttled together again, while a
 * jitter out of proportion to a short wait only wastes time. Never less than asked, which would
 * only earn another 429.
 */
function jittered(askedMs: number, random: () => number): number {
	const spreadMs = Math.min(RETRY.serverWaitJitterMs, Math.max(RETRY.serverWaitJitterMinMs, askedMs * RETRY.serverWaitJitterShare));
	return askedMs + Math.round(random() * spreadMs);
}

/** One request under the policy: how to send it once, and how to explain giving up. */
export interface RetryingRequest {
	rules: RetryRules;
	acceptStatuses?: number[];
	itemIndex?: number;
	/** one attempt; returns the answer or the network failure, throws for anything else */
	send: () => Promise<Attempt>;
	/** the error for an attempt the policy gave up on */
	failure: (attempt: Attempt, giveUp: GiveUp) => NodeApiError;
	/** for a change whose fate is unknown: the applied result, or undefined when it is not there */
	readBack?: () => Promise<IDataObject | undefined>;
}

/** The answer the policy returned, or the applied result a look-up found. */
export type RetryResult = { answer: Answer } | { found: IDataObject };

/** The loop: send, classify, decide, until the policy returns or gives up. */
export async function sendWithRetries(context: ScantrustContext, request: RetryingRequest): Promise<RetryResult> {
	const signal = cancelSignal(context);
	const state: RetryState = { attempts: 0, waitedMs: 0, timeouts: 0, serverErrors: 0 };
	const rules = { ...request.rules, canLookUp: request.rules.canLookUp && request.readBack !== undefined };
	for (;;) {
		const attempt = await request.send();
		state.attempts++;
		if ('networkCode' in attempt && TIMEOUT_CODES.has(attempt.networkCode)) state.timeouts++;
		const verdict = classify(attempt, request.acceptStatuses);
		if (verdict === 'serverError') state.serverErrors++;
		let decision = decide(verdict, attempt, state, rules);

		if (decision.action === 'lookUp') {
			let found: IDataObject | undefined;
			try {
				found = await request.readBack?.();
			} catch (error) {
				const failure = outcomeUnknown(request.failure(attempt, { why: 'outcomeUnknown', waitedMs: state.waitedMs }));
				failure.description = [failure.description, `Checking whether it was applied failed too: ${(error as Error).message}`]
					.filter(Boolean)
					.join('\n');
				throw failure;
			}
			if (found) return { found };
			decision = decide('notApplied', attempt, state, rules);
		}

		if (decision.action === 'return') return { answer: attempt as Answer };
		if (decision.action === 'throw') {
			const failure = request.failure(attempt, decision);
			throw decision.why === 'outcomeUnknown' ? outcomeUnknown(failure) : failure;
		}
		if (decision.action === 'retry') {
			await sleep(decision.waitMs);
			state.waitedMs += decision.waitMs;
			if (signal?.aborted) throw cancelled(context, request.itemIndex);
		}
	}
}

/** Set on errors of changes that may or may not have been applied (see `isOutcomeUnknown`). */
export const OUTCOME_UNKNOWN = 'outcomeUnknown';

/**
 * Marks a change whose fate is unknown. The message says so too: n8n shows only the message of
 * an error item ("On Error: Continue"), and this is what the user must know about that item.
 */
function outcomeUnknown(failure: NodeApiError): NodeApiError {
	(failure as unknown as IDataObject)[OUTCOME_UNKNOWN] = true;
	failure.message = `${failure.message}: it may or may not have been applied, and was not sent again`;
	return failure;
}

/** Whether an error is about a change that may or may not have been applied. */
export function isOutcomeUnknown(error: unknown): boolean {
	return typeof error === 'object' && error !== null && (error as IDataObject)[OUTCOME_UNKNOWN] === true;
}

/**
 * One attempt's thrown failure as an Attempt: a network failure becomes `{ networkCode }`; a
 * cancelled execution and anything that is not the network's (the credential refused to attach
 * the token, a bad option) end the request at once.
 */
export function networkAttempt(context: ScantrustContext, error: unknown, itemIndex?: number): Attempt {
	if (cancelSignal(context)?.aborted) throw cancelled(context, itemIndex);
	const code = networkCode(error);
	if (code === undefined) throw new NodeOperationError(context.getNode(), (error as Error).message, { itemIndex });
	return { networkCode: code };
}

/** Whether a network error code means the request ran out of time (no answer within its timeout). */
export function isTimeout(code: string | undefined): boolean {
	return code !== undefined && TIMEOUT_CODES.has(code);
}

/** Whether a network error code means the request never left this machine. */
export function neverSent(code: string): boolean {
	return NOT_SENT_CODES.has(code);
}

/** The network error code behind an n8n/axios error, or undefined when it is not a network failure. */
export function networkCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		const candidate = current as { code?: unknown; cause?: unknown; message?: unknown };
		if (typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) return candidate.code;
		if (typeof candidate.message === 'string') {
			if (/socket hang up/i.test(candidate.message)) return 'ECONNRESET';
			// axios, when the connection is lost after the answer's headers, in the middle of its body.
			if (/stream has been aborted/i.test(candidate.message)) return 'ECONNRESET';
			if (/timeout of \d+ms exceeded/i.test(candidate.message)) return 'ETIMEDOUT';
		}
		current = candidate.cause;
	}
	return undefined;
}

export function cancelled(context: ScantrustContext, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'The execution was cancelled', { itemIndex });
}

/**
 * How long the server asked us to wait, in ms, or undefined when it gave no hint.
 * Order of trust: the `Retry-After` header (seconds or an HTTP date), then the seconds in DRF's
 * throttle text "Request was throttled. Expected available in 7 seconds.", the one thing the
 * Scantrust docs promise.
 */
export function serverRequestedWaitMs(
	headers: IDataObject | undefined,
	body: unknown,
	now: number = Date.now(),
): number | undefined {
	const header = headerValue(headers, 'retry-after');
	if (header !== undefined) {
		const trimmed = header.trim();
		if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
		const date = Date.parse(trimmed);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	const detail = typeof body === 'object' && body !== null ? (body as IDataObject).detail : undefined;
	if (typeof detail === 'string') {
		const match = /available in (\d+(?:\.\d+)?) seconds?/i.exec(detail);
		if (match) return Math.ceil(Number(match[1]) * 1000);
	}
	return undefined;
}

/** Capped exponential backoff with full jitter, for when the server says nothing. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(RETRY.backoffCapMs, RETRY.backoffBaseMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** An answer's Content-Length, when it gives a usable one (a body read as a stream is checked against it). */
export function declaredLength(headers: IDataObject | undefined): number | undefined {
	const declared = Number(headerValue(headers, 'content-length'));
	return Number.isFinite(declared) && declared >= 0 ? declared : undefined;
}

export function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === name) {
			if (Array.isArray(value)) return String(value[0]);
			return value === undefined || value === null ? undefined : String(value);
		}
	}
	return undefined;
}
