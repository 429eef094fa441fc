import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { codeIdentifier, fieldKey, integerInRange, invalid } from './validate';
import { permissionsFor } from './permissions';

/**
 * What the SCM upload needs, shared by the SCM Data node and the Code node: how a code is
 * selected, which fields are written and how their values are checked (scantrust-api.md §3, §4).
 */

/** Both upload endpoints (sync and async) list all four (§1.3). */
export const SCM_UPLOAD_PERMISSIONS = permissionsFor('SCM Data', 'update');

/** Keys that select a code; the SCM upload never writes them. */
export const CODE_KEYS = ['extended_id', 'serial_number'];

/** Special SCM fields with built-in behaviour (SPEC); checked here because a bad value fails a whole batch. */
const ACTIVATION_STATUS = 'activation_status';
const BLACKLIST_REASON = 'blacklist_reason';
const PRODUCT = 'product';
export const SPECIAL_FIELDS = [PRODUCT, ACTIVATION_STATUS, BLACKLIST_REASON];

/** The documented blacklist reasons (H-BL); 0 "None" is left out: it is not a reason to blacklist. */
export const BLACKLIST_REASONS = [
	{ name: 'Counterfeits Detected', value: 1 },
	{ name: 'Low Quality', value: 2 },
	{ name: 'Overprint', value: 3 },
	{ name: 'Stolen', value: 4 },
	{ name: 'Damage', value: 5 },
	{ name: 'Lost', value: 6 },
	{ name: 'Misprint', value: 7 },
	{ name: 'Not Sold', value: 8 },
	{ name: 'WO Canceled', value: 9 },
	{ name: 'Maximum Scan Count Exceeded', value: 10 },
];

export interface CodeSelector {
	/** `extended_id`, `serial_number` or an SCM field key: the upload's `data_key` */
	dataKey: string;
	/** the value codes are selected by */
	key: string;
}

/**
 * "Find codes by" and the value for each input item. The SCM Data node may also select codes by
 * an SCM field (one key can then match many codes); the Code node works on single codes.
 */
export function codeSelectorProperties(options: { allowScmField: boolean; displayName: string }): INodeProperties[] {
	const keyOptions = [
		{ name: 'Extended ID', value: 'extended_id', description: 'The unique message in the QR code (fastest)' },
		{ name: 'Serial Number', value: 'serial_number' },
	];
	if (options.allowScmField) {
		keyOptions.push({
			name: 'SCM Field',
			value: 'scmField',
			description: 'A field set up in the campaign, e.g. an RFID tag or a case number; slower on Scantrust’s side',
		});
	}
	const properties: INodeProperties[] = [
		{
			displayName: options.displayName,
			name: 'dataKey',
			type: 'options',
			noDataExpression: true,
			default: 'extended_id',
			options: keyOptions,
		},
		{
			displayName: 'Extended ID',
			name: 'extendedId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. {{ $json.extended_id }}',
			description: 'The code’s extended ID (the unique message in its QR code), usually mapped from the input',
			displayOptions: { show: { dataKey: ['extended_id'] } },
		},
		{
			displayName: 'Serial Number',
			name: 'serialNumber',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. {{ $json.serial_number }}',
			description: 'The code’s serial number, usually mapped from the input',
			displayOptions: { show: { dataKey: ['serial_number'] } },
		},
	];
	if (options.allowScmField) {
		properties.push(
			{
				displayName: 'SCM Field Key',
				name: 'scmFieldKey',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. rfid',
				description: 'Key of the SCM field that selects the codes, as set up in the campaign (SCM T&T tab)',
				displayOptions: { show: { dataKey: ['scmField'] } },
			},
			{
				displayName: 'SCM Field Value',
				name: 'keyValue',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. {{ $json.rfid }}',
				description: 'Every code whose SCM field has this value is updated',
				displayOptions: { show: { dataKey: ['scmField'] } },
			},
		);
	}
	return properties;
}

