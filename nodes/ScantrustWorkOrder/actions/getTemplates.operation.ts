import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { readLimit, returnAllOrLimit } from '../../shared/descriptions';
import { getAll } from '../../shared/transport';
import { WORKORDER_VIEW } from '../../shared/workOrders';

const properties: INodeProperties[] = [...returnAllOrLimit({}, 'templates')];

export const description = updateDisplayOptions({ show: { operation: ['getTemplates'] } }, properties);

/** The templates (set up by Scantrust) that secure-graphic work orders are made from. */
/** The limit, read and checked before any request. */
export function validate(this: IExecuteFunctions, itemIndex: number): { limit: number | undefined } {
	return { limit: readLimit(this, itemIndex) };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, { limit }: { limit: number | undefined }): Promise<IDataObject[]> {
	return await getAll.call(this, {
		path: '/api/v2/workorders/templates/',
		limit,
		itemIndex,
		permissions: WORKORDER_VIEW,
		// An offset list: a record inserted while paging can come twice; it is output once.
		uniqueBy: 'id',
	});
}
