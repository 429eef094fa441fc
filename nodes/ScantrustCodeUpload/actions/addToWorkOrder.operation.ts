import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { resolveWorkOrder, workOrderLocator, workOrderLocatorValue } from '../../shared/workOrders';
import type { LocatorValue } from '../../shared/locators';
import { ALLOW_POSTED_DUPLICATES_OPTION, ID_FORMAT_OPTION, uploadParameters } from '../helpers/upload/parameters';
import type { UploadAction } from '../helpers/upload/run';
import { uploadOperation } from '../helpers/upload/run';

const properties: INodeProperties[] = [
	{
		...workOrderLocator,
		description: 'The existing work order the codes are added to',
		modes: [
			...(workOrderLocator.modes ?? []),
			{
				displayName: 'By Ingestion Key',
				name: 'ingestionKey',
				type: 'string',
				placeholder: 'e.g. ik_4f7hq2m9x0ab',
			},
		],
	},
	...uploadParameters([ALLOW_POSTED_DUPLICATES_OPTION, ID_FORMAT_OPTION]),
];

export const description = updateDisplayOptions({ show: { operation: ['addToWorkOrder'] } }, properties);

/** Scantrust identifies the work order by its ingestion key; a chosen work order is asked for its key. */
const action: UploadAction = {
	endpoint: 'add-to-workorder',
	check(itemIndex) {
		return workOrderLocatorValue(this, itemIndex);
	},
	async fields(itemIndex, checked): Promise<IDataObject> {
		const locator = checked as LocatorValue;
		if (locator.mode === 'ingestionKey') return { ingestion_key: locator.value };
		const workOrder = await resolveWorkOrder.call(this, itemIndex, locator);
		if (typeof workOrder.ingestion_key !== 'string' || !workOrder.ingestion_key) {
			throw new NodeOperationError(
				this.getNode(),
				`Work order ${String(workOrder.reference ?? workOrder.id)} came without an ingestion key`,
				{
					itemIndex,
					description: 'Copy the ingestion key from the work order in the Scantrust portal and choose "By Ingestion Key".',
				},
			);
		}
		return { ingestion_key: workOrder.ingestion_key };
	},
};

export const { validate, executeBatch } = uploadOperation(action);
