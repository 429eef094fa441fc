import type { IBinaryData, IDataObject, IExecuteFunctions, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { TIMEOUT_MS } from './constants';
import { attemptController, cancelSignal } from './context';
import type { ScantrustContext } from './context';
import { networkError } from './errors';
import { multipartBody, policyMaxBytes } from './multipart';
import type { MultipartFile } from './multipart';
import { declaredLength, isTimeout, networkAttempt, sendWithRetries } from './retry';
import type { Answer, Attempt } from './retry';
import { BodyError, isStream, readableFrom, readHead, watchBody } from './streams';

/** How reading a 2xx answer's body (a stream) went: the result, or why it stopped. */
type BodyOutcome = { result: unknown } | { failure: unknown; stalled: boolean; bytes: number; expectedBytes?: number };

interface FileStoreTransfer {
	method: 'GET' | 'POST';
	url: string;
	/**
	 * Request options beyond method, URL, timeout and status handling, made anew for every attempt
	 * (a streamed body can be sent only once).
	 */
	options: () => Promise<Partial<IHttpRequestOptions>>;
	/**
	 * Reads a 2xx answer's body (asked for as a stream) within the attempt, so a body that stalls
	 * or breaks off midway is retried like a request that failed. `abort` ends the request.
	 */
	consume?: (answer: Answer, abort: () => void) => Promise<BodyOutcome>;
	itemIndex?: number;
	hint?: string;
}

/**
 * One transfer with the file store (pre-signed links: the link is the authorization), through
 * the plain `httpRequest` helper so the UAT token is never attached, under the transport's one
 * retry policy (`retry.ts`). Both transfers are safe to repeat: a download reads, and an upload
 * to the same key replaces the same file. So 429 and 503 wait as the file store asks (Retry-After),
 * 500, 502, 504 and network failures back off and go again, a second timeout ends it. Any other
 * non-2xx answer is explained as a file-store refusal.
 */
async function fileStoreTransfer(context: ScantrustContext, transfer: FileStoreTransfer): Promise<Answer> {
	const parsed = new URL(transfer.url);
	const cancel = cancelSignal(context);
	/** the last attempt's body that stopped midway, for the error when the policy gives up */
	let broken: Extract<BodyOutcome, { failure: unknown }> | undefined;
	const send = async (): Promise<Attempt> => {
		broken = undefined;
		// One controller per attempt: the execution's cancel ends it, and so does a stalled body.
		const { controller, done } = attemptController(cancel);
		try {
			const options: IHttpRequestOptions = {
				...(await transfer.options()),
				method: transfer.method,
				url: transfer.url,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: TIMEOUT_MS.file,
				abortSignal: controller.signal,
			};
			let response: { statusCode: number; body: unknown; headers?: IDataObject };
			try {
				response = (await context.helpers.httpRequest(options)) as typeof response;
			} catch (error) {
				return networkAttempt(context, error, transfer.itemIndex);
			}
			const answer: Answer = { status: response.statusCode, headers: response.headers ?? {}, body: response.body };
			if (answer.status < 200 || answer.status >= 300) {
				// A refusal's body is a short S3 XML text, also when the body was asked for as a stream.
				if (isStream(answer.body)) answer.body = await shortText(answer.body);
				return answer;
			}
			if (!transfer.consume) return answer;
			const outcome = await transfer.consume(answer, () => controller.abort());
			if ('result' in outcome) return { ...answer, body: outcome.result };
			broken = outcome;
			// A stalled body counts as a timeout (a second one ends the transfer), a body cut short as
			// a dropped connection: both are retried, downloading from the start again.
			if (outcome.stalled) return { networkCode: 'ETIMEDOUT' };
			if (outcome.failure instanceof BodyError) return { networkCode: 'ECONNRESET' };
			return networkAttempt(context, outcome.failure, transfer.itemIndex);
		} finally {
			done();
		}
	};
	const result = await sendWithRetries(context, {
		rules: { safeToRepeat: true, canLookUp: false },
		itemIndex: transfer.itemIndex,
		send,
		failure: (attempt) =>
			broken
				? bodyBrokenError(context.getNode(), transfer, parsed.pathname, broken)
				: 'networkCode' in attempt
					? networkError(context.getNode(), {
							method: transfer.method,
							path: parsed.pathname,
							origin: parsed.origin,
							code: attempt.networkCode,
							itemIndex: transfer.itemIndex,
							hint: transfer.hint,
							service: 'the file store',
							timeoutMs: isTimeout(attempt.networkCode) ? TIMEOUT_MS.file : undefined,
						})
					: fileStoreError(context.getNode(), attempt.status, bodyText(attempt.body), transfer.method, parsed.pathname, transfer),
	});
	// No read-back: the policy returns an answer or throws.
	return (result as { answer: Answer }).answer;
}

/** The start of a body (an error text): at most 64 KB read, the rest dropped with the stream. */
async function shortText(body: AsyncIterable<unknown> & { destroy(): void }): Promise<string> {
	return (await readHead(body, 64 * 1024)).toString('utf8');
}

function bodyText(body: unknown): string {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return String(body ?? '');
}

/**
 * Downloads a small file whole into memory (a code export read for its rows, Code → Get) from a
 * link the API handed out. These live on a file store (time-limited, pre-signed links), so the
 * request goes without the UAT token. Files passed on as binaries use `downloadToBinary`.
 */
export async function downloadFile(
	this: ScantrustContext,
	link: string,
	itemIndex?: number,
): Promise<{ data: Buffer; contentType?: string; fileName?: string }> {
	const response = await fileStoreTransfer(this, {
		method: 'GET',
		url: link,
		options: async () => ({ encoding: 'arraybuffer' }),
		itemIndex,
	});
	const data = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body as ArrayBuffer);
	const disposition = String(response.headers['content-disposition'] ?? '');
	const match = /filename="?([^";]+)"?/i.exec(disposition);
	return {
		data,
		contentType: response.headers['content-type'] as string | undefined,
		fileName: match?.[1],
	};
}

