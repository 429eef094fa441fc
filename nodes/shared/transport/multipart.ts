import type { IDataObject } from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { exactly, readableFrom } from './streams';
import type { Readable } from './streams';

/** A file to send in a multipart body, read from wherever it lives (n8n's binary store). */
export interface MultipartFile {
	/** exact size in bytes: it makes the body's Content-Length */
	size: number;
	fileName: string;
	contentType: string;
	/** the file's bytes from the start; called again for every attempt */
	open(): Promise<AsyncIterable<unknown>>;
}

export interface MultipartBody {
	contentType: string;
	/** the whole body's length, known before a byte is sent (S3's POST takes no chunked bodies) */
	length: number;
	/** a fresh stream of the body: the fields, the file as it is read, the closing boundary */
	open(): Promise<Readable>;
}

/**
 * multipart/form-data with the fields in the order given and the file part last, named `file` as
 * S3 expects (S3 ignores fields after the file). Only the fields and the framing are built in
 * memory; the file streams through. The boundary is 32 random letters and digits (about 190
 * bits): it cannot be checked against a file that has not been read yet, and a file holding it
 * by chance is not a real risk.
 */
export function multipartBody(fields: IDataObject, file: MultipartFile): MultipartBody {
	const boundary = `----n8nScantrust${randomString(32)}`;
	const quoted = (value: string) => value.replace(/[\r\n"]/g, '_');
	let head = '';
	for (const [name, value] of Object.entries(fields)) {
		const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? '');
		head += `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${text}\r\n`;
	}
	head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
	const headBytes = Buffer.from(head, 'utf8');
	const tailBytes = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	async function* parts(source: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
		yield headBytes;
		yield* exactly(source, file.size);
		yield tailBytes;
	}
	return {
		contentType: `multipart/form-data; boundary=${boundary}`,
		length: headBytes.length + file.size + tailBytes.length,
		open: async () => readableFrom(parts(await file.open())),
	};
}

/**
 * The largest file an S3 POST policy lets through: its `content-length-range` condition, when
 * the issued `policy` field can be read (base64 JSON). Scantrust does not document the policy,
 * so an unreadable one means "not known here" and the file store decides.
 */
export function policyMaxBytes(fields: IDataObject): number | undefined {
	const encoded = Object.entries(fields).find(([name]) => name.toLowerCase() === 'policy')?.[1];
	if (typeof encoded !== 'string') return undefined;
	try {
		const policy = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as { conditions?: unknown };
		if (!Array.isArray(policy.conditions)) return undefined;
		for (const condition of policy.conditions) {
			if (Array.isArray(condition) && String(condition[0]).toLowerCase() === 'content-length-range') {
				const max = Number(condition[2]);
				return Number.isFinite(max) && max >= 0 ? max : undefined;
			}
		}
	} catch {
		return undefined;
	}
	return undefined;
}
