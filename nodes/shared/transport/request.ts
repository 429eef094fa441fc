import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { checkBaseUrl, rebaseApiUrl } from '../baseUrl';
import type { ResolvedBaseUrl, ScantrustCredentialData } from '../baseUrl';
import { RETRY, TIMEOUT_MS } from './constants';
import { acquireScmSlot } from './pacing';
import { CREDENTIAL_NAME, cancelSignal } from './context';
import type { ScantrustContext } from './context';
import { apiError, networkError } from './errors';
import { backoffMs, headerValue, serverRequestedWaitMs } from './retry';

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
	 * GET and HEAD only. Dropped connections, timeouts, 502 and 504 leave the outcome unknown:
	 * such a request is sent again only when this is true (otherwise see `readBack`). 429 and 503
	 * are always retried: they refuse a request before it is handled, and so are connections that
	 * were never made.
	 */
	safeToRepeat?: boolean;
	/** `scm`: the SCM upload endpoints' own 10 requests/second throttle scope; such calls are paced. */
	throttleScope?: 'scm';
	timeoutMs?: number;
	/** statuses the caller handles itself: returned instead of thrown */
	acceptStatuses?: number[];
	/**
	 * For a change that is not safe to repeat: how to find out whether it was applied when its
	 * outcome is unknown (no answer, a timeout, a 502 or 504). Returns the applied result (used as
	 * the response), or undefined when the change is certainly not there, in which case the request
	 * is sent again. Without it such a change stops with an error that says it may or may not have
	 * been applied.
	 */
	readBack?: () => Promise<IDataObject | undefined>;
	/**
	 * Hand a successful (2xx) answer's body over as the text it came as, unparsed, for a caller
	 * that reads part of it before parsing (see paginate's prefetch). Errors are parsed as usual.
	 */
	rawBody?: boolean;
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
	let url = /^https?:\/\//i.test(request.path)
		? rebaseApiUrl(base, request.path)
		: `${base.url}${request.path}`;
	const path = new URL(url).pathname;
	const safeToRepeat = request.safeToRepeat ?? (request.method === 'GET' || request.method === 'HEAD');
	const signal = cancelSignal(this);
	let qs = request.qs;
	let waitedMs = 0;
	let timeouts = 0;
	let redirects = 0;
	const timeoutMs = request.timeoutMs ?? TIMEOUT_MS.default;

	for (let attempt = 0; ; attempt++) {
		const scmSlot = request.throttleScope === 'scm' ? await acquireScmSlot(this, scmKey(this, base)) : undefined;

		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
			// Redirects are looked at here: n8n would follow them with the token, to any origin.
			disableFollowRedirect: true,
			...(qs && Object.keys(qs).length ? { qs } : {}),
			...(request.body !== undefined ? { body: request.body } : {}),
			...(signal ? { abortSignal: signal } : {}),
			...(request.rawBody ? { encoding: 'text' as const } : {}),
		};

		/** Waits before the next attempt if the retry budget allows; false when it is spent. */
		const backOff = async (wait: number): Promise<boolean> => {
			if (attempt + 1 >= RETRY.maxAttempts || wait > RETRY.maxWaitMs || waitedMs + wait > RETRY.maxTotalWaitMs) {
				return false;
			}
			await sleep(wait);
			if (signal?.aborted) throw cancelled(this, request.itemIndex);
			waitedMs += wait;
			return true;
		};

		/**
		 * The request may or may not have been applied (no answer, or a gateway error). A request
		 * that is safe to repeat is sent again; a change with a read-back is looked up and sent
		 * again only when it is certainly not there; any other change stops with an error that
		 * says so. Returns the read-back result, 'retry', or throws.
		 */
		const unknownOutcome = async (failure: NodeApiError): Promise<IDataObject | 'retry'> => {
			if (safeToRepeat) {
				if (await backOff(backoffMs(attempt))) return 'retry';
				throw failure;
			}
			if (!request.readBack) throw markUnknown(failure);
			let found: IDataObject | undefined;
			try {
				found = await request.readBack();
			} catch (error) {
				failure.description = [
					failure.description,
					`Checking whether it was applied failed too: ${(error as Error).message}`,
				]
					.filter(Boolean)
					.join('\n');
				throw markUnknown(failure);
			}
			if (found) return found;
			// Certainly not applied: sending it again is safe.
			if (await backOff(backoffMs(attempt))) return 'retry';
			throw failure;
		};

		let response: { statusCode: number; body: unknown; headers: IDataObject };
		try {
			response = await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options);
		} catch (error) {
			scmSlot?.release();
			if (signal?.aborted) throw cancelled(this, request.itemIndex);
			const code = networkCode(error);
			if (code === undefined) {
				// Not a network failure: the credential refused to attach the token, or similar.
				throw new NodeOperationError(this.getNode(), (error as Error).message, {
					itemIndex: request.itemIndex,
				});
			}
			const timedOut = isTimeout(code);
			if (timedOut) timeouts++;
			const notSent = NOT_SENT_CODES.has(code);
			const failure = networkError(this.getNode(), {
				method: request.method,
				path,
				origin: base.origin,
				code,
				itemIndex: request.itemIndex,
				timeoutMs: timedOut ? timeoutMs : undefined,
				hint: safeToRepeat || notSent
					? request.hint
					: [
							'The request was sent but no answer came back, so Scantrust may or may not have applied it; it was not sent again.',
							request.hint,
						]
							.filter(Boolean)
							.join(' '),
			});
			// A server that let a request time out twice is not coming back within this execution.
			if (timeouts >= 2) throw failure;
			if (notSent) {
				// The connection was never made: nothing reached Scantrust, any request may go again.
				if (await backOff(backoffMs(attempt))) continue;
				throw failure;
			}
			const outcome = await unknownOutcome(failure);
			if (outcome === 'retry') continue;
			return { status: 200, body: outcome as T, headers: {} };
		}

		scmSlot?.release();
		const status = response.statusCode;
		const raw = request.rawBody === true && status >= 200 && status < 300 && typeof response.body === 'string';
		const body = raw ? response.body : parseBody(response.body);
		const headers = response.headers ?? {};

		if (status >= 300 && status < 400 && !request.acceptStatuses?.includes(status)) {
			url = redirectTarget(this, base, request, url, status, headers, ++redirects);
			// The Location carries its own query (Django's slash redirect keeps ours in it).
			if (new URL(url).search) qs = undefined;
			attempt--;
			continue;
		}
		if (status < 400 || request.acceptStatuses?.includes(status)) {
			return { status, body: body as T, headers };
		}

		const failed = {
			status,
			body,
			method: request.method,
			path,
			itemIndex: request.itemIndex,
			permissions: request.permissions,
			hint: request.hint,
		};
		if (REFUSED_STATUSES.includes(status)) {
			// 429 and 503 come from in front of the application: nothing was applied, any request may go again.
			const hinted = serverRequestedWaitMs(headers, body);
			const wait = hinted ?? backoffMs(attempt);
			if (await backOff(wait)) continue;
			throw apiError(this.getNode(), {
				...failed,
				hint:
					status === 429 && wait > RETRY.maxWaitMs
						? `Scantrust asked to wait ${Math.round(wait / 1000)} s, longer than the ${RETRY.maxWaitMs / 1000} s this node waits at once. ${request.hint ?? ''}`.trim()
						: request.hint,
				waitedMs,
				retryAfterMs: hinted,
			});
		}
		if (GATEWAY_STATUSES.includes(status)) {
			const failure = apiError(this.getNode(), {
				...failed,
				hint: safeToRepeat
					? request.hint
					: [
							`A gateway answered ${status} for Scantrust, so it may or may not have applied the request; it was not sent again.`,
							request.hint,
						]
							.filter(Boolean)
							.join(' '),
			});
			const outcome = await unknownOutcome(failure);
			if (outcome === 'retry') continue;
			return { status: 200, body: outcome as T, headers: {} };
		}
		throw apiError(this.getNode(), failed);
	}
}

