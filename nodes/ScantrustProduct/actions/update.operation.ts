import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { brandLocator, FROM_VERSION_1_1, productLocator, VERSION_1 } from '../../shared/descriptions';
import { locatorValue, resolveProductId } from '../../shared/lookups';
import { apiRequest } from '../../shared/transport';
import { invalid } from '../../shared/validate';
import { productFieldOptions, productFields } from '../helpers/fields';
import { permissionsFor } from '../../shared/permissions';
import { unwrapLocator } from '../../shared/locators';
import type { LocatorValue } from '../../shared/locators';

const properties: INodeProperties[] = [
	{ ...productLocator, description: 'The product to update' },
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Archived',
				name: 'is_archived',
				type: 'boolean',
				default: false,
				description: 'Whether the product is archived (hidden from lists)',
			},
			// From 1.1 the brand is picked from the same list as in Create; version 1 saved it as
			// text, which stays a text field there.
			{ ...brandLocator, displayOptions: { show: FROM_VERSION_1_1 } },
			{
				displayName: 'Brand ID or Reference',
				name: 'brand',
				type: 'string',
				default: '',
				displayOptions: { show: VERSION_1 },
			},
			...productFieldOptions,
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'SKU', name: 'sku', type: 'string', default: '' },
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['update'] } }, properties);

function changes(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields = context.getNodeParameter('updateFields', itemIndex, {}) as IDataObject;
	if (!Object.keys(fields).length) {
		throw new NodeOperationError(context.getNode(), `Item ${itemIndex}: add at least one field to update`, {
			itemIndex,
		});
	}
	for (const key of ['name', 'sku'] as const) {
		if (key in fields && !String(fields[key] ?? '').trim()) {
			throw invalid(context, itemIndex, key === 'sku' ? 'SKU' : 'Name', 'is empty');
		}
	}
	const brand = brandText(fields.brand);
	if (typeof fields.brand === 'object' && fields.brand !== null && !brand) {
		throw invalid(context, itemIndex, 'Brand', 'is empty: pick a brand, or remove the field to keep the current one');
	}
	const body = productFields(context, itemIndex, { ...fields, brand });
	if (typeof body.brand === 'string' && /^\d+$/.test(body.brand)) body.brand = Number(body.brand);
	return body;
}

/** The brand as text: a picked brand (version 1.1) or the text version 1 stored. */
function brandText(brand: unknown): string | undefined {
	if (brand === undefined || brand === null) return undefined;
	return unwrapLocator(brand).value;
}

interface UpdateInput {
	product: LocatorValue;
	body: IDataObject;
}

export function validate(this: IExecuteFunctions, itemIndex: number): UpdateInput {
	return { product: locatorValue(this, itemIndex, 'product', 'Product'), body: changes(this, itemIndex) };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, input: UpdateInput): Promise<IDataObject> {
	const id = await resolveProductId.call(this, itemIndex, input.product);
	return await apiRequest.call(this, {
		method: 'PATCH',
		path: `/api/v2/products/${id}/`,
		body: input.body,
		itemIndex,
		// Setting the same fields again leaves the product as it is.
		safeToRepeat: true,
		permissions: permissionsFor('Product', 'update'),
	});
}
