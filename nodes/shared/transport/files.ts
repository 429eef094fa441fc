import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { RETRY, TIMEOUT_MS } from './constants';
import { cancelSignal } from './context';
import type { ScantrustContext } from './context';
import { apiError, networkError } from './errors';
import { networkCode } from './request';
import { backoffMs } from './retry';

/**
 * Downloads from a link the API handed out (export documents, work-order files). These live on
 * a file store (time-limited, pre-signed links), so the request goes without the UAT token.
 */
export async function downloadFile(
	this: ScantrustContext,
	link: string,
	itemIndex?: number,
): Promise<{ data: Buffer; contentType?: string; fileName?: string }> {
	const parsed = new URL(link);
	const path = parsed.pathname;
	const signal = cancelSignal(this);
	for (let attempt = 0; ; attempt++) {
		const options: IHttpRequestOptions = {
			method: 'GET',
			url: link,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: TIMEOUT_MS.file,
			...(signal ? { abortSignal: signal } : {}),
		};
		let response: { statusCode: number; body: unknown; headers: IDataObject };
		try {
			response = await this.helpers.httpRequest(options);
		} catch (error) {
			const code = networkCode(error);
			if (code && attempt + 1 < RETRY.maxAttempts && !signal?.aborted) {
				await sleep(backoffMs(attempt));
				continue;
			}
			throw networkError(this.getNode(), { method: 'GET', path, origin: parsed.origin, code, itemIndex });
		}
		const status = response.statusCode;
		if (status >= 200 && status < 300) {
			const data = Buffer.isBuffer(response.body)
				? response.body
				: Buffer.from(response.body as ArrayBuffer);
			const disposition = String(response.headers['content-disposition'] ?? '');
			const match = /filename="?([^";]+)"?/i.exec(disposition);
			return {
				data,
				contentType: response.headers['content-type'] as string | undefined,
				fileName: match?.[1],
			};
		}
		if ([429, 500, 502, 503, 504].includes(status) && attempt + 1 < RETRY.maxAttempts) {
			await sleep(backoffMs(attempt));
			continue;
		}
		throw apiError(this.getNode(), {
			status,
			body: Buffer.isBuffer(response.body) ? response.body.toString('utf8').slice(0, 500) : response.body,
			method: 'GET',
			path,
			itemIndex,
			hint: 'Download links expire; run the node again to get a fresh link.',
		});
	}
}
