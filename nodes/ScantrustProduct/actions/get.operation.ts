import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { productLocator } from '../../shared/descriptions';
import { locatorValue, resolveProductId } from '../../shared/lookups';
import type { LocatorValue } from '../../shared/locators';
import { apiRequest } from '../../shared/transport';
import { permissionsFor } from '../../shared/permissions';

const properties: INodeProperties[] = [{ ...productLocator, description: 'The product to get' }];

export const description = updateDisplayOptions({ show: { operation: ['get'] } }, properties);

export function validate(this: IExecuteFunctions, itemIndex: number): LocatorValue {
	return locatorValue(this, itemIndex, 'product', 'Product');
}

export async function execute(this: IExecuteFunctions, itemIndex: number, product: LocatorValue): Promise<IDataObject> {
	const id = await resolveProductId.call(this, itemIndex, product);
	return await apiRequest.call(this, {
		method: 'GET',
		path: `/api/v2/products/${id}/`,
		itemIndex,
		permissions: permissionsFor('Product', 'get'),
	});
}
