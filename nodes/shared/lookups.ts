import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { apiRequest } from './transport';
import type { ScantrustContext } from './transport';
import { invalid } from './validate';
import { permissionsFor } from './permissions';
import { readLocator } from './locators';
import type { LocatorValue } from './locators';

export const PRODUCT_VIEW = permissionsFor('Product', 'get');

/** Finds a product by its exact SKU (unique within the company), as the API documents with `sku__exact`. */
export async function findProductBySku(
	this: ScantrustContext,
	sku: string,
	itemIndex: number,
): Promise<IDataObject | undefined> {
	const body = await apiRequest.call(this, {
		method: 'GET',
		path: '/api/v2/products/',
		qs: { sku__exact: sku, limit: 1 },
		itemIndex,
		permissions: PRODUCT_VIEW,
	});
	const results = (body.results as IDataObject[] | undefined) ?? [];
	// Archived products are hidden by default; an SKU stays taken while archived.
	if (results.length) return results[0];
	const archived = await apiRequest.call(this, {
		method: 'GET',
		path: '/api/v2/products/',
		qs: { sku__exact: sku, is_archived: 1, limit: 1 },
		itemIndex,
		permissions: PRODUCT_VIEW,
	});
	return ((archived.results as IDataObject[] | undefined) ?? [])[0];
}

/** The locator's raw value and mode, checked for emptiness. */
export function locatorValue(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
): LocatorValue {
	return checkLocator(context, itemIndex, readLocator(context, itemIndex, name), name, label);
}

/** {@link locatorValue}'s checks, on a locator already read. */
export function checkLocator(
	context: IExecuteFunctions,
	itemIndex: number,
	{ mode, value }: LocatorValue,
	name: string,
	label: string,
): LocatorValue {
	if (!value) throw invalid(context, itemIndex, label, 'is empty');
	if (mode !== 'sku' && mode !== 'list' && !/^\d+$/.test(value) && name === 'product') {
		throw invalid(context, itemIndex, label, `must be a numeric product ID (got "${value}")`);
	}
	return { mode, value };
}

/** Resolves a product locator already read with {@link locatorValue} (list, ID or SKU) to the product's numeric ID. */
export async function resolveProductId(
	this: IExecuteFunctions,
	itemIndex: number,
	{ mode, value }: LocatorValue,
): Promise<number> {
	if (mode !== 'sku') return Number(value);
	const product = await findProductBySku.call(this, value, itemIndex);
	if (!product) throw invalid(this, itemIndex, 'Product', `has no match: no product with SKU "${value}"`);
	return Number(product.id);
}
