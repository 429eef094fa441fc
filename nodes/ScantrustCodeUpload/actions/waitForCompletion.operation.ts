import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { waitParameters, waitSettings } from '../../shared/waiting';
import type { WaitSettings } from '../../shared/waiting';
import { recordKeyValue, recordLocator, waitForRecord } from '../helpers/records';

const properties: INodeProperties[] = [recordLocator, ...waitParameters('code upload')];

export const description = updateDisplayOptions({ show: { operation: ['waitForCompletion'] } }, properties);

interface WaitInput {
	key: string;
	wait: WaitSettings;
}

export function validate(this: IExecuteFunctions, itemIndex: number): WaitInput {
	return { key: recordKeyValue(this, itemIndex), wait: waitSettings(this, itemIndex) };
}

/** For uploads started elsewhere (another workflow, the portal): waits and fails the way an upload would. */
export async function execute(this: IExecuteFunctions, itemIndex: number, { key, wait }: WaitInput): Promise<IDataObject> {
	return await waitForRecord.call(this, key, itemIndex, wait);
}
