import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { brandLocator } from '../../shared/descriptions';
import { findProductBySku } from '../../shared/lookups';
import { apiRequest } from '../../shared/transport';
import { requiredString } from '../../shared/validate';
import { brandValue, productFieldOptions, productFields } from '../helpers/fields';
import { permissionsFor } from '../../shared/permissions';

const PERMISSIONS = permissionsFor('Product', 'create');

const properties: INodeProperties[] = [
	{
		displayName: 'SKU',
		name: 'sku',
		type: 'string',
		required: true,
		default: '',
		description: 'Unique within your company',
	},
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
	},
	{ ...brandLocator, required: true },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: productFieldOptions,
	},
];

export const description = updateDisplayOptions({ show: { operation: ['create'] } }, properties);

/** The product to create, read and checked once per item (the body that is sent). */
export function validate(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const sku = requiredString(this, itemIndex, 'sku', 'SKU');
	const name = requiredString(this, itemIndex, 'name', 'Name');
	const brand = brandValue(this, itemIndex);
	if (brand === undefined) {
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex}: "Brand" is empty`, { itemIndex });
	}
	return {
		sku,
		name,
		brand,
		...productFields(this, itemIndex, this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject),
	};
}

/** The docs ask to pre-validate that no SKU is duplicated in one upload; catch it before sending any. */
export function validateAll(this: IExecuteFunctions, itemIndexes: number[], inputs: Map<number, unknown>): void {
	const seen = new Map<string, number>();
	for (const i of itemIndexes) {
		const sku = String((inputs.get(i) as IDataObject).sku);
		const first = seen.get(sku.toLowerCase());
		if (first !== undefined) {
			throw new NodeOperationError(
				this.getNode(),
				`Item ${i}: "SKU" "${sku}" is also used by item ${first}; each product needs its own SKU`,
				{ itemIndex: i },
			);
		}
		seen.set(sku.toLowerCase(), i);
	}
}

export async function execute(this: IExecuteFunctions, itemIndex: number, body: IDataObject): Promise<IDataObject> {
	const sku = String(body.sku);
	return await apiRequest.call(this, {
		method: 'POST',
		path: '/api/v2/products/',
		body,
		itemIndex,
		permissions: PERMISSIONS,
		// If the connection drops after sending, the SKU (unique per company) tells whether it was created.
		readBack: async () => await findProductBySku.call(this, sku, itemIndex),
	});
}
