import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/router';
import * as activate from './activate.operation';
import * as assignToProduct from './assignToProduct.operation';
import * as blacklist from './blacklist.operation';
import * as deactivate from './deactivate.operation';
import * as exportCodes from './export.operation';
import * as get from './get.operation';
import * as updateFields from './updateFields.operation';

/** Operation values are stored in saved workflows: never rename them. */
export const operations: Record<string, Operation> = {
	activate,
	assignToProduct,
	blacklist,
	deactivate,
	export: exportCodes,
	get,
	updateFields,
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'activate',
	options: [
		{ name: 'Activate', value: 'activate', description: 'Activate codes', action: 'Activate codes' },
		{
			name: 'Assign to Product',
			value: 'assignToProduct',
			description: 'Move codes to a product (by ID or SKU)',
			action: 'Assign codes to a product',
		},
		{
			name: 'Blacklist',
			value: 'blacklist',
			description: 'Blacklist codes with a reason',
			action: 'Blacklist codes',
		},
		{ name: 'Deactivate', value: 'deactivate', description: 'Deactivate codes', action: 'Deactivate codes' },
		{
			name: 'Export',
			value: 'export',
			description: 'Export code data as a CSV file',
			action: 'Export code data',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Look up codes by extended ID or serial number: status, product, SCM fields, activation',
			action: 'Get codes',
		},
		{
			name: 'Update Fields',
			value: 'updateFields',
			description: 'Write SCM fields of codes',
			action: 'Update fields of codes',
		},
	],
};

export const properties: INodeProperties[] = [
	operationProperty,
	...activate.description,
	...deactivate.description,
	...blacklist.description,
	...assignToProduct.description,
	...updateFields.description,
	...exportCodes.description,
	...get.description,
];
