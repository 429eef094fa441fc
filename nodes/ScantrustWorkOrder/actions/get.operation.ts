import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveWorkOrder, workOrderLocator, workOrderLocatorValue } from '../../shared/workOrders';
import type { LocatorValue } from '../../shared/locators';

const properties: INodeProperties[] = [{ ...workOrderLocator, description: 'The work order to get' }];

export const description = updateDisplayOptions({ show: { operation: ['get'] } }, properties);

export function validate(this: IExecuteFunctions, itemIndex: number): LocatorValue {
	return workOrderLocatorValue(this, itemIndex);
}

export async function execute(this: IExecuteFunctions, itemIndex: number, workOrder: LocatorValue): Promise<IDataObject> {
	return await resolveWorkOrder.call(this, itemIndex, workOrder);
}
