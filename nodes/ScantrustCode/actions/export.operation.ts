import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { startCodeExport, waitForCodeExport } from '../../shared/codeExport';
import { FROM_VERSION_1_1, VERSION_1 } from '../../shared/descriptions';
import { waitParameters, waitSettings } from '../../shared/waiting';
import type { WaitSettings } from '../../shared/waiting';
import { downloadToBinary } from '../../shared/transport';
import { userDateIso } from '../../shared/datetime';
import { codeIdentifier, fieldKey, invalid, positiveInteger } from '../../shared/validate';

/** Code data export (scantrust-api.md §7): start, wait for the document, get a link, download the CSV. */

const outputFieldProperty: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	hint: 'The name of the output binary field to put the CSV file in',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		description: 'Without filters every code of the company is exported',
		options: [
			{
				displayName: 'Activated After',
				name: 'activatedFrom',
				type: 'dateTime',
				default: '',
				description: 'Only codes activated at or after this time',
			},
			{
				displayName: 'Activated Before',
				name: 'activatedTo',
				type: 'dateTime',
				default: '',
				description: 'Only codes activated at or before this time; needs "Activated After"',
			},
			{
				displayName: 'Activated By (User ID)',
				name: 'activatedBy',
				type: 'string',
				default: '',
				description: 'Only codes activated by this Scantrust user',
			},
			{
				displayName: 'Blacklisted',
				name: 'blacklisted',
				type: 'options',
				default: 'true',
				options: [
					{ name: 'Only Blacklisted Codes', value: 'true' },
					{ name: 'Only Codes Not Blacklisted', value: 'false' },
				],
			},
			{
				displayName: 'Brand IDs',
				name: 'brands',
				type: 'string',
				default: '',
				placeholder: 'e.g. 1115',
				description: 'One brand ID, or several separated by commas',
			},
			{
				displayName: 'Campaign ID',
				name: 'campaign',
				type: 'string',
				default: '',
				placeholder: 'e.g. 2207',
				description: 'Find it in the portal dashboard URL (campaignId=...)',
			},
			{
				displayName: 'Extended ID',
				name: 'extendedId',
				type: 'string',
				default: '',
				description: 'Only the code with exactly this extended ID',
			},
			{
				displayName: 'Product IDs',
				name: 'products',
				type: 'string',
				default: '',
				placeholder: 'e.g. 6326',
				description: 'One product ID (not SKU), or several separated by commas',
			},
			{
				displayName: 'SCM Fields',
				name: 'scmFields',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add SCM Field',
				default: {},
				description: 'Only codes whose SCM field has exactly this value',
				options: [
					{
						displayName: 'SCM Field',
						name: 'field',
						values: [
							{ displayName: 'Field Key', name: 'key', type: 'string', default: '', placeholder: 'e.g. case_number' },
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'SCM Updated After',
				name: 'updatedFrom',
				type: 'dateTime',
				default: '',
				description: 'Only codes whose SCM data changed at or after this time',
			},
			{
				displayName: 'SCM Updated Before',
				name: 'updatedTo',
				type: 'dateTime',
				default: '',
				description: 'Only codes whose SCM data changed at or before this time; needs "SCM Updated After"',
			},
			{
				displayName: 'Serial Number',
				name: 'serialNumber',
				type: 'string',
				default: '',
				description: 'Only the code with exactly this serial number',
			},
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: '1',
				options: [
					{ name: 'Active', value: '1' },
					{ name: 'Blacklisted', value: '2' },
					{ name: 'Inactive', value: '0' },
				],
			},
			{
				displayName: 'Work Order ID',
				name: 'workorder',
				type: 'string',
				default: '',
				placeholder: 'e.g. 5101',
			},
		],
	},
	{
		// From 1.1 the output field sits where Work Order → Download Codes has it, outside Options;
		// version 1 keeps it in Options, where its saved workflows store it.
		...outputFieldProperty,
		required: true,
		displayOptions: { show: FROM_VERSION_1_1 },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ ...outputFieldProperty, displayOptions: { show: VERSION_1 } },
			...waitParameters('export'),
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['export'] } }, properties);

/** Comma-separated IDs, each a positive whole number. */
function idList(context: IExecuteFunctions, itemIndex: number, raw: unknown, label: string): string {
	return String(raw ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((part) => String(positiveInteger(context, itemIndex, part, label)))
		.join(',');
}

/**
 * A date filter value (the picker's wall time, a typed date, or a date from an expression) as the
 * UTC instant Scantrust is sent, read in the workflow's time zone like Scan → Get Many's dates.
 */
function dateValue(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	label: string,
	bound: 'from' | 'to',
): string | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const iso = userDateIso(raw, context.getTimezone(), { endOfDay: bound === 'to' });
	if (iso === undefined) throw invalid(context, itemIndex, label, `must be a date like 2026-01-31 (got "${String(raw)}")`);
	return iso;
}

