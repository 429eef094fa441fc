import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	ALLOW_POSTED_DUPLICATES_OPTION,
	ID_FORMAT_OPTION,
	PRINTING_PARTNER_OPTION,
	uploadParameters,
} from '../helpers/upload/parameters';
import type { UploadAction } from '../helpers/upload/run';
import { uploadOperation } from '../helpers/upload/run';

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

export const { validate, executeBatch } = uploadOperation(action);
