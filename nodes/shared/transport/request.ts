import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions, NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkBaseUrl, rebaseApiUrl } from '../baseUrl';
import type { ResolvedBaseUrl, ScantrustCredentialData } from '../baseUrl';
import { RETRY, TIMEOUT_MS } from './constants';
import { acquireScmSlot } from './pacing';
import { attemptController, CREDENTIAL_NAME, cancelSignal } from './context';
import type { ScantrustContext } from './context';
import { apiError, networkError } from './errors';
import { declaredLength, headerValue, isTimeout, networkAttempt, networkCode, neverSent, sendWithRetries } from './retry';
import { isStream, readHead, UnreadableBodyError, watchBody } from './streams';
import type { Attempt, GiveUp } from './retry';

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
	 * GET and HEAD only; a GET that starts a job (the code export) says false. A 500, a dropped
	 * connection, a timeout, 502 or 504 may leave a change applied or not: such a request is sent
	 * again only when this is true (otherwise see `readBack`). 429 and 503 are always retried: they
	 * refuse a request before it is handled, and so are connections that were never made. The
	 * rules are the retry policy's, in `retry.ts`.
	 */
	safeToRepeat?: boolean;
	/** `scm`: the SCM upload endpoints' own 10 requests/second throttle scope; such calls are paced. */
	throttleScope?: 'scm';
	timeoutMs?: number;
	/** statuses the caller handles itself: returned instead of thrown */
	acceptStatuses?: number[];
	/**
	 * For a change that is not safe to repeat: how to find out whether it was applied when its
	 * outcome is unknown (no answer, a timeout, a 500, 502 or 504). Returns the applied result (used as
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
	/**
	 * Read a successful (2xx) answer's body as it streams in instead of having it parsed whole
	 * (the scan export written to a file: no page is ever held as text or as parsed records). Called
	 * once per attempt with that attempt's chunks; what it returns becomes the answer's body. A body
	 * that stalls for the request's timeout or breaks off is retried like a failed request, so this
	 * must undo whatever it kept of a failed attempt before it throws. It throws UnreadableBodyError
	 * for a body that arrived but cannot be read (not retried; it goes through to the caller).
	 */
	readBody?: (chunks: AsyncIterable<Buffer>) => Promise<unknown>;
}

export interface ApiResponse<T = unknown> {
	status: number;
	body: T;
	headers: IDataObject;
}

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
	const url = /^https?:\/\//i.test(request.path) ? rebaseApiUrl(base, request.path) : `${base.url}${request.path}`;
	const call: Call = {
		context: this,
		base,
		request,
		url,
		path: new URL(url).pathname,
		safeToRepeat: request.safeToRepeat ?? (request.method === 'GET' || request.method === 'HEAD'),
		timeoutMs: request.timeoutMs ?? TIMEOUT_MS.default,
	};
	const result = await sendWithRetries(this, {
		rules: { safeToRepeat: call.safeToRepeat, canLookUp: request.readBack !== undefined },
		acceptStatuses: request.acceptStatuses,
		itemIndex: request.itemIndex,
		readBack: request.readBack,
		send: async () => await sendOnce(call),
		failure: (attempt, giveUp) => callFailure(call, attempt, giveUp),
	});
	if ('found' in result) return { status: 200, body: result.found as T, headers: {} };
	const { status, body, headers } = result.answer;
	return { status, body: body as T, headers };
}

/** One API call's fixed facts, shared by its attempts. */
interface Call {
	context: ScantrustContext;
	base: ResolvedBaseUrl;
	request: ApiRequest;
	url: string;
	path: string;
	safeToRepeat: boolean;
	timeoutMs: number;
}

/**
 * One attempt: the request, and the redirects it may follow (they are part of the attempt, not
 * retries). Returns the answer with its body parsed, or the network failure.
 */
async function sendOnce(call: Call): Promise<Attempt> {
	const { context, base, request } = call;
	const signal = cancelSignal(context);
	let url = call.url;
	let qs = request.qs;
	for (let redirects = 0; ; redirects++) {
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: call.timeoutMs,
			// Redirects are looked at here: n8n would follow them with the token, to any origin.
			disableFollowRedirect: true,
			...(qs && Object.keys(qs).length ? { qs } : {}),
			...(request.body !== undefined ? { body: request.body } : {}),
			...(signal ? { abortSignal: signal } : {}),
			...(request.rawBody ? { encoding: 'text' as const } : {}),
		};
		// A body read as a stream has its own controller, so that a stalled body can be ended.
		const streamed = request.readBody ? attemptController(signal) : undefined;
		if (streamed) {
			options.encoding = 'stream';
			options.abortSignal = streamed.controller.signal;
		}
		let response: { statusCode: number; body: unknown; headers?: IDataObject };
		const scmSlot = request.throttleScope === 'scm' ? await acquireScmSlot(context, scmKey(context, base)) : undefined;
		try {
			response = await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_NAME, options);
		} catch (error) {
			streamed?.done();
			return networkAttempt(context, error, request.itemIndex);
		} finally {
			scmSlot?.release();
		}
		const status = response.statusCode;
		const headers = response.headers ?? {};
		if (streamed) {
			try {
				if (status >= 200 && status < 300 && request.readBody) {
					return await readStreamedBody(context, call, response, streamed.controller, request.readBody);
				}
				// Anything else (a redirect, an error) is small: read whole, as without a stream.
				if (isStream(response.body)) response.body = await readHead(response.body, MAX_ERROR_BODY_BYTES);
			} finally {
				streamed.done();
			}
		}
		if (status >= 300 && status < 400 && !request.acceptStatuses?.includes(status)) {
			url = redirectTarget(context, base, request, url, status, headers, redirects + 1);
			// The Location carries its own query (Django's slash redirect keeps ours in it).
			if (new URL(url).search) qs = undefined;
			continue;
		}
		const raw = request.rawBody === true && status >= 200 && status < 300 && typeof response.body === 'string';
		return { status, headers, body: raw ? response.body : parseBody(response.body) };
	}
}