/**
 * Marks a change whose fate is unknown. The message says so too: n8n shows only the message of
 * an error item ("On Error: Continue"), and this is what the user must know about that item.
 */
function markUnknown(failure: NodeApiError): NodeApiError {
	(failure as unknown as IDataObject)[OUTCOME_UNKNOWN] = true;
	failure.message = `${failure.message}: it may or may not have been applied, and was not sent again`;
	return failure;
}

/**
 * 429 (throttled) and 503 (unavailable) are answered before the request is handled (DRF's
 * throttle, a load balancer with no server behind it), so even a change may be sent again.
 */
const REFUSED_STATUSES = [429, 503];
/** A gateway lost or timed out on the answer: the request may or may not have been handled. */
const GATEWAY_STATUSES = [502, 504];
/** Failures before the request left this machine: nothing reached Scantrust. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** Whether a network error code means the request ran out of time (no answer within its timeout). */
export function isTimeout(code: string | undefined): boolean {
	return code !== undefined && TIMEOUT_CODES.has(code);
}
const MAX_REDIRECTS = 5;

/**
 * Where a 3xx answer points, if it may be followed: a GET or HEAD to the configured origin, inside
 * the configured path prefix (Django's APPEND_SLASH redirect is one). Anything else is refused
 * rather than followed, so the UAT token never goes to another origin and a change is never
 * turned into a GET by a redirect.
 */
function redirectTarget(
	context: ScantrustContext,
	base: ResolvedBaseUrl,
	request: ApiRequest,
	from: string,
	status: number,
	headers: IDataObject,
	count: number,
): string {
	const location = headerValue(headers, 'location');
	let target: URL | undefined;
	try {
		target = location ? new URL(location, from) : undefined;
	} catch {
		target = undefined;
	}
	const fromPath = new URL(from).pathname;
	const where = target ? `${target.origin}${target.pathname}` : 'nowhere';
	const refuse = (why: string) =>
		new NodeOperationError(
			context.getNode(),
			`Scantrust answered ${request.method} ${fromPath} with a redirect (HTTP ${status}) to ${where}; it was not followed`,
			{ itemIndex: request.itemIndex, description: why },
		);
	if (!target) throw refuse('The redirect carried no usable Location header.');
	if (target.origin !== base.origin || !`${target.pathname}/`.startsWith(`${base.pathPrefix}/`)) {
		throw refuse(
			`The UAT token is only sent to ${base.url}, so the request was not repeated at another address. If Scantrust moved, check the credential's environment or base URL (e.g. https:// instead of http://).`,
		);
	}
	if (request.method !== 'GET' && request.method !== 'HEAD') {
		throw refuse(
			'A redirected change would arrive as a GET and not be applied, so nothing was applied. Check the path (Scantrust paths end with a slash) or the credential\'s base URL.',
		);
	}
	if (count > MAX_REDIRECTS) throw refuse(`More than ${MAX_REDIRECTS} redirects in a row.`);
	return target.toString();
}

/** SCM calls are paced per Scantrust origin and credential. */
function scmKey(context: ScantrustContext, base: ResolvedBaseUrl): string {
	return `${base.origin}|${context.getNode().credentials?.[CREDENTIAL_NAME]?.id ?? ''}`;
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
