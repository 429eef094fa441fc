import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../shared/descriptions';
import { getAll } from '../../shared/transport';
import { INGESTION_VIEW } from '../helpers/records';

const properties: INodeProperties[] = [
	...returnAllOrLimit({}, 'records'),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Mode',
				name: 'ingestion_mode',
				type: 'options',
				default: 'api',
				options: [
					{ name: 'From Input Items (API)', value: 'api' },
					{ name: 'From File', value: 'file' },
				],
				description: 'How the codes were uploaded',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'completed',
				// Scantrust documents "completed", "error" and "uploading"; the other two are the likely in-between states.
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Error', value: 'error' },
					{ name: 'Pending', value: 'pending' },
					{ name: 'Processing', value: 'processing' },
					{ name: 'Uploading (Waiting for File)', value: 'uploading' },
				],
			},
			{
				displayName: 'Type',
				name: 'type',
				type: 'string',
				default: 'code',
				description: 'Record type; code uploads are "code"',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getManyRecords'] } }, properties);

interface ListInput {
	limit: number | undefined;
	qs: IDataObject;
}

/** The limit and the query, read and checked before any request. */
export function validate(this: IExecuteFunctions, itemIndex: number): ListInput {
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	for (const name of ['type', 'status', 'ingestion_mode']) {
		const value = typeof filters[name] === 'string' ? (filters[name] as string).trim() : '';
		if (value) qs[name] = value;
	}
	return { limit, qs };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, { limit, qs }: ListInput): Promise<IDataObject[]> {
	return await getAll.call(this, {
		path: '/api/v2/ingestion/',
		qs,
		limit,
		itemIndex,
		permissions: INGESTION_VIEW,
		// An offset list: a record inserted while paging can come twice; it is output once.
		uniqueBy: 'key',
	});
}
