import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/router';
import * as getMany from './getMany.operation';

/** Operation values are stored in saved workflows: never rename them. */
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

export const properties: INodeProperties[] = [operationProperty, ...getMany.description];