/** Reads and checks how item `itemIndex` selects its code(s). */
export function readCodeSelector(context: IExecuteFunctions, itemIndex: number): CodeSelector {
	const mode = context.getNodeParameter('dataKey', itemIndex, 'extended_id') as string;
	if (mode === 'serial_number') {
		const raw = context.getNodeParameter('serialNumber', itemIndex, '');
		return { dataKey: mode, key: codeIdentifier(context, itemIndex, raw, 'Serial Number') };
	}
	if (mode === 'scmField') {
		const dataKey = fieldKey(context, itemIndex, context.getNodeParameter('scmFieldKey', itemIndex, ''), 'SCM Field Key');
		if (CODE_KEYS.includes(dataKey)) {
			throw invalid(context, itemIndex, 'SCM Field Key', `"${dataKey}" is not an SCM field; choose it under "Find Code By" instead`);
		}
		const value = scmValue(context, itemIndex, context.getNodeParameter('keyValue', itemIndex, ''), 'SCM Field Value');
		if (value === undefined || value.trim() === '') throw invalid(context, itemIndex, 'SCM Field Value', 'is empty');
		return { dataKey, key: value.trim() };
	}
	const raw = context.getNodeParameter('extendedId', itemIndex, '');
	return { dataKey: 'extended_id', key: codeIdentifier(context, itemIndex, raw, 'Extended ID') };
}

/** A list of field keys and values; used for the data to write and for the async constraints. */
export const fieldsToWriteProperty: INodeProperties = {
	displayName: 'Fields to Write',
	name: 'fields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Field',
	default: {},
	description:
		'SCM field keys as set up in the code’s campaign, or the special fields product, activation_status and blacklist_reason. Scantrust silently discards fields that are not in the campaign.',
	options: [
		{
			displayName: 'Field',
			name: 'field',
			values: [
				{
					displayName: 'Field Key',
					name: 'key',
					type: 'string',
					default: '',
					placeholder: 'e.g. lot_number',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					placeholder: 'e.g. L2026-014',
					description: 'Dates as YYYY-MM-DD: other formats are stored as sent but display badly in the portal',
				},
			],
		},
	],
};

/** Manual mapping or every field of the input item, for operations that write data per item. */
export function fieldMappingProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Mapping Mode',
			name: 'mappingMode',
			type: 'options',
			noDataExpression: true,
			default: 'defineBelow',
			options: [
				{
					name: 'Map Each Field Manually',
					value: 'defineBelow',
					description: 'List the SCM fields and their values, with expressions from the input',
				},
				{
					name: 'Map Automatically',
					value: 'autoMapInputData',
					description: 'Write every field of the input item whose name is an SCM field key',
				},
			],
		},
		{ ...fieldsToWriteProperty, displayOptions: { show: { mappingMode: ['defineBelow'] } } },
		{
			displayName: 'Input Fields to Ignore',
			name: 'fieldsToIgnore',
			type: 'string',
			default: '',
			placeholder: 'e.g. comment, row_number',
			description:
				'Comma-separated input fields that are not SCM fields. extended_id, serial_number and the field that selects the codes are never written.',
			displayOptions: { show: { mappingMode: ['autoMapInputData'] } },
		},
	];
}

export const emptyValuesOption: INodeProperties = {
	displayName: 'Empty Values',
	name: 'emptyValues',
	type: 'options',
	default: 'skip',
	options: [
		{
			name: 'Leave the Field Unchanged',
			value: 'skip',
			description: 'An empty value (or an expression that resolved to nothing) is not sent',
		},
		{ name: 'Clear the Field', value: 'clear', description: 'An empty value is sent and clears the field' },
	],
};

/** One SCM value as the API takes it: text. Numbers and booleans are converted; anything else is refused. */
function scmValue(context: IExecuteFunctions, itemIndex: number, value: unknown, label: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	throw invalid(context, itemIndex, label, `must be text, a number or true/false (got ${describe(value)})`);
}

function describe(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	return String(value);
}

