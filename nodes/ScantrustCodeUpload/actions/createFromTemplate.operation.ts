import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeParameterResourceLocator,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { invalid } from '../../shared/validate';
import { PRINTING_PARTNER_OPTION, uploadParameters } from '../helpers/upload/parameters';
import type { UploadAction } from '../helpers/upload/run';
import { runUpload, validateUpload } from '../helpers/upload/run';

const properties: INodeProperties[] = [
	{
		displayName: 'Template',
		name: 'template',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The code upload template (set up by Scantrust) that decides the work order’s settings',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchIngestionTemplates', searchable: true },
			},
			{
				displayName: 'By Key',
				name: 'key',
				type: 'string',
				placeholder: 'e.g. sid-pre-print',
			},
		],
	},
	...uploadParameters([PRINTING_PARTNER_OPTION]),
];

export const description = updateDisplayOptions({ show: { operation: ['createFromTemplate'] } }, properties);

function templateKey(context: IExecuteFunctions, itemIndex: number): string {
	const locator = context.getNodeParameter('template', itemIndex, { mode: 'list', value: '' }) as
		| INodeParameterResourceLocator
		| string;
	const raw = typeof locator === 'object' && locator ? locator.value : locator;
	const key = raw === undefined || raw === null ? '' : String(raw).trim();
	if (!key) throw invalid(context, itemIndex, 'Template', 'is empty');
	return key;
}

/** One upload makes one new work order, with the template's settings (Scantrust's preferred way). */
const action: UploadAction = {
	endpoint: 'create-from-template',
	check(itemIndex) {
		templateKey(this, itemIndex);
	},
	async fields(itemIndex): Promise<IDataObject> {
		return { template: templateKey(this, itemIndex) };
	},
};

export async function validate(this: IExecuteFunctions, itemIndex: number): Promise<void> {
	await validateUpload.call(this, action, itemIndex);
}

export async function executeBatch(this: IExecuteFunctions, itemIndexes: number[]): Promise<INodeExecutionData[]> {
	return await runUpload.call(this, action, itemIndexes);
}
