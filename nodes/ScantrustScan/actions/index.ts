import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionProperties } from '../../shared/descriptions';
import type { Operation } from '../../shared/router';
import { simplifyProperties } from '../../shared/simplify';
import * as getMany from './getMany.operation';

/** Operation values are stored in saved workflows: never rename them. */
// Simplify is applied inside Get Many, page by page, so that it also shapes the JSON Lines file.
export const operations: Record<string, Operation> = { getMany };

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'getMany',
	options: [
		{
			name: 'Get Many',
			value: 'getMany',
			description: 'Export scans through the scan data export',
			action: 'Get many scans',
		},
	],
};

/** What an AI agent reads about each operation when the node is its tool: what it does, changes and costs. */
export const toolDescriptions: Record<string, string> = {
	getMany:
		'Exports Scantrust scan records of a time range (who scanned which code, where, when, and whether Scantrust judged it authentic or counterfeit), optionally only suspicious scans or by product or SCM value. Changes nothing. Returns at most the limit (10 unless you ask for more), simplified. Cost: one request per 1,000 scans.',
};

export const properties: INodeProperties[] = [
	operationProperty,
	...getMany.description,
	// Simplify shapes items; a JSON Lines file holds the API's records as they are.
	...simplifyProperties(['getMany']).map((property) => ({
		...property,
		displayOptions: { show: { ...property.displayOptions?.show, outputAs: ['items'] } },
	})),
	...toolDescriptionProperties(toolDescriptions),
];
