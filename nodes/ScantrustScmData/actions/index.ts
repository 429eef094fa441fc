import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/router';
import * as getTask from './getTask.operation';
import * as update from './update.operation';
import * as updateAsync from './updateAsync.operation';

/** Operation values are stored in saved workflows: never rename them. */
export const operations: Record<string, Operation> = {
	getTask,
	update,
	updateAsync,
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'update',
	options: [
		{
			name: 'Get Task',
			value: 'getTask',
			description: 'Get the state of an asynchronous SCM update',
			action: 'Get an SCM update task',
		},
		{
			name: 'Update',
			value: 'update',
			description: 'Write SCM fields of codes, one input item per code (or SCM field value), in batches',
			action: 'Update SCM data of codes',
		},
		{
			name: 'Update Async',
			value: 'updateAsync',
			description: 'Write the same SCM fields to every code matching constraints, as a background task',
			action: 'Update SCM data of codes in the background',
		},
	],
};

export const properties: INodeProperties[] = [
	operationProperty,
	...update.description,
	...updateAsync.description,
	...getTask.description,
];
