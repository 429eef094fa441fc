import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { checkBaseUrl, rebaseApiUrl } from '../baseUrl';
import type { ResolvedBaseUrl, ScantrustCredentialData } from '../baseUrl';
import { RETRY, SCM_RATE, TIMEOUT_MS } from './constants';
import { CREDENTIAL_NAME, cancelSignal } from './context';
import type { ScantrustContext } from './context';
import { apiError, networkError } from './errors';
import { backoffMs, serverRequestedWaitMs } from './retry';

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** `/api/v2/...` (with its trailing slash), or an absolute link the API returned (`next`) */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	/** the input item this request is for, named in every error */
	itemIndex?: number;
	/** UAT permissions the operation needs, named when Scantrust answers 403 */
	permissions?: string[];
	/** endpoint-specific advice added to errors */
	hint?: string;
	/**
	 * True when sending the request again can never apply a change twice. Defaults to true for
	 * GET and HEAD only; 502/503/504 and dropped connections are retried only when it is true.
	 * 429s are always retried: a throttled request was refused before anything was applied.
	 */
	safeToRepeat?: boolean;
	/** `scm`: the SCM upload endpoints' own 10 requests/second throttle scope; such calls are paced. */
	throttleScope?: 'scm';
	timeoutMs?: number;
	/** statuses the caller handles itself: returned instead of thrown */
	acceptStatuses?: number[];
	/**
	 * For a change that is not safe to repeat: how to find out whether it was applied when the
	 * connection drops before the answer. Returns the applied result (used as the response), or
	 * undefined when the change is certainly not there, in which case the request is sent again.
	 */
	readBack?: () => Promise<IDataObject | undefined>;
}

export interface ApiResponse<T = unknown> {
	status: number;
	body: T;
	headers: IDataObject;
}

/** Raised when a request may or may not have been applied: the caller decides how to find out. */
export const OUTCOME_UNKNOWN = 'outcomeUnknown';

/** Reads and checks the credential's base URL; a bad one fails before any request is sent. */
export async function getBaseUrl(this: ScantrustContext, itemIndex = 0): Promise<ResolvedBaseUrl> {
	const credentials = (await this.getCredentials(CREDENTIAL_NAME, itemIndex)) as ScantrustCredentialData;
	const base = checkBaseUrl(credentials);
	if ('problem' in base) throw new NodeOperationError(this.getNode(), base.problem, { itemIndex });
	return base;
}

/** One Scantrust API call: auth, retries, pacing and error mapping. Returns the parsed body. */
export async function apiRequest(this: ScantrustContext, request: ApiRequest): Promise<IDataObject> {
	const response = await apiCall.call(this, request);
	return (response.body ?? {}) as IDataObject;
}

