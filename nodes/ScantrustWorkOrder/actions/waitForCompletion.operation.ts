import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveWorkOrder, workOrderLocator, workOrderLocatorValue } from '../../shared/workOrders';
import { waitParameters, waitSettings } from '../../shared/waiting';
import { isGenerated, waitUntilGenerated } from '../helpers/completion';

const properties: INodeProperties[] = [
	{ ...workOrderLocator, description: 'The work order to wait for' },
	...waitParameters('code generation'),
];

export const description = updateDisplayOptions({ show: { operation: ['waitForCompletion'] } }, properties);

export function validate(this: IExecuteFunctions, itemIndex: number): void {
	workOrderLocatorValue(this, itemIndex);
	waitSettings(this, itemIndex);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const workOrder = await resolveWorkOrder.call(this, itemIndex);
	if (isGenerated(workOrder)) return workOrder;
	return await waitUntilGenerated.call(this, Number(workOrder.id), itemIndex, waitSettings(this, itemIndex));
}
