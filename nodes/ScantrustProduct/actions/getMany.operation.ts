import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { archivedFilter, readLimit, returnAllOrLimit } from '../../shared/descriptions';
import { getAll } from '../../shared/transport';
import { permissionsFor } from '../../shared/permissions';

const properties: INodeProperties[] = [
	...returnAllOrLimit({}, 'products'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			archivedFilter('products'),
			{
				displayName: 'Order By',
				name: 'ordering',
				type: 'options',
				default: '-creation_date',
				options: [
					{ name: 'Name (A to Z)', value: 'name' },
					{ name: 'Name (Z to A)', value: '-name' },
					{ name: 'Newest First', value: '-creation_date' },
					{ name: 'Oldest First', value: 'creation_date' },
					{ name: 'SKU (A to Z)', value: 'sku' },
				],
			},
			{
				displayName: 'SKU',
				name: 'sku',
				type: 'string',
				default: '',
				description: 'Only the product with exactly this SKU',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getMany'] } }, properties);

interface ListInput {
	limit: number | undefined;
	qs: IDataObject;
}

/** The limit and the query, read and checked before any request. */
export function validate(this: IExecuteFunctions, itemIndex: number): ListInput {
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { is_archived: filters.archived === 'archived' ? 1 : 0 };
	if (filters.ordering) qs.ordering = filters.ordering;
	if (typeof filters.sku === 'string' && filters.sku.trim()) qs.sku__exact = filters.sku.trim();
	return { limit, qs };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, { limit, qs }: ListInput): Promise<IDataObject[]> {
	return await getAll.call(this, {
		path: '/api/v2/products/',
		qs,
		limit,
		itemIndex,
		permissions: permissionsFor('Product', 'getMany'),
		// An offset list: a record inserted while paging can come twice; it is output once.
		uniqueBy: 'id',
	});
}
