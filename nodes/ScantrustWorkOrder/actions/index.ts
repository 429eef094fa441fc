import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionProperties } from '../../shared/descriptions';
import type { Operation } from '../../shared/router';
import { simplifyProperties, simplifyWorkOrder, withSimplify } from '../../shared/simplify';
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
	get: withSimplify(get, simplifyWorkOrder),
	getMany: withSimplify(getMany, simplifyWorkOrder),
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

/** What an AI agent reads about each operation when the node is its tool: what it does, changes and costs. */
export const toolDescriptions: Record<string, string> = {
	create:
		'Creates a Scantrust SID work order: Scantrust generates the given quantity of new codes (optionally for a product, optionally active at once). Creates codes that cannot be deleted, only archived with the work order. Cost: one request (plus one for a product SKU); with Wait for Completion, a status request every few seconds until the codes exist.',
	downloadCodes:
		'Downloads the zip file with the codes of a completed Scantrust work order (codes.csv with extended IDs, serial numbers and URLs). Changes nothing. Cost: one request for the work order, one download (can be large).',
	get:
		'Reads one Scantrust work order (reference, state, quantity, product, code file link) by ID or reference. Changes nothing. Cost: one request.',
	getMany:
		'Lists or searches Scantrust work orders by reference or remarks, newest first. Changes nothing. Returns at most the limit (10 unless you ask for more). Cost: one request per 100 work orders.',
	getTemplates:
		'Lists the work order templates of the company (needed for secure-graphic work orders and code uploads). Changes nothing. Returns at most the limit (10 unless you ask for more). Cost: one request per 100 templates.',
	waitForCompletion:
		'Waits until Scantrust has generated the codes of a work order and returns the completed work order. Changes nothing. Cost: a status request every few seconds, up to the maximum wait.',
};

export const properties: INodeProperties[] = [
	operationProperty,
	...create.description,
	...get.description,
	...getMany.description,
	...simplifyProperties(['get', 'getMany']),
	...getTemplates.description,
	...waitForCompletion.description,
	...downloadCodes.description,
	...toolDescriptionProperties(toolDescriptions),
];
