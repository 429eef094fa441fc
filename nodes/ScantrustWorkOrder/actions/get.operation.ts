import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveWorkOrder, workOrderLocator, workOrderLocatorValue } from '../../shared/workOrders';

const properties: INodeProperties[] = [{ ...workOrderLocator, description: 'The work order to get' }];

export const description = updateDisplayOptions({ show: { operation: ['get'] } }, properties);

export function validate(this: IExecuteFunctions, itemIndex: number): void {
	workOrderLocatorValue(this, itemIndex);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return await resolveWorkOrder.call(this, itemIndex);
}
