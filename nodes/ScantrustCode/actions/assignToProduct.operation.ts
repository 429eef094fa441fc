import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { productLocator } from '../../shared/descriptions';
import { findProductBySku, locatorValue } from '../../shared/lookups';
import { asNodeError, errorItem } from '../../shared/router';
import { invalid } from '../../shared/validate';
import { codeUpdateDescription, updateCodes, validateCodeUpdate } from '../helpers/codeUpdate';
import type { CodeTarget } from '../helpers/codeUpdate';
import type { LocatorValue } from '../../shared/locators';

export const description = codeUpdateDescription('assignToProduct', [
	{
		...productLocator,
		description:
			'The product the code moves to. A product in another campaign moves the code to that campaign and its rules.',
	},
], [], { sets: true });

interface AssignInput {
	target: CodeTarget;
	product: LocatorValue;
}

export function validate(this: IExecuteFunctions, itemIndex: number): AssignInput {
	return { target: validateCodeUpdate(this, itemIndex), product: locatorValue(this, itemIndex, 'product', 'Product') };
}

/**
 * The special SCM field `product` takes a product ID or an SKU (scantrust-api.md §2.4). An SKU made
 * only of digits could be taken for an ID, so such SKUs are looked up once and sent as the ID.
 */
async function productValue(
	this: IExecuteFunctions,
	itemIndex: number,
	{ mode, value }: LocatorValue,
	idsBySku: Map<string, string>,
): Promise<string> {
	if (mode !== 'sku' || !/^\d+$/.test(value)) return value;
	if (!idsBySku.has(value)) {
		const product = await findProductBySku.call(this, value, itemIndex);
		if (!product) throw invalid(this, itemIndex, 'Product', `has no match: no product with SKU "${value}"`);
		idsBySku.set(value, String(product.id));
	}
	return idsBySku.get(value) as string;
}

export async function executeBatch(
	this: IExecuteFunctions,
	itemIndexes: number[],
	inputs: AssignInput[],
): Promise<INodeExecutionData[]> {
	const idsBySku = new Map<string, string>();
	const products = new Map<number, string>();
	const failed: INodeExecutionData[] = [];
	for (const [position, itemIndex] of itemIndexes.entries()) {
		let problem;
		try {
			products.set(itemIndex, await productValue.call(this, itemIndex, inputs[position].product, idsBySku));
		} catch (error) {
			problem = asNodeError(this, error, itemIndex);
		}
		if (problem && !this.continueOnFail()) throw problem;
		if (problem) failed.push(errorItem(this, problem, itemIndex));
	}
	const resolved = itemIndexes.filter((itemIndex) => products.has(itemIndex));
	const changes = itemIndexes
		.map((itemIndex, position) => ({ target: inputs[position].target, data: { product: products.get(itemIndex) as string } }))
		.filter((_change, position) => products.has(itemIndexes[position]));
	const updated = resolved.length ? await updateCodes.call(this, resolved, changes, 'assigned') : [];
	return [...updated, ...failed];
}
