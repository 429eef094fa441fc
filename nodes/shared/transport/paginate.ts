import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { LIST_PAGE_SIZE } from './constants';
import type { ScantrustContext } from './context';
import { apiRequest } from './request';
import type { ApiRequest } from './request';

export interface PageRequest extends Omit<ApiRequest, 'method' | 'body'> {
	/** stop once this many items were collected; undefined = all */
	limit?: number;
	/** query parameter that sets the page size (`limit` for DRF lists) */
	pageSizeParam?: string;
	pageSize?: number;
	/**
	 * Ask for the next page as soon as the current one has arrived, while it is parsed and handed
	 * over, instead of after. Never more than one request in flight, the same requests in the same
	 * order; only what the client does per page overlaps with the server's time. For long reads
	 * that go to the end (a consumer that stops early leaves one page fetched for nothing).
	 */
	prefetch?: boolean;
	/**
	 * For offset lists (`limit`/`offset`): the field that identifies a record (`id`, `key`). A
	 * record inserted or removed while the pages are read shifts the offsets, so a record can come
	 * twice; later copies are dropped (and do not count against the limit). A record can still be
	 * missed that way: offsets cannot tell.
	 */
	uniqueBy?: string;
}

/**
 * How long a prefetched request gets to reach the network before the current page is parsed
 * (parsing blocks the event loop, about 15 ms per 1,000 scans): n8n opens a connection per
 * request, which takes several event-loop turns. Measured with the bench: 3 ms was too short
 * (the request still left after the parse), 10 ms got it out first in most pages. The wait
 * overlaps with the server's time for the next page, so it costs nothing while that is longer.
 */
const PREFETCH_HEAD_START_MS = 15;

interface PageBody {
	next?: string | null;
	results?: IDataObject[];
}

/**
 * Pages through a Scantrust list, for both documented styles: limit/offset (`count`, `next`,
 * `results`) and the scan export's cursor mode (`next` only). Each `next` link is followed as
 * given, but on the configured base URL (see rebaseApiUrl). The page size of the first request
 * is trimmed to the limit so "Limit 5" costs one small request. Stop early by breaking the loop.
 */
export async function* paginate(
	this: ScantrustContext,
	request: PageRequest,
): AsyncGenerator<IDataObject[], void, undefined> {
	const { prefetch, limit, pageSizeParam: sizeParam, pageSize: size, uniqueBy, ...call } = request;
	const seen = uniqueBy ? new Set<unknown>() : undefined;
	const pageSizeParam = sizeParam ?? 'limit';
	const pageSize = Math.min(size ?? LIST_PAGE_SIZE, limit ?? Infinity);
	let remaining = limit ?? Infinity;
	const fetchPage = (path: string, qs?: IDataObject): Promise<unknown> =>
		apiRequest.call(this, { ...call, method: 'GET', path, qs, rawBody: prefetch === true });

	let pending: Promise<unknown> | undefined = fetchPage(request.path, { ...request.qs, [pageSizeParam]: pageSize });
	while (pending && remaining > 0) {
		const answer: unknown = await pending;
		pending = undefined;
		// The next page is asked for before this one is parsed, when the answer starts with its
		// `next` link (DRF writes it first) and a full page would not reach the limit. Checked
		// against the parsed `next` below; a mismatch only costs the prefetch.
		const ahead: string | undefined = typeof answer === 'string' && remaining > pageSize ? leadingNext(answer) : undefined;
		const prefetched = ahead ? fetchPage(ahead) : undefined;
		if (prefetched) {
			// Not awaited when the consumer stops early: its failure must not go unhandled.
			prefetched.catch(() => undefined);
			// Parsing blocks for a while (about 15 ms per 1,000 scans): let the request leave first.
			await sleep(PREFETCH_HEAD_START_MS);
		}

		const body = (typeof answer === 'string' ? parseJson(answer) : answer) as PageBody;
		const results = Array.isArray(body.results) ? body.results : [];
		const fresh = seen && uniqueBy ? firstCopies(results, uniqueBy, seen) : results;
		const page = fresh.length > remaining ? fresh.slice(0, remaining) : fresh;
		remaining -= page.length;
		yield page;
		if (results.length === 0) break;
		// `next` already carries every query parameter; sending ours again would duplicate them.
		const next = body.next ?? null;
		if (next && remaining > 0) pending = next === ahead && prefetched ? prefetched : fetchPage(next);
	}
}

/** The records of a page not seen before (by `field`); records without it are all kept. */
function firstCopies(results: IDataObject[], field: string, seen: Set<unknown>): IDataObject[] {
	const fresh: IDataObject[] = [];
	for (const record of results) {
		const key = record?.[field];
		if (key !== undefined && key !== null) {
			if (seen.has(key)) continue;
			seen.add(key);
		}
		fresh.push(record);
	}
	return fresh;
}

/** The `next` link at the very start of a JSON answer, without parsing the rest of it. */
function leadingNext(text: string): string | undefined {
	const match = /^\s*\{\s*"next"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text.slice(0, 4096));
	if (!match) return undefined;
	try {
		const next = JSON.parse(match[1]) as unknown;
		return typeof next === 'string' && next ? next : undefined;
	} catch {
		return undefined;
	}
}

/** A page body given as text; anything that is not a JSON object reads as an empty page. */
function parseJson(text: string): PageBody {
	try {
		const parsed = JSON.parse(text) as unknown;
		return parsed && typeof parsed === 'object' ? (parsed as PageBody) : {};
	} catch {
		return {};
	}
}

/** Collects a list into one array, stopping at the limit. */
export async function getAll(this: ScantrustContext, request: PageRequest): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	for await (const page of paginate.call(this, request)) {
		for (const item of page) items.push(item);
	}
	return items;
}