/** Checks the special fields, whose bad values would make Scantrust reject the whole batch. */
function checkSpecialField(context: IExecuteFunctions, itemIndex: number, key: string, value: string): string {
	if (key === ACTIVATION_STATUS) {
		return String(integerInRange(context, itemIndex, value, 'activation_status', 0, 2));
	}
	if (key === BLACKLIST_REASON) {
		return String(integerInRange(context, itemIndex, value, 'blacklist_reason', 0, 10));
	}
	if (key === PRODUCT && !value.trim()) throw invalid(context, itemIndex, 'product', 'is empty');
	return key === PRODUCT ? value.trim() : value;
}

/** Adds one field to `data` after the checks every mapping mode shares. */
export function addScmField(
	context: IExecuteFunctions,
	itemIndex: number,
	data: IDataObject,
	key: string,
	raw: unknown,
	emptyValues: string,
): void {
	const value = scmValue(context, itemIndex, raw, key);
	if (value === undefined || value === '') {
		if (emptyValues !== 'clear') return;
		if ([ACTIVATION_STATUS, BLACKLIST_REASON, PRODUCT].includes(key)) {
			throw invalid(context, itemIndex, key, 'is empty; a special field cannot be cleared');
		}
		data[key] = '';
		return;
	}
	data[key] = checkSpecialField(context, itemIndex, key, value);
}

/**
 * The fields item `itemIndex` writes, from the "Fields to Write" list or (auto-mapping) from the
 * input item. `selectorKey` is the field that selects the codes; it is never written.
 */
export function readScmData(
	context: IExecuteFunctions,
	itemIndex: number,
	options: { mappingMode: string; emptyValues: string; selectorKey?: string },
): IDataObject {
	const data: IDataObject = {};
	const neverWritten = new Set([...CODE_KEYS, ...(options.selectorKey ? [options.selectorKey] : [])]);

	if (options.mappingMode === 'autoMapInputData') {
		const ignore = String(context.getNodeParameter('fieldsToIgnore', itemIndex, '') ?? '')
			.split(',')
			.map((name) => name.trim())
			.filter(Boolean);
		const json = context.getInputData()[itemIndex]?.json ?? {};
		for (const [name, raw] of Object.entries(json)) {
			if (neverWritten.has(name) || ignore.includes(name)) continue;
			if (!/^[A-Za-z0-9_-]+$/.test(name)) {
				throw invalid(
					context,
					itemIndex,
					name,
					'is not a valid SCM field key (letters, digits, "_" or "-"); rename it or add it to "Input Fields to Ignore"',
				);
			}
			addScmField(context, itemIndex, data, name, raw, options.emptyValues);
		}
	} else {
		const rows = context.getNodeParameter('fields.field', itemIndex, []) as IDataObject[];
		const listed = new Set<string>();
		rows.forEach((row, position) => {
			const label = `Field Key (row ${position + 1})`;
			const key = fieldKey(context, itemIndex, row.key, label);
			if (neverWritten.has(key)) throw invalid(context, itemIndex, label, `"${key}" selects codes and cannot be written`);
			if (listed.has(key)) throw invalid(context, itemIndex, label, `"${key}" is listed twice`);
			listed.add(key);
			addScmField(context, itemIndex, data, key, row.value, options.emptyValues);
		});
	}

	if (!Object.keys(data).length) {
		throw invalid(
			context,
			itemIndex,
			options.mappingMode === 'autoMapInputData' ? 'Input' : 'Fields to Write',
			'has no field to write (empty values are left out unless "Empty Values" is "Clear the Field")',
		);
	}
	return data;
}

export const batchSizeOption: INodeProperties = {
	displayName: 'Batch Size',
	name: 'batchSize',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 1000 },
	default: 100,
	description:
		'Codes per request. Scantrust advises fewer than 1,000 codes per synchronous update; a failed request fails its whole batch, so smaller batches fail more cheaply.',
};

/** The batch size is one setting for the whole run; an expression is read for the first item. */
export function readBatchSize(context: IExecuteFunctions, itemIndex: number): number {
	const raw = context.getNodeParameter('options.batchSize', itemIndex, 100);
	return integerInRange(context, itemIndex, raw, 'Batch Size', 1, 1000);
}
