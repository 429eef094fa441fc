import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { resolveWorkOrder, workOrderLocator, workOrderLocatorValue } from '../../shared/workOrders';
import { waitParameters, waitSettings } from '../../shared/waiting';
import type { WaitSettings } from '../../shared/waiting';
import type { LocatorValue } from '../../shared/locators';
import { isGenerated, waitUntilGenerated } from '../helpers/completion';

const properties: INodeProperties[] = [
	{ ...workOrderLocator, description: 'The work order to wait for' },
	...waitParameters('code generation'),
];

export const description = updateDisplayOptions({ show: { operation: ['waitForCompletion'] } }, properties);

interface WaitInput {
	workOrder: LocatorValue;
	wait: WaitSettings;
}

export function validate(this: IExecuteFunctions, itemIndex: number): WaitInput {
	return { workOrder: workOrderLocatorValue(this, itemIndex), wait: waitSettings(this, itemIndex) };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, input: WaitInput): Promise<IDataObject> {
	const workOrder = await resolveWorkOrder.call(this, itemIndex, input.workOrder);
	if (isGenerated(workOrder)) return workOrder;
	return await waitUntilGenerated.call(this, Number(workOrder.id), itemIndex, input.wait);
}
