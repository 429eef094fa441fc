import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { getRecord, recordKeyValue, recordLocator } from '../helpers/records';

const properties: INodeProperties[] = [recordLocator];

export const description = updateDisplayOptions({ show: { operation: ['getRecord'] } }, properties);

export function validate(this: IExecuteFunctions, itemIndex: number): string {
	return recordKeyValue(this, itemIndex);
}

/** The record as it is now, whatever its status (a failed upload is data here, not an error). */
export async function execute(this: IExecuteFunctions, itemIndex: number, key: string): Promise<IDataObject> {
	return await getRecord.call(this, key, itemIndex);
}