/** The error for an attempt the retry policy gave up on: what happened, and what it means for a change. */
function callFailure(call: Call, attempt: Attempt, giveUp: GiveUp): NodeApiError {
	const { request } = call;
	const node = call.context.getNode();
	const unknown = giveUp.why === 'outcomeUnknown';
	const notApplied = giveUp.why === 'notApplied' ? NOT_APPLIED : undefined;
	if ('networkCode' in attempt) {
		const code = attempt.networkCode;
		const mayHaveApplied = unknown || (!call.safeToRepeat && !neverSent(code) && !notApplied);
		return networkError(node, {
			method: request.method,
			path: call.path,
			origin: call.base.origin,
			code,
			itemIndex: request.itemIndex,
			timeoutMs: isTimeout(code) ? call.timeoutMs : undefined,
			hint: joinLines(
				mayHaveApplied
					? 'The request was sent but no answer came back, so Scantrust may or may not have applied it; it was not sent again.'
					: undefined,
				notApplied,
				request.hint,
			),
		});
	}
	const { status } = attempt;
	const why =
		status === 429 && giveUp.tooLong && giveUp.serverWaitMs !== undefined
			? `Scantrust asked to wait ${Math.round(giveUp.serverWaitMs / 1000)} s, longer than the ${RETRY.maxWaitMs / 1000} s this node waits at once.`
			: unknown && status === 500
				? 'Scantrust failed while handling the request (HTTP 500), so it may or may not have applied it; it was not sent again.'
				: unknown
					? `A gateway answered ${status} for Scantrust, so it may or may not have applied the request; it was not sent again.`
					: notApplied;
	return apiError(node, {
		status,
		body: attempt.body,
		method: request.method,
		path: call.path,
		itemIndex: request.itemIndex,
		permissions: request.permissions,
		hint: joinLines(why, request.hint),
		waitedMs: giveUp.waitedMs,
		retryAfterMs: giveUp.serverWaitMs,
	});
}

const NOT_APPLIED = 'It was looked up after its answer was lost and is not in Scantrust: nothing was applied.';

function joinLines(...lines: Array<string | undefined>): string | undefined {
	const text = lines.filter(Boolean).join(' ');
	return text || undefined;
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

/** At most this much of a non-2xx answer is read when the body came as a stream (an error text). */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/**
 * A 2xx body handed to the caller's reader as it streams in, watched: nothing arriving for the
 * request's timeout ends it as a timeout, a body shorter than its Content-Length or a dropped
 * connection as a network failure, both retried by the policy (the reader undoes its part).
 */
async function readStreamedBody(
	context: ScantrustContext,
	call: Call,
	response: { statusCode: number; body: unknown; headers?: IDataObject },
	controller: AbortController,
	readBody: (chunks: AsyncIterable<Buffer>) => Promise<unknown>,
): Promise<Attempt> {
	const headers = response.headers ?? {};
	if (!isStream(response.body)) {
		// Not a stream after all (a test double): the body as one chunk.
		const whole = Buffer.isBuffer(response.body) ? response.body : Buffer.from(String(response.body ?? ''), 'utf8');
		return { status: response.statusCode, headers, body: await readBody(oneChunk(whole)) };
	}
	const watched = watchBody(response.body, {
		idleMs: call.timeoutMs,
		expectedBytes: declaredLength(headers),
		abort: () => controller.abort(),
	});
	let failure: unknown;
	const body = await readBody(watched.chunks).catch((error: unknown) => {
		failure = error ?? new Error('the body could not be read');
		return undefined;
	});
	if (failure === undefined) return { status: response.statusCode, headers, body };
	controller.abort();
	// The reader's own verdict on what arrived: not a connection problem, not retried.
	if (failure instanceof UnreadableBodyError) throw failure;
	if (cancelSignal(context)?.aborted) return networkAttempt(context, failure, call.request.itemIndex);
	if (watched.stalled) return { networkCode: 'ETIMEDOUT' };
	// Cut short (BodyError), or the connection failed midway: the page is read again.
	return { networkCode: networkCode(failure) ?? 'ECONNRESET' };
}

async function* oneChunk(buffer: Buffer): AsyncGenerator<Buffer> {
	yield buffer;
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
