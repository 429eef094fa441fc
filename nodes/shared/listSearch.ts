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
): Promise<INodeListSearchResult> {
	const offset = Number(paginationToken ?? 0) || 0;
	const body = await apiRequest.call(context, {
		method: 'GET',
		path,
		qs: { limit: PAGE, offset, ...(filter ? { search: filter } : {}), ...extraQs },
	});
	const results = ((body.results as IDataObject[] | undefined) ?? []).map((entry) => ({
		name: label(entry),
		value: String(entry.id),
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
