import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/router';
import * as create from './create.operation';
import * as downloadCodes from './downloadCodes.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getTemplates from './getTemplates.operation';
import * as waitForCompletion from './waitForCompletion.operation';

/** Operation values are stored in saved workflows: never rename them. */
export const operations: Record<string, Operation> = {
	create,
	downloadCodes,
	get,
	getMany,
	getTemplates,
	waitForCompletion,
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'create',
	options: [
		{
			name: 'Create',
			value: 'create',
			description: 'Create a SID work order that generates codes',
			action: 'Create a work order',
		},
		{
			name: 'Download Codes',
			value: 'downloadCodes',
			description: 'Download the zip file with the generated codes',
			action: 'Download the codes of a work order',
		},
		{ name: 'Get', value: 'get', description: 'Get a work order', action: 'Get a work order' },
		{
			name: 'Get Many',
			value: 'getMany',
			description: 'List or search work orders',
			action: 'Get many work orders',
		},
		{
			name: 'Get Templates',
			value: 'getTemplates',
			description: 'List the work order templates of your company',
			action: 'Get work order templates',
		},
		{
			name: 'Wait for Completion',
			value: 'waitForCompletion',
			description: 'Wait until the codes of a work order are generated',
			action: 'Wait for a work order to complete',
		},
	],
};

export const properties: INodeProperties[] = [
	operationProperty,
	...create.description,
	...get.description,
	...getMany.description,
	...getTemplates.description,
	...waitForCompletion.description,
	...downloadCodes.description,
];
