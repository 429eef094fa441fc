import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	ALLOW_POSTED_DUPLICATES_OPTION,
	ID_FORMAT_OPTION,
	PRINTING_PARTNER_OPTION,
	uploadParameters,
} from '../helpers/upload/parameters';
import type { UploadAction, UploadInput } from '../helpers/upload/run';
import { runUpload, validateUpload } from '../helpers/upload/run';

const properties: INodeProperties[] = [
	...uploadParameters([
		ALLOW_POSTED_DUPLICATES_OPTION,
		ID_FORMAT_OPTION,
		PRINTING_PARTNER_OPTION,
		{
			displayName: 'URL Prefix',
			name: 'url_prefix',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://qr.example.com/q/',
			description: 'The start of the URL the codes point to',
		},
	]),
];

export const description = updateDisplayOptions({ show: { operation: ['addSids'] } }, properties);

/** SIDs added directly, without a work order (Scantrust: "intended for special cases"). */
const action: UploadAction = {
	endpoint: 'add-sids',
	check() {},
	async fields(): Promise<IDataObject> {
		return {};
	},
};

export async function validate(this: IExecuteFunctions, itemIndex: number): Promise<UploadInput> {
	return await validateUpload.call(this, action, itemIndex);
}

export async function executeBatch(
	this: IExecuteFunctions,
	itemIndexes: number[],
	inputs: UploadInput[],
): Promise<INodeExecutionData[]> {
	return await runUpload.call(this, action, itemIndexes, inputs);
}
