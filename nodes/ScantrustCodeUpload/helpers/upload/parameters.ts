import type { INodeProperties } from 'n8n-workflow';

import { waitParameters } from '../../../shared/waiting';

/** Parameters every upload operation (from template, to work order, SIDs) shares. */

export const ID_FORMAT_OPTION: INodeProperties = {
	displayName: 'ID Format',
	name: 'id_format',
	type: 'options',
	default: 'default',
	options: [
		{ name: 'Default', value: 'default', description: 'At least 8 characters: letters, digits, "-" and "_"' },
		{ name: 'GS1', value: 'gs1', description: 'GS1 identifiers (e.g. Digital Link URIs or element strings)' },
	],
};

export const ALLOW_POSTED_DUPLICATES_OPTION: INodeProperties = {
	displayName: 'Allow Posted Duplicates',
	name: 'allow_posted_duplicates',
	type: 'boolean',
	default: false,
	description: 'Whether codes that already exist in Scantrust are skipped instead of failing the whole upload',
};

export const PRINTING_PARTNER_OPTION: INodeProperties = {
	displayName: 'Printing Partner ID',
	name: 'printing_partner',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 1,
	description: 'The company ID of the printing partner (required by Scantrust for secure-code templates)',
};

const sourceParameters: INodeProperties[] = [
	{
		displayName: 'Codes From',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		default: 'items',
		options: [
			{
				name: 'Input Items',
				value: 'items',
				description: 'Each input item is one code; all input items go to Scantrust as one upload',
			},
			{
				name: 'File (CSV or JSON)',
				value: 'file',
				description: 'A CSV or JSON file in a binary field of each input item; one upload per file',
			},
		],
	},
	{
		displayName: 'Code ID Field',
		name: 'codeIdField',
		type: 'string',
		required: true,
		default: 'id',
		description: 'The input field holding the code ID (by default at least 8 characters: letters, digits, "-" and "_")',
		displayOptions: { show: { source: ['items'] } },
	},
	{
		displayName: 'Other Fields',
		name: 'scmData',
		type: 'options',
		default: 'none',
		options: [
			{ name: 'Ignore', value: 'none', description: 'Send only the code ID' },
			{
				name: 'Send All as SCM Data',
				value: 'all',
				description: 'Every other field of the item is sent as data of that code (product, SCM fields, ...)',
			},
			{
				name: 'Send Selected as SCM Data',
				value: 'selected',
				description: 'Only the fields listed below are sent as data of that code',
			},
		],
		displayOptions: { show: { source: ['items'] } },
	},
	{
		// One name for one idea across the nodes: the SCM fields written onto codes are "Fields to Write".
		displayName: 'Input Fields to Write',
		name: 'scmFields',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. product, pallet_number, intended_market',
		description:
			'Comma-separated input fields sent with each code. Keys are those of an SCM upload: product (SKU or ID), activation_status, blacklist_reason or an SCM field key.',
		displayOptions: { show: { source: ['items'], scmData: ['selected'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the input binary field containing the file to be uploaded',
		description: 'A CSV file with a header row, or a JSON file holding an array of objects; UTF-8, up to 100 MB. The code IDs go in the column or key Scantrust documents for them.',
		displayOptions: { show: { source: ['file'] } },
	},
	{
		displayName: 'File Type',
		name: 'fileType',
		type: 'options',
		default: 'auto',
		options: [
			{ name: 'From File Name or MIME Type', value: 'auto' },
			{ name: 'CSV', value: 'csv' },
			{ name: 'JSON', value: 'json' },
		],
		displayOptions: { show: { source: ['file'] } },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description:
			'Whether to wait until Scantrust has processed the upload: the output then carries the work order ID (result_data.workorder_id), and a refused upload fails with its reasons',
	},
	...waitParameters('code upload', { waitForCompletion: [true] }),
];

/** Options every upload has; the operation adds its own (printing partner, ID format, ...). */
const commonOptions: INodeProperties[] = [
	{
		displayName: 'Default Fields to Write',
		name: 'defaultScmData',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Field',
		description: 'Data every code gets unless its own data says otherwise (e.g. product = SKU-1234)',
		options: [
			{
				displayName: 'Field',
				name: 'fields',
				values: [
					{
						displayName: 'Field Key',
						name: 'key',
						type: 'string',
						default: '',
						placeholder: 'e.g. product',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
					},
				],
			},
		],
	},
	{
		displayName: 'Description',
		name: 'description',
		type: 'string',
		default: '',
		description: 'Shown on the upload record, to find it again',
	},
];

/** The "Options" collection, in alphabetical order as n8n shows collection entries. */
function optionsCollection(extra: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...extra, ...commonOptions].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

/** Source, file or item settings, wait and options, for one upload operation. */
export function uploadParameters(extraOptions: INodeProperties[]): INodeProperties[] {
	return [...sourceParameters, optionsCollection(extraOptions)];
}
