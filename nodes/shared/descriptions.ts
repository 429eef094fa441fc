import type { INodeProperties } from 'n8n-workflow';

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
