import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalid } from './validate';

/** Parameters shared by several nodes, written once. */

export function returnAllOrLimit(show: { [key: string]: string[] }, noun: string): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { ...show, returnAll: [false] } },
			hint: `How many ${noun} to return at most`,
		},
	];
}

/** The limit set with {@link returnAllOrLimit}: undefined for Return All, else a positive whole number. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = Number(context.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw invalid(context, itemIndex, 'Limit', `must be a whole number of at least 1 (got "${String(limit)}")`);
	}
	return limit;
}

/** "Archived" filter option for lists that hide archived entries unless asked (products, work orders). */
export function archivedFilter(noun: string): INodeProperties {
	return {
		displayName: 'Archived',
		name: 'archived',
		type: 'options',
		default: 'active',
		options: [
			{ name: 'Active Only', value: 'active' },
			{ name: 'Archived Only', value: 'archived' },
		],
		description: `Scantrust lists active ${noun} unless asked for archived ones`,
	};
}

export const brandLocator: INodeProperties = {
	displayName: 'Brand',
	name: 'brand',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'The brand the product belongs to',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchBrands', searchable: true },
		},
		{
			displayName: 'By ID or Reference',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 1115 or my-brand',
		},
	],
};

export const productLocator: INodeProperties = {
	displayName: 'Product',
	name: 'product',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchProducts', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 6326',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\s*\\d+\\s*$', errorMessage: 'A product ID is a number' },
				},
			],
		},
		{
			displayName: 'By SKU',
			name: 'sku',
			type: 'string',
			placeholder: 'e.g. SKU-1234',
		},
	],
};
