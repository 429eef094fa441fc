import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../shared/router';
import * as create from './create.operation';
import * as deleteProduct from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

/** Operation values are stored in saved workflows: never rename them. */
export const operations: Record<string, Operation> = {
	create,
	delete: deleteProduct,
	get,
	getMany,
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

export const properties: INodeProperties[] = [
	operationProperty,
	...create.description,
	...get.description,
	...getMany.description,
	...update.description,
	...deleteProduct.description,
];
