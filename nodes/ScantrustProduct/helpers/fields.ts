import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalid } from '../../shared/validate';
import { readLocator } from '../../shared/locators';

/** Optional product fields, shared by Create and Update. Keys are the API's own field names. */
export const productFieldOptions: INodeProperties[] = [
	{
		displayName: 'Campaign ID',
		name: 'campaign',
		type: 'number',
		default: 0,
		description:
			'Scantrust campaign the product belongs to (find it in the portal dashboard URL, campaignId=...). Moving a product to another campaign moves its codes to that campaign’s rules.',
	},
	{
		displayName: 'Client URL',
		name: 'client_url',
		type: 'string',
		default: '',
		placeholder: 'https://brand.example.com/product',
		description: 'Where consumers land after scanning',
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
	},
];

/** The brand locator's value: a numeric ID is sent as a number, a reference as the string. */
export function brandValue(
	context: IExecuteFunctions,
	itemIndex: number,
): number | string | undefined {
	const { value } = readLocator(context, itemIndex, 'brand');
	if (!value) return undefined;
	return /^\d+$/.test(value) ? Number(value) : value;
}

/** Copies the optional fields, dropping empty ones so they do not overwrite existing values with blanks. */
export function productFields(
	context: IExecuteFunctions,
	itemIndex: number,
	collection: IDataObject,
): IDataObject {
	const body: IDataObject = {};
	for (const [key, value] of Object.entries(collection)) {
		if (value === '' || value === undefined || value === null) continue;
		if (key === 'campaign') {
			if (value === 0) continue;
			if (!Number.isInteger(Number(value)) || Number(value) < 0) {
				throw invalid(context, itemIndex, 'Campaign ID', `must be a whole number (got "${String(value)}")`);
			}
			body.campaign = Number(value);
			continue;
		}
		if (key === 'client_url' && !/^https?:\/\//i.test(String(value))) {
			throw invalid(context, itemIndex, 'Client URL', `must start with http:// or https:// (got "${String(value)}")`);
		}
		body[key] = typeof value === 'string' ? value.trim() : value;
	}
	return body;
}