/**
 * Streams a file from a link the API handed out (a code export, a work order's zip) into n8n's
 * binary store, without the UAT token: the body goes to `prepareBinaryData` a piece at a time as
 * it arrives (with its Content-Length checked), so even an export of every code of a company
 * never sits in memory. A body that stops arriving for the file timeout, or ends short, is
 * downloaded again from the start under the retry policy (a second stall ends it, with an error
 * that says how far it got).
 */
export async function downloadToBinary(
	this: IExecuteFunctions,
	link: string,
	file: { fileName: string; mimeType: string; itemIndex?: number },
): Promise<{ binary: IBinaryData; bytes: number }> {
	const response = await fileStoreTransfer(this, {
		method: 'GET',
		url: link,
		options: async () => ({ encoding: 'stream' }),
		consume: async (answer, abort) => {
			const expectedBytes = declaredLength(answer.headers);
			const watched = watchBody(answer.body as AsyncIterable<unknown>, { idleMs: TIMEOUT_MS.file, expectedBytes, abort });
			let failure: unknown;
			const binary = await this.helpers
				.prepareBinaryData(readableFrom(watched.chunks), file.fileName, file.mimeType)
				.catch((error: unknown) => {
					failure = error;
					return undefined;
				});
			if (binary) return { result: { binary, bytes: watched.bytes } };
			abort();
			return { failure, stalled: watched.stalled, bytes: watched.bytes, expectedBytes };
		},
		itemIndex: file.itemIndex,
	});
	return response.body as { binary: IBinaryData; bytes: number };
}

/** A pre-signed POST the API handed out (code upload in file mode), and the file to send with it. */
export interface PresignedUpload {
	url: string;
	/** every form field the API issued, sent back as given */
	fields: IDataObject;
	/** the file, streamed from wherever it lives (n8n's binary store) */
	file: MultipartFile;
	itemIndex?: number;
	/** what the user should know if the upload fails (e.g. which record now waits for its file) */
	hint?: string;
}

/**
 * Uploads a file to a pre-signed POST link (S3 style). The link is the authorization, so the
 * request never carries the UAT token. Every issued field goes first, in the order given, and
 * the file last: S3 ignores fields after the file part. The file streams from n8n's binary store
 * into the body, whose length is known up front (S3's POST takes no chunked bodies). A file larger
 * than the link's policy allows (its `content-length-range`) is refused before a byte is sent.
 * Sending the same file to the same key again just replaces it, so the upload is safe to repeat.
 */
