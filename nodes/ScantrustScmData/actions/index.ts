import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionProperties } from '../../shared/descriptions';
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

/** What an AI agent reads about each operation when the node is its tool: what it does, changes and costs. */
export const toolDescriptions: Record<string, string> = {
	getTask:
		'Reads the state of an asynchronous SCM update task (pending, done, failed, how many codes it changed). Changes nothing. Cost: one request.',
	update:
		'Writes SCM (supply-chain) fields such as lot_number of Scantrust codes, one input item per code (by extended ID or serial number) or per SCM value, which can select many codes; overwrites the fields\' current values. Returns one item per input item with status "updated", "notFound" or the fields not written. Cost: one request per 100 codes (the batch size), paced under Scantrust\'s limit of 10 SCM requests a second.',
	updateAsync:
		'Writes the same SCM fields to every Scantrust code matching constraints (work order, product, SCM values), as one background task; can change thousands of codes at once and overwrites their values. Cost: one request to start, then, if waiting, a status request every few seconds until done.',
};

export const properties: INodeProperties[] = [
	operationProperty,
	...update.description,
	...updateAsync.description,
	...getTask.description,
	...toolDescriptionProperties(toolDescriptions),
];
