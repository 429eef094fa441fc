import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { productLocator } from '../../shared/descriptions';
import { locatorValue, resolveProductId } from '../../shared/lookups';
import type { LocatorValue } from '../../shared/locators';
import { apiCall } from '../../shared/transport';
import { permissionsFor } from '../../shared/permissions';

const properties: INodeProperties[] = [{ ...productLocator, description: 'The product to delete' }];

export const description = updateDisplayOptions({ show: { operation: ['delete'] } }, properties);

export function validate(this: IExecuteFunctions, itemIndex: number): LocatorValue {
	return locatorValue(this, itemIndex, 'product', 'Product');
}

export async function execute(this: IExecuteFunctions, itemIndex: number, product: LocatorValue): Promise<IDataObject> {
	const id = await resolveProductId.call(this, itemIndex, product);
	await apiCall.call(this, {
		method: 'DELETE',
		path: `/api/v2/products/${id}/`,
		itemIndex,
		permissions: permissionsFor('Product', 'delete'),
		// If the answer is lost, the product's absence tells whether it was deleted.
		readBack: async () => {
			const found = await apiCall.call(this, {
				method: 'GET',
				path: `/api/v2/products/${id}/`,
				itemIndex,
				permissions: ['product_view'],
				acceptStatuses: [404],
			});
			return found.status === 404 ? { id, deleted: true } : undefined;
		},
	});
	return { id, deleted: true };
}
