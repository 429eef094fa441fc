import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { invalid } from '../../shared/validate';
import { PRINTING_PARTNER_OPTION, uploadParameters } from '../helpers/upload/parameters';
import type { UploadAction } from '../helpers/upload/run';
import { uploadOperation } from '../helpers/upload/run';
import { readLocator, resourceLocator } from '../../shared/locators';

const properties: INodeProperties[] = [
	resourceLocator({
		displayName: 'Template',
		name: 'template',
		searchListMethod: 'searchIngestionTemplates',
		required: true,
		description: 'The code upload template (set up by Scantrust) that decides the work order’s settings',
		modes: [{ displayName: 'By Key', name: 'key', placeholder: 'e.g. sid-pre-print' }],
	}),
	...uploadParameters([PRINTING_PARTNER_OPTION]),
];

export const description = updateDisplayOptions({ show: { operation: ['createFromTemplate'] } }, properties);

function templateKey(context: IExecuteFunctions, itemIndex: number): string {
	const key = readLocator(context, itemIndex, 'template').value;
	if (!key) throw invalid(context, itemIndex, 'Template', 'is empty');
	return key;
}

/** One upload makes one new work order, with the template's settings (Scantrust's preferred way). */
const action: UploadAction = {
	endpoint: 'create-from-template',
	check(itemIndex) {
		return templateKey(this, itemIndex);
	},
	async fields(_itemIndex, template): Promise<IDataObject> {
		return { template: template as string };
	},
};

export const { validate, executeBatch } = uploadOperation(action);