/**
 * `a,b` (documented). A start alone goes as a range up to now, so the filter means "from then on"
 * whether Scantrust reads a single value as "from" or as "that day".
 */
function dateRange(
	context: IExecuteFunctions,
	itemIndex: number,
	fromRaw: unknown,
	toRaw: unknown,
	labels: [string, string],
): string | undefined {
	const from = dateValue(context, itemIndex, fromRaw, labels[0], 'from');
	const to = dateValue(context, itemIndex, toRaw, labels[1], 'to');
	if (!from && !to) return undefined;
	if (!from) throw invalid(context, itemIndex, labels[1], `needs "${labels[0]}" too (Scantrust takes a range from,to)`);
	if (to && Date.parse(from) > Date.parse(to)) {
		throw invalid(context, itemIndex, labels[0], `is after "${labels[1]}" (${from} > ${to})`);
	}
	return `${from},${to ?? new Date().toISOString()}`;
}

/** The §7.1 query from the Filters collection; every value is checked before anything is sent. */
function exportQuery(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const filters = context.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	const ids: Array<[string, string, string]> = [
		['campaign', 'campaign', 'Campaign ID'],
		['brands', 'brands', 'Brand IDs'],
		['products', 'products', 'Product IDs'],
		['workorder', 'workorder', 'Work Order ID'],
		['activatedBy', 'activated_by', 'Activated By (User ID)'],
	];
	for (const [name, param, label] of ids) {
		const value = idList(context, itemIndex, filters[name], label);
		if (!value) continue;
		if (param !== 'brands' && param !== 'products' && value.includes(',')) {
			throw invalid(context, itemIndex, label, 'takes a single ID');
		}
		qs[param] = value;
	}
	const activated = dateRange(context, itemIndex, filters.activatedFrom, filters.activatedTo, [
		'Activated After',
		'Activated Before',
	]);
	if (activated) qs.activated_at = activated;
	const updated = dateRange(context, itemIndex, filters.updatedFrom, filters.updatedTo, [
		'SCM Updated After',
		'SCM Updated Before',
	]);
	if (updated) qs.updated_at = updated;
	if (filters.status !== undefined && filters.status !== '') {
		if (!['0', '1', '2'].includes(String(filters.status))) throw invalid(context, itemIndex, 'Status', 'must be 0, 1 or 2');
		qs.status = String(filters.status);
	}
	if (filters.blacklisted !== undefined && filters.blacklisted !== '') {
		qs.blacklisted = String(filters.blacklisted) === 'false' ? 'false' : 'true';
	}
	if (filters.extendedId) qs.extended_id = codeIdentifier(context, itemIndex, filters.extendedId, 'Extended ID');
	if (filters.serialNumber) qs.serial_number = codeIdentifier(context, itemIndex, filters.serialNumber, 'Serial Number');
	const scmRows = ((filters.scmFields as IDataObject | undefined)?.field as IDataObject[] | undefined) ?? [];
	scmRows.forEach((row, position) => {
		const key = fieldKey(context, itemIndex, row.key, `SCM Fields: Field Key (row ${position + 1})`);
		qs[`scm_${key}`] = String(row.value ?? '');
	});
	return qs;
}

function binaryPropertyName(context: IExecuteFunctions, itemIndex: number, options: IDataObject): string {
	// Version 1 keeps the field in Options (see the description above).
	const raw =
		context.getNode().typeVersion >= 1.1
			? context.getNodeParameter('binaryPropertyName', itemIndex, 'data')
			: options.binaryPropertyName;
	const name = String(raw ?? 'data').trim();
	if (!name || /\s/.test(name)) throw invalid(context, itemIndex, 'Put Output File in Field', 'must be a field name without spaces');
	return name;
}

interface ExportInput {
	qs: IDataObject;
	property: string;
	wait: WaitSettings;
}

export function validate(this: IExecuteFunctions, itemIndex: number): ExportInput {
	const qs = exportQuery(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { qs, property: binaryPropertyName(this, itemIndex, options), wait: waitSettings(this, itemIndex, { options }) };
}

export async function execute(this: IExecuteFunctions, itemIndex: number, input: ExportInput): Promise<INodeExecutionData[]> {
	const key = await startCodeExport.call(this, input.qs, itemIndex);
	const { document, url } = await waitForCodeExport.call(this, key, itemIndex, input.wait);
	// The link is pre-signed for the file store: the download sends no token, and the link stays out
	// of the output because anyone holding it can read the file until it expires. The CSV streams
	// into n8n's binary store: an export of every code of a company never sits in memory.
	const fileName = `scantrust-codes-${key}.csv`;
	const { binary } = await downloadToBinary.call(this, url, { fileName, mimeType: 'text/csv', itemIndex });
	return [
		{
			json: { ...document, fileName },
			binary: { [input.property]: binary },
			pairedItem: { item: itemIndex },
		},
	];
}
