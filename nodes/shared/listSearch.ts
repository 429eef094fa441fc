import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { apiCall } from './transport';

const PAGE = 50;
/**
 * Server pages one lookup reads at most while a filter applied here leaves them empty, so the
 * editor never gets an empty page with "more" behind it for lists of up to 1,000 entries.
 */
const MAX_PAGES_PER_LOOKUP = 20;

interface ListSpec {
	path: string;
	label: (entry: IDataObject) => string;
	value?: (entry: IDataObject) => string;
	/**
	 * The list's `search` is documented (work orders: reference and remarks), so what the server
	 * returns for a filter is what it found, shown as it is. Elsewhere `search` is sent too, but
	 * whether it is honoured is not documented, so the entries are also filtered here.
	 */
	documentedSearch?: boolean;
	/** the locator mode to use when the server does not offer this list, e.g. `By Key` */
	otherMode: string;
	extraQs?: IDataObject;
}

/**
 * One page of a "From List" dropdown. The local filter is DRF's search rule (every word of the
 * filter appears in some field of the entry, case-insensitive) over all the entry's fields, so an
 * entry the server matched on a field the label does not show (a work order's remarks, a brand's
 * reference) is kept, and several words work as they do in the portal.
 */
async function searchList(
	context: ILoadOptionsFunctions,
	spec: ListSpec,
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	const value = spec.value ?? ((entry: IDataObject) => String(entry.id));
	const words = (filter ?? '').toLowerCase().split(/[\s,]+/).filter(Boolean);
	const filterHere = words.length > 0 && !spec.documentedSearch;
	let offset = Number(paginationToken ?? 0) || 0;
	const results: INodeListSearchItems[] = [];
	for (let pages = 0; ; pages++) {
		const answer = await apiCall.call(context, {
			method: 'GET',
			path: spec.path,
			qs: { limit: PAGE, offset, ...(filter ? { search: filter } : {}), ...spec.extraQs },
			// 404 on the first page: the server has no such list; later, the list shrank under us.
			acceptStatuses: offset === 0 ? [404] : [],
		});
		if (answer.status === 404) return notOffered(spec);
		const body = (answer.body ?? {}) as IDataObject;
		const entries = (body.results as IDataObject[] | undefined) ?? [];
		for (const entry of entries) {
			if (filterHere && !matchesEvery(entry, words)) continue;
			results.push({ name: spec.label(entry), value: value(entry) });
		}
		offset += entries.length;
		const more = Boolean(body.next) && entries.length > 0;
		if (!more) return { results };
		if (results.length || pages + 1 >= MAX_PAGES_PER_LOOKUP) return { results, paginationToken: String(offset) };
	}
}

/** DRF's SearchFilter rule: every term (split at spaces and commas) is found in at least one of the entry's fields. */
function matchesEvery(entry: IDataObject, words: string[]): boolean {
	const text = Object.values(entry)
		.filter((field) => typeof field === 'string' || typeof field === 'number')
		.map((field) => String(field).toLowerCase());
	return words.every((word) => text.some((field) => field.includes(word)));
}

/**
 * The server has no such list (404: an undocumented endpoint it does not offer). Said in the
 * list itself, with the way out, instead of an error in the dropdown.
 */
function notOffered(spec: ListSpec): INodeListSearchResult {
	return {
		results: [
			{
				name: `This Scantrust server offers no list here (GET ${spec.path} answered 404): choose "${spec.otherMode}" and type the value`,
				value: '',
			},
		],
	};
}

export async function searchBrands(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		{ path: '/api/v2/brands/', label: (brand) => String(brand.name ?? brand.id), otherMode: 'By ID or Reference' },
		filter,
		paginationToken,
	);
}

export async function searchProducts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		{
			path: '/api/v2/products/',
			label: (product) => `${String(product.name ?? '')} (${String(product.sku ?? product.id)})`,
			otherMode: 'By ID',
		},
		filter,
		paginationToken,
	);
}

export async function searchWorkOrders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		{
			path: '/api/v2/workorders/',
			label: (workOrder) => `${String(workOrder.reference ?? workOrder.id)} (${String(workOrder.state ?? '')})`,
			documentedSearch: true,
			otherMode: 'By ID',
		},
		filter,
		paginationToken,
	);
}

export async function searchWorkOrderTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		{ path: '/api/v2/workorders/templates/', label: (template) => String(template.name ?? template.id), otherMode: 'By ID' },
		filter,
		paginationToken,
	);
}

/**
 * Code upload templates are chosen by their key (a string Scantrust provides), not by ID. Their
 * list endpoint is not in the documentation (seen in client code only): a server may not offer it.
 */
export async function searchIngestionTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		{
			path: '/api/v2/ingestion/templates/',
			label: (template) => `${String(template.name ?? template.key)} (${String(template.key)})`,
			value: (template) => String(template.key),
			otherMode: 'By Key',
		},
		filter,
		paginationToken,
	);
}

/** Recent code upload records, newest first, chosen by their key. */
export async function searchIngestionRecords(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		{
			path: '/api/v2/ingestion/',
			label: (record) =>
				`${String(record.description || record.key)} (${String(record.status ?? '')}, ${String(record.created_at ?? '').slice(0, 16).replace('T', ' ')})`,
			value: (record) => String(record.key),
			otherMode: 'By Key',
		},
		filter,
		paginationToken,
	);
}
