import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { archivedFilter, readLimit, returnAllOrLimit } from '../../shared/descriptions';
import { getAll } from '../../shared/transport';
import { WORKORDER_VIEW } from '../../shared/workOrders';

const properties: INodeProperties[] = [
	...returnAllOrLimit({}, 'work orders'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			archivedFilter('work orders'),
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'e.g. WO-2026',
				description: 'Text found in the reference or the remarks',
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
	if (typeof filters.search === 'string' && filters.search.trim()) qs.search = filters.search.trim();
	return { limit, qs };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, { limit, qs }: ListInput): Promise<IDataObject[]> {
	return await getAll.call(this, {
		path: '/api/v2/workorders/',
		qs,
		limit,
		itemIndex,
		permissions: WORKORDER_VIEW,
		// An offset list: a record inserted while paging can come twice; it is output once.
		uniqueBy: 'id',
	});
}
