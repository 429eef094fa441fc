import type { IDataObject, IHttpRequestOptions, INode } from 'n8n-workflow';
import { NodeApiError, randomString } from 'n8n-workflow';

import { TIMEOUT_MS } from './constants';
import { cancelSignal } from './context';
import type { ScantrustContext } from './context';
import { networkError } from './errors';
import { isTimeout, networkAttempt, sendWithRetries } from './retry';
import type { Answer, Attempt } from './retry';

interface FileStoreTransfer {
	method: 'GET' | 'POST';
	url: string;
	/** request options beyond method, URL, timeout and status handling */
	options: Partial<IHttpRequestOptions>;
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
	const signal = cancelSignal(context);
	const options: IHttpRequestOptions = {
		...transfer.options,
		method: transfer.method,
		url: transfer.url,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: TIMEOUT_MS.file,
		...(signal ? { abortSignal: signal } : {}),
	};
	const send = async (): Promise<Attempt> => {
		try {
			const response = (await context.helpers.httpRequest(options)) as {
				statusCode: number;
				body: unknown;
				headers?: IDataObject;
			};
			return { status: response.statusCode, headers: response.headers ?? {}, body: response.body };
		} catch (error) {
			return networkAttempt(context, error, transfer.itemIndex);
		}
	};
	const result = await sendWithRetries(context, {
		rules: { safeToRepeat: true, canLookUp: false },
		itemIndex: transfer.itemIndex,
		send,
		failure: (attempt) =>
			'networkCode' in attempt
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

function bodyText(body: unknown): string {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
	return String(body ?? '');
}

/**
 * Downloads from a link the API handed out (export documents, work-order files). These live on
 * a file store (time-limited, pre-signed links), so the request goes without the UAT token.
 */
export async function downloadFile(
	this: ScantrustContext,
	link: string,
	itemIndex?: number,
): Promise<{ data: Buffer; contentType?: string; fileName?: string }> {
	const response = await fileStoreTransfer(this, {
		method: 'GET',
		url: link,
		options: { encoding: 'arraybuffer' },
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

/** A pre-signed POST the API handed out (code upload in file mode), and the file to send with it. */
export interface PresignedUpload {
	url: string;
	/** every form field the API issued, sent back as given */
	fields: IDataObject;
	file: Buffer;
	fileName: string;
	contentType: string;
	itemIndex?: number;
	/** what the user should know if the upload fails (e.g. which record now waits for its file) */
	hint?: string;
}

/**
 * Uploads a file to a pre-signed POST link (S3 style). The link is the authorization, so the
 * request never carries the UAT token. Every issued field goes first, in the order given, and
 * the file last: S3 ignores fields after the file part. Sending the same file to the same key
 * again just replaces it, so the upload is safe to repeat.
 */
export async function uploadToPresignedUrl(
	this: ScantrustContext,
	upload: PresignedUpload,
): Promise<{ status: number; body: string }> {
	const form = multipartForm(upload.fields, upload.file, upload.fileName, upload.contentType);
	const response = await fileStoreTransfer(this, {
		method: 'POST',
		url: upload.url,
		options: {
			// A ready Buffer with its own boundary: every n8n version sends it byte for byte, with a
			// Content-Length, which S3's POST upload requires (no chunked bodies).
			body: form.body,
			headers: { 'Content-Type': form.contentType },
			encoding: 'text',
			json: false,
		},
		itemIndex: upload.itemIndex,
		hint: upload.hint,
	});
	return { status: response.status, body: bodyText(response.body) };
}

/** multipart/form-data with the fields in order and the file part last, named `file` as S3 expects. */
function multipartForm(
	fields: IDataObject,
	file: Buffer,
	fileName: string,
	contentType: string,
): { body: Buffer; contentType: string } {
	let boundary = `----n8nScantrust${randomString(24)}`;
	while (file.includes(boundary)) boundary = `----n8nScantrust${randomString(24)}`;
	const quoted = (value: string) => value.replace(/[\r\n"]/g, '_');
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '');
		parts.push(
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${text}\r\n`, 'utf8'),
		);
	}
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(fileName)}"\r\nContent-Type: ${contentType}\r\n\r\n`,
			'utf8',
		),
		file,
		Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
	);
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
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