export async function uploadToPresignedUrl(
	this: ScantrustContext,
	upload: PresignedUpload,
): Promise<{ status: number; body: string }> {
	const allowed = policyMaxBytes(upload.fields);
	if (allowed !== undefined && upload.file.size > allowed) {
		throw new NodeApiError(
			this.getNode(),
			{ fileSize: upload.file.size, allowed },
			{
				message: `The file is larger than the upload link allows (${megabytes(upload.file.size)} MB, at most ${megabytes(allowed)} MB)`,
				description: ['Nothing was sent. Split the file into smaller files.', upload.hint].filter(Boolean).join('\n'),
				itemIndex: upload.itemIndex,
			},
		);
	}
	const form = multipartBody(upload.fields, upload.file);
	const response = await fileStoreTransfer(this, {
		method: 'POST',
		url: upload.url,
		options: async () => ({
			body: await form.open(),
			headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.length) },
			encoding: 'text',
			json: false,
		}),
		itemIndex: upload.itemIndex,
		hint: upload.hint,
	});
	return { status: response.status, body: bodyText(response.body) };
}

const megabytes = (bytes: number) => (Math.round((bytes / 1024 / 1024) * 10) / 10).toLocaleString('en-US');

/** A download whose body stopped arriving, or ended short, on the last attempt. */
function bodyBrokenError(
	node: INode,
	transfer: FileStoreTransfer,
	path: string,
	broken: Extract<BodyOutcome, { failure: unknown }>,
): NodeApiError {
	const got = `${megabytes(broken.bytes)} MB${broken.expectedBytes !== undefined ? ` of ${megabytes(broken.expectedBytes)} MB` : ''}`;
	const message = broken.stalled
		? `The file store stopped sending ${transfer.method} ${path} after ${got}: nothing arrived for ${Math.round(TIMEOUT_MS.file / 100) / 10} s`
		: `The file store broke off ${transfer.method} ${path} after ${got}`;
	const error = new NodeApiError(
		node,
		{ path, bytes: broken.bytes, ...(broken.expectedBytes !== undefined ? { expectedBytes: broken.expectedBytes } : {}) },
		{
			message,
			description: [
				'The download was tried again from the start and stopped again; no partial file was passed on. The file store may be overloaded: run the node again later.',
				transfer.hint,
			]
				.filter(Boolean)
				.join('\n'),
			itemIndex: transfer.itemIndex,
			failure: { cause: 'temporarily-unavailable' },
		},
	);
	error.message = message;
	return error;
}

/** The file store answers in S3's XML (`<Code>`, `<Message>`), not in the API's JSON, and knows nothing of UAT permissions. */
function fileStoreError(
	node: INode,
	status: number,
	text: string,
	method: 'GET' | 'POST',
	path: string,
	upload: { itemIndex?: number; hint?: string },
): NodeApiError {
	const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
	const reason = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
	const summary = [code, reason].filter(Boolean).join(': ');
	const download = method === 'GET';
	const advice =
		code === 'EntityTooLarge'
			? 'The file is larger than the file store accepts (Scantrust documents at most 100 MB); split it into smaller files.'
			: status === 403 || status === 400
				? download
					? 'The download link was refused: such links expire. Run the node again to get a fresh link.'
					: 'The upload link was refused: it is valid for 30 minutes and only with every field Scantrust issued. Run the node again to get a fresh link.'
				: 'Run the node again; if it keeps failing, contact Scantrust support with the time of the failure.';
	return new NodeApiError(
		node,
		{ httpCode: String(status), body: text.slice(0, 500) },
		{
			message: `The file store refused the ${download ? 'download' : 'upload'} (HTTP ${status}, ${method} ${path})${summary ? `: ${summary}` : ''}`,
			description: [advice, upload.hint].filter(Boolean).join('\n'),
			httpCode: String(status),
			itemIndex: upload.itemIndex,
			...(status >= 500 ? { failure: { cause: 'temporarily-unavailable' as const } } : {}),
		},
	);
}
