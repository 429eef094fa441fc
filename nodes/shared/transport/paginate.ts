import type { IDataObject } from 'n8n-workflow';

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
}

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
	const pageSizeParam = request.pageSizeParam ?? 'limit';
	const pageSize = Math.min(request.pageSize ?? LIST_PAGE_SIZE, request.limit ?? Infinity);
	let remaining = request.limit ?? Infinity;
	let path: string | null = request.path;
	let qs: IDataObject | undefined = { ...request.qs, [pageSizeParam]: pageSize };

	while (path && remaining > 0) {
		const body = (await apiRequest.call(this, { ...request, method: 'GET', path, qs })) as PageBody;
		const results = Array.isArray(body.results) ? body.results : [];
		const page = results.length > remaining ? results.slice(0, remaining) : results;
		remaining -= page.length;
		yield page;
		// `next` already carries every query parameter; sending ours again would duplicate them.
		path = body.next ?? null;
		qs = undefined;
		if (results.length === 0) break;
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
