import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionProperties } from '../../shared/descriptions';
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

/** What an AI agent reads about each operation when the node is its tool: what it does, changes and costs. */
export const toolDescriptions: Record<string, string> = {
	addSids:
		'Uploads your own code IDs to Scantrust as SID codes without a work order, from input items or a CSV/JSON file. Creates codes (cannot be deleted). Cost: one upload request per file or per run, plus status requests while waiting.',
	addToWorkOrder:
		'Uploads your own code IDs into an existing Scantrust work order, from input items or a CSV/JSON file. Creates codes (cannot be deleted). Cost: one upload request per file or per run, plus status requests while waiting.',
	createFromTemplate:
		'Creates a Scantrust work order from a template and uploads your own code IDs into it, from input items or a CSV/JSON file. Creates a work order and codes (cannot be deleted). Cost: one upload request per file or per run, plus status requests while waiting.',
	getManyRecords:
		'Lists code upload records (status, counts, errors). Changes nothing. Returns at most the limit (10 unless you ask for more). Cost: one request per 100 records.',
	getRecord:
		'Reads one code upload record: its status, how many codes were created, and errors. Changes nothing. Cost: one request.',
	waitForCompletion:
		'Waits until Scantrust has processed a code upload and returns its record. Changes nothing. Cost: a status request every few seconds, up to the maximum wait.',
};

export const properties: INodeProperties[] = [
	operationProperty,
	...createFromTemplate.description,
	...addToWorkOrder.description,
	...addSids.description,
	...getRecord.description,
	...getManyRecords.description,
	...waitForCompletion.description,
	...toolDescriptionProperties(toolDescriptions),
];
