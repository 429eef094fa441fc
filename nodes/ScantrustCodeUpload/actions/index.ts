import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/router';
import * as addSids from './addSids.operation';
import * as addToWorkOrder from './addToWorkOrder.operation';
import * as createFromTemplate from './createFromTemplate.operation';
import * as getManyRecords from './getManyRecords.operation';
import * as getRecord from './getRecord.operation';
import * as waitForCompletion from './waitForCompletion.operation';

/** Operation values are stored in saved workflows: never rename them. */
export const operations: Record<string, Operation> = {
	addSids,
	addToWorkOrder,
	createFromTemplate,
	getManyRecords,
	getRecord,
	waitForCompletion,
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'createFromTemplate',
	options: [
		{
			name: 'Add SIDs',
			value: 'addSids',
			description: 'Upload your own IDs as SID codes without a work order',
			action: 'Add SID codes',
		},
		{
			name: 'Add to Work Order',
			value: 'addToWorkOrder',
			description: 'Upload your own code IDs into an existing work order',
			action: 'Add codes to a work order',
		},
		{
			name: 'Create From Template',
			value: 'createFromTemplate',
			description: 'Upload your own code IDs as a new work order made from a template',
			action: 'Create a work order from a template',
		},
		{
			name: 'Get Many Records',
			value: 'getManyRecords',
			description: 'List code upload records',
			action: 'Get many code upload records',
		},
		{
			name: 'Get Record',
			value: 'getRecord',
			description: 'Get the record (status and result) of a code upload',
			action: 'Get a code upload record',
		},
		{
			name: 'Wait for Completion',
			value: 'waitForCompletion',
			description: 'Wait until Scantrust has processed a code upload',
			action: 'Wait for a code upload to complete',
		},
	],
};

export const properties: INodeProperties[] = [
	operationProperty,
	...createFromTemplate.description,
	...addToWorkOrder.description,
	...addSids.description,
	...getRecord.description,
	...getManyRecords.description,
	...waitForCompletion.description,
];