/** Like {@link apiRequest} but returns status and headers too. */
export async function apiCall<T = unknown>(
	this: ScantrustContext,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const base = await getBaseUrl.call(this, request.itemIndex);
	const url = /^https?:\/\//i.test(request.path)
		? rebaseApiUrl(base, request.path)
		: `${base.url}${request.path}`;
	const path = new URL(url).pathname;
	const safeToRepeat = request.safeToRepeat ?? (request.method === 'GET' || request.method === 'HEAD');
	const signal = cancelSignal(this);
	let waitedMs = 0;
	let readBackDone = false;

	for (let attempt = 0; ; attempt++) {
		if (request.throttleScope === 'scm') await paceScm(this, base);

		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs ?? TIMEOUT_MS.default,
			...(request.qs && Object.keys(request.qs).length ? { qs: request.qs } : {}),
			...(request.body !== undefined ? { body: request.body } : {}),
			...(signal ? { abortSignal: signal } : {}),
		};

		let response: { statusCode: number; body: unknown; headers: IDataObject };
		try {
			response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options);
		} catch (error) {
			if (signal?.aborted) throw cancelled(this, request.itemIndex);
			const code = networkCode(error);
			if (code === undefined) {
				// Not a network failure: the credential refused to attach the token, or similar.
				throw new NodeOperationError(this.getNode(), (error as Error).message, {
					itemIndex: request.itemIndex,
				});
			}
			if (safeToRepeat && attempt + 1 < RETRY.maxAttempts) {
				const wait = backoffMs(attempt);
				if (waitedMs + wait <= RETRY.maxTotalWaitMs) {
					await sleep(wait);
					waitedMs += wait;
					continue;
				}
			}
			const failure = networkError(this.getNode(), {
				method: request.method,
				path,
				origin: base.origin,
				code,
				itemIndex: request.itemIndex,
				hint: safeToRepeat
					? request.hint
					: [
							'The request was sent but no answer came back, so Scantrust may or may not have applied it; it was not sent again.',
							request.hint,
						]
							.filter(Boolean)
							.join(' '),
			});
			if (!safeToRepeat && request.readBack && !readBackDone) {
				readBackDone = true;
				const applied = await request.readBack();
				if (applied) return { status: 200, body: applied as T, headers: {} };
				continue;
			}
			if (!safeToRepeat) (failure as unknown as IDataObject)[OUTCOME_UNKNOWN] = true;
			throw failure;
		}

		const status = response.statusCode;
		const body = parseBody(response.body);
		const headers = response.headers ?? {};
		if (status < 400 || request.acceptStatuses?.includes(status)) {
			return { status, body: body as T, headers };
		}

		const retryable = status === 429 || (safeToRepeat && [502, 503, 504].includes(status));
		if (retryable) {
			const hinted = serverRequestedWaitMs(headers, body);
			const wait = hinted ?? backoffMs(attempt);
			const fits =
				attempt + 1 < RETRY.maxAttempts &&
				wait <= RETRY.maxWaitMs &&
				waitedMs + wait <= RETRY.maxTotalWaitMs;
			if (fits) {
				await sleep(wait);
				if (signal?.aborted) throw cancelled(this, request.itemIndex);
				waitedMs += wait;
				continue;
			}
			throw apiError(this.getNode(), {
				status,
				body,
				method: request.method,
				path,
				itemIndex: request.itemIndex,
				permissions: request.permissions,
				hint:
					status === 429 && wait > RETRY.maxWaitMs
						? `Scantrust asked to wait ${Math.round(wait / 1000)} s, longer than the ${RETRY.maxWaitMs / 1000} s this node waits at once. ${request.hint ?? ''}`.trim()
						: request.hint,
				waitedMs,
				retryAfterMs: hinted,
			});
		}
		throw apiError(this.getNode(), {
			status,
			body,
			method: request.method,
			path,
			itemIndex: request.itemIndex,
			permissions: request.permissions,
			hint: request.hint,
		});
	}
}

/**
 * Start times of the latest SCM calls (at most SCM_RATE.requests, oldest first) per credential,
 * shared by every execution in this process. Slots are handed out in order and never move.
 */
const scmStarts = new Map<string, number[]>();

/** Waits for a slot with fewer than SCM_RATE.requests calls started in the window before it. */
async function paceScm(context: ScantrustContext, base: ResolvedBaseUrl): Promise<void> {
	const credentialId = context.getNode().credentials?.[CREDENTIAL_NAME]?.id ?? '';
	const key = `${base.origin}|${credentialId}`;
	const starts = scmStarts.get(key) ?? [];
	const now = Date.now();
	let slot = Math.max(now, starts[starts.length - 1] ?? 0);
	if (starts.length >= SCM_RATE.requests) {
		slot = Math.max(slot, starts[starts.length - SCM_RATE.requests] + SCM_RATE.windowMs);
	}
	starts.push(slot);
	if (starts.length > SCM_RATE.requests) starts.splice(0, starts.length - SCM_RATE.requests);
	scmStarts.set(key, starts);
	if (slot > now) await sleep(slot - now);
}

function parseBody(body: unknown): unknown {
	if (typeof body === 'string') {
		const trimmed = body.trim();
		if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
			try {
				return JSON.parse(trimmed);
			} catch {
				return body;
			}
		}
	}
	if (body instanceof Buffer) return parseBody(body.toString('utf8'));
	return body;
}

const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'ECONNCLOSED',
	'UND_ERR_SOCKET',
]);

/** The network error code behind an n8n/axios error, or undefined when it is not a network failure. */
export function networkCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		const candidate = current as { code?: unknown; cause?: unknown; message?: unknown };
		if (typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) return candidate.code;
		if (typeof candidate.message === 'string') {
			if (/socket hang up/i.test(candidate.message)) return 'ECONNRESET';
			if (/timeout of \d+ms exceeded/i.test(candidate.message)) return 'ETIMEDOUT';
		}
		current = candidate.cause;
	}
	return undefined;
}

function cancelled(context: ScantrustContext, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), 'The execution was cancelled', { itemIndex });
}
