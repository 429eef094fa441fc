import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { apiRequest } from './transport';

const PAGE = 50;

async function searchList(
	context: ILoadOptionsFunctions,
	path: string,
	filter: string | undefined,
	paginationToken: string | undefined,
	label: (entry: IDataObject) => string,
	extraQs: IDataObject = {},
	value: (entry: IDataObject) => string = (entry) => String(entry.id),
): Promise<INodeListSearchResult> {
	const offset = Number(paginationToken ?? 0) || 0;
	const body = await apiRequest.call(context, {
		method: 'GET',
		path,
		qs: { limit: PAGE, offset, ...(filter ? { search: filter } : {}), ...extraQs },
	});
	const results = ((body.results as IDataObject[] | undefined) ?? []).map((entry) => ({
		name: label(entry),
		value: value(entry),
	}));
	// Filter here too: not every Scantrust list documents a `search` parameter.
	const needle = (filter ?? '').toLowerCase();
	const filtered = needle ? results.filter((r) => r.name.toLowerCase().includes(needle)) : results;
	return {
		results: filtered,
		paginationToken: body.next ? String(offset + PAGE) : undefined,
	};
}

export async function searchBrands(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(this, '/api/v2/brands/', filter, paginationToken, (brand) =>
		String(brand.name ?? brand.id),
	);
}

export async function searchProducts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(this, '/api/v2/products/', filter, paginationToken, (product) =>
		`${String(product.name ?? '')} (${String(product.sku ?? product.id)})`,
	);
}

export async function searchWorkOrders(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(this, '/api/v2/workorders/', filter, paginationToken, (workOrder) =>
		`${String(workOrder.reference ?? workOrder.id)} (${String(workOrder.state ?? '')})`,
	);
}

export async function searchWorkOrderTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(this, '/api/v2/workorders/templates/', filter, paginationToken, (template) =>
		String(template.name ?? template.id),
	);
}

/** Code upload templates are chosen by their key (a string Scantrust provides), not by ID. */
export async function searchIngestionTemplates(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchList(
		this,
		'/api/v2/ingestion/templates/',
		filter,
		paginationToken,
		(template) => `${String(template.name ?? template.key)} (${String(template.key)})`,
		{},
		(template) => String(template.key),
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
		'/api/v2/ingestion/',
		filter,
		paginationToken,
		(record) =>
			`${String(record.description || record.key)} (${String(record.status ?? '')}, ${String(record.created_at ?? '').slice(0, 16).replace('T', ' ')})`,
		{},
		(record) => String(record.key),
	);
}
