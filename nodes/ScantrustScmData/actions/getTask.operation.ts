import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkTaskId, getTask } from '../../shared/scmTask';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.task_id }}',
		description: 'The task_id returned by "Update Async"',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getTask'] } }, properties);

export function validate(this: IExecuteFunctions, itemIndex: number): string {
	return checkTaskId(this, itemIndex, this.getNodeParameter('taskId', itemIndex, ''));
}

/** Reports the task as it is, failed or not: reading a state is not an error. */
export async function execute(this: IExecuteFunctions, itemIndex: number, taskId: string): Promise<IDataObject> {
	return await getTask.call(this, taskId, itemIndex);
}
