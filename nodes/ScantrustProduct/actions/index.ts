import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionProperties } from '../../shared/descriptions';
import type { Operation } from '../../shared/router';
import { simplifyProduct, simplifyProperties, withSimplify } from '../../shared/simplify';
import * as create from './create.operation';
import * as deleteProduct from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

/** Operation values are stored in saved workflows: never rename them. */
export const operations: Record<string, Operation> = {
	create,
	delete: deleteProduct,
	get: withSimplify(get, simplifyProduct),
	getMany: withSimplify(getMany, simplifyProduct),
	update,
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'create',
	options: [
		{ name: 'Create', value: 'create', description: 'Create a product', action: 'Create a product' },
		{ name: 'Delete', value: 'delete', description: 'Delete a product', action: 'Delete a product' },
		{ name: 'Get', value: 'get', description: 'Get a product', action: 'Get a product' },
		{
			name: 'Get Many',
			value: 'getMany',
			description: 'List products',
			action: 'Get many products',
		},
		{ name: 'Update', value: 'update', description: 'Update a product', action: 'Update a product' },
	],
};

/** What an AI agent reads about each operation when the node is its tool: what it does, changes and costs. */
export const toolDescriptions: Record<string, string> = {
	create:
		'Creates a Scantrust product (name, SKU, brand, campaign, client URL). Creates data; Delete removes it. Cost: one request (plus lookups for a brand reference).',
	delete:
		'DESTRUCTIVE: deletes a Scantrust product by ID or SKU; this cannot be undone. Only call it when the user asked to delete this exact product. Cost: one or two requests.',
	get:
		'Reads one Scantrust product (name, SKU, brand, campaign, code counts) by ID or SKU. Changes nothing. Cost: one request.',
	getMany:
		'Lists Scantrust products, optionally by SKU or archived state. Changes nothing. Returns at most the limit (10 unless you ask for more), simplified to flat items. Cost: one request per 100 products.',
	update:
		'Changes fields of a Scantrust product (name, SKU, brand, campaign, client URL, archived); overwrites the current values. Cost: one request (plus one for a SKU lookup).',
};

export const properties: INodeProperties[] = [
	operationProperty,
	...create.description,
	...get.description,
	...getMany.description,
	...simplifyProperties(['get', 'getMany']),
	...update.description,
	...deleteProduct.description,
	...toolDescriptionProperties(toolDescriptions),
];
