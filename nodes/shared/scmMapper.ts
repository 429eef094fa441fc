import type {
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeParameterResourceLocator,
	INodeProperties,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { exportCodes } from './codeExport';
import { addScmField, CODE_KEYS, SPECIAL_FIELDS } from './scmFields';
import { nonIsoDateProblem, normaliseFieldName } from './scmValues';
import { apiCall, apiRequest } from './transport';
import { invalid } from './validate';
import { resourceLocator } from './locators';

/**
 * SCM field keys a person can pick instead of knowing (SCM Data → Update and Code → Update Fields
 * from node version 2). Scantrust documents no endpoint for a campaign's SCM fields, so they are
 * learnt from its own data (scantrust-api.md §7.3, §8.2): one page of the campaign's scans gives a
 * code of the campaign, and the code export of that one code has one CSV column per SCM field key
 * of its campaign. A campaign none of whose codes was scanned in the last year tells nothing this
 * way; the editor says so and the keys can still be written by automatic mapping.
 *
 * The editor shows the fields in n8n's resource mapper (as Airtable and Google Sheets do); the
 * schema it saves in the workflow is what the run checks against, so a column the campaign lacks
 * is known before anything is sent.
 */

/** Scans looked at for a code of the campaign; the export then reads one code. */
const SCAN_SAMPLE = 20;
/** How far back the sample looks (a documented timeframe form). */
const SCAN_TIMEFRAME = '1y';
/** The editor waits for the one-code export at most this long. */
const FIELD_EXPORT_WAIT = { intervalMs: 1000, timeoutMs: 60_000 };
/** Product pages read for the campaign list per call (100 products each). */
const CAMPAIGN_PAGES = 10;

/** The special fields with built-in behaviour (SPEC), offered next to the campaign's own. */
const SPECIAL_FIELD_LABELS: Record<string, string> = {
	product: 'Product (ID or SKU) · product',
	activation_status: 'Activation Status (0 Inactive, 1 Active, 2 Blacklisted) · activation_status',
	blacklist_reason: 'Blacklist Reason (1–10) · blacklist_reason',
};

export const campaignLocator: INodeProperties = resourceLocator({
	displayName: 'Campaign',
	name: 'campaign',
	searchListMethod: 'searchCampaigns',
	required: true,
	description:
		'The campaign of the codes: its SCM fields are offered below. Scantrust discards fields that are not set up in the code’s campaign.',
	modes: [{ displayName: 'By ID', name: 'id', placeholder: 'e.g. 2207', numericMessage: 'A campaign ID is a number' }],
});

export const scmColumnsProperty: INodeProperties = {
	displayName: 'Fields to Write',
	name: 'columns',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: ['campaign.value'],
		resourceMapper: {
			resourceMapperMethod: 'getScmFields',
			mode: 'add',
			valuesLabel: 'Fields to Write',
			fieldWords: { singular: 'SCM field', plural: 'SCM fields' },
			addAllFields: false,
			multiKeyMatch: false,
			supportAutoMap: true,
			noFieldsError: 'No SCM fields found for this campaign',
		},
	},
	description:
		'Map Automatically writes every input column whose name matches an SCM field ("Lot Number" goes to lot_number)',
};

/** Input-item checks of the resource-mapper mapping, in the Options collection. */
export const mapperOptions: INodeProperties[] = [
	{
		displayName: 'Columns the Campaign Lacks',
		name: 'unknownFields',
		type: 'options',
		default: 'error',
		description: 'Map Automatically: what to do with an input column that matches no SCM field of the campaign',
		options: [
			{
				name: 'Stop Before Sending',
				value: 'error',
				description: 'Refuse the item, naming the column (list columns that are not SCM data under "Input Fields to Ignore")',
			},
			{
				name: 'Leave Out With a Warning',
				value: 'warn',
				description: 'Write the other fields; the output item’s "warnings" names the column',
			},
			{
				name: 'Send Them Too (Codes of Several Campaigns)',
				value: 'send',
				description:
					'Send the column under its normalised name ("Farm Name" as farm_name) for codes of other campaigns; Scantrust discards it where a code’s campaign lacks it, and the output says so',
			},
		],
	},
	{
		displayName: 'Dates Not Written YYYY-MM-DD',
		name: 'nonIsoDates',
		type: 'options',
		default: 'error',
		description:
			'A value such as 02/03/2026: Scantrust stores it as sent, and its portal shows dates that are not YYYY-MM-DD wrongly',
		options: [
			{ name: 'Stop Before Sending', value: 'error', description: 'Refuse the item, naming the field' },
			{
				name: 'Send as Is With a Warning',
				value: 'warn',
				description: 'Write the value unchanged; the output item’s "warnings" names the field',
			},
		],
	},
	{
		displayName: 'Input Fields to Ignore',
		name: 'fieldsToIgnore',
		type: 'string',
		default: '',
		placeholder: 'e.g. comment, row_number',
		description:
			'Map Automatically: comma-separated input fields that are not SCM data. extended_id, serial_number and the field that selects the codes are never written.',
	},
];

/** The node's version: 1 keeps the free-text field keys, 2 picks them from the campaign. */
export function usesScmMapper(context: IExecuteFunctions): boolean {
	return context.getNode().typeVersion >= 2;
}

function campaignName(campaign: IDataObject): string {
	const name = String(campaign.name ?? '').trim();
	return name ? `${name} (${String(campaign.id)})` : `Campaign ${String(campaign.id)}`;
}

/**
 * Campaigns for the list: no campaign endpoint is documented, but every product embeds its campaign
 * (§2.1), so the products are read and their campaigns listed once each.
 */
export async function searchCampaigns(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const seen = new Map<string, string>();
	let offset = Number(paginationToken ?? 0) || 0;
	let more = false;
	for (let page = 0; page < CAMPAIGN_PAGES; page++) {
		const body = await apiRequest.call(this, {
			method: 'GET',
			path: '/api/v2/products/',
			qs: { limit: 100, offset },
			permissions: ['product_view'],
		});
		for (const product of (body.results as IDataObject[] | undefined) ?? []) {
			const campaign = product.campaign as IDataObject | null | undefined;
			if (campaign && campaign.id !== undefined && !seen.has(String(campaign.id))) {
				seen.set(String(campaign.id), campaignName(campaign));
			}
		}
		offset += 100;
		more = Boolean(body.next);
		if (!more) break;
	}
	const needle = (filter ?? '').toLowerCase();
	const results = [...seen]
		.map(([value, name]) => ({ name, value }))
		.filter((entry) => !needle || entry.name.toLowerCase().includes(needle));
	return { results, paginationToken: more ? String(offset) : undefined };
}

interface LearntKeys {
	keys: string[];
	/** how the keys were learnt, for the editor's notice */
	source: 'export' | 'scans' | 'none';
	reason?: string;
}

/** The SCM field keys of campaign `campaignId`, from its own data (see the top of this file). */
export async function learnScmFieldKeys(this: ILoadOptionsFunctions, campaignId: string): Promise<LearntKeys> {
	const scans = await apiCall.call(this, {
		method: 'GET',
		path: '/api/v2/dashboard/scans/',
		qs: { page_mode: 'cursor', timeframe: SCAN_TIMEFRAME, campaign_id: campaignId, page_size: SCAN_SAMPLE },
		permissions: ['scans_download'],
		acceptStatuses: [403],
	});
	if (scans.status === 403) {
		return { keys: [], source: 'none', reason: 'the UAT token lacks scans_download, which finds a code of the campaign' };
	}
	const records = (((scans.body as IDataObject | undefined)?.results as IDataObject[] | undefined) ?? []).slice(0, SCAN_SAMPLE);
	const scanKeys: string[] = [];
	for (const scan of records) {
		for (const key of Object.keys((scan.scm as IDataObject | undefined) ?? {})) if (!scanKeys.includes(key)) scanKeys.push(key);
	}
	const code = [...records].reverse().map((scan) => (scan.code as IDataObject | undefined)?.extended_id).find(Boolean);
	if (!code) {
		return { keys: [], source: 'none', reason: `no code of campaign ${campaignId} was scanned in the last year` };
	}
	const exported = await exportCodes.call(this, { extended_id: String(code), campaign: campaignId }, undefined, FIELD_EXPORT_WAIT);
	if (exported.records.length) return { keys: exported.scmKeys, source: 'export' };
	// The scanned code has moved to another campaign since: what its scans carried is all we know.
	return scanKeys.length
		? { keys: scanKeys, source: 'scans', reason: 'taken from scans, which only carry the fields that had a value' }
		: { keys: [], source: 'none', reason: `the scanned code ${String(code)} is no longer in campaign ${campaignId}` };
}

function fieldLabel(key: string): string {
	const words = key
		.split(/[_-]+/)
		.filter(Boolean)
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
	return `${words.join(' ') || key} · ${key}`;
}

function schemaField(id: string, displayName: string): ResourceMapperField {
	return { id, displayName, required: false, defaultMatch: false, canBeUsedToMatch: false, display: true, type: 'string' };
}

/** The resource mapper's fields: the campaign's SCM fields, then the special fields. */
export async function getScmFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const raw = this.getNodeParameter('campaign', undefined, { extractValue: true }) as unknown;
	const campaignId = String(raw ?? '').trim();
	if (!/^\d+$/.test(campaignId)) {
		return { fields: [], emptyFieldsNotice: 'Choose the campaign first: its SCM fields are listed here.' };
	}
	// Transport failures are already NodeApiErrors the editor shows as they are.
	const learnt = await learnScmFieldKeys.call(this, campaignId);
	const keys = learnt.keys.filter((key) => !CODE_KEYS.includes(key) && !SPECIAL_FIELDS.includes(key));
	if (!keys.length) {
		return {
			fields: [],
			emptyFieldsNotice: `Scantrust's data does not tell this campaign's SCM fields yet: ${learnt.reason ?? 'no field found'}. Switch to "Map Automatically" with input columns named like the field keys (shown in brackets in the Scantrust portal under the campaign's Options → SCM T&T), or refresh once a code of the campaign has been scanned.`,
		};
	}
	return {
		fields: [
			...keys.map((key) => schemaField(key, fieldLabel(key))),
			...SPECIAL_FIELDS.map((key) => schemaField(key, SPECIAL_FIELD_LABELS[key] ?? key)),
		],
	};
}

/** What one item writes through the mapper, and what the run should say about it. */
export interface MappedScmData {
	data: IDataObject;
	warnings: string[];
}

interface MapperOptions {
	/** the field that selects the codes; never written */
	selectorKey?: string;
	emptyValues: string;
	/** the item's "Options" collection, already read */
	settings: IDataObject;
}

function describeCampaign(context: IExecuteFunctions, itemIndex: number): string {
	const locator = context.getNodeParameter('campaign', itemIndex, {}) as INodeParameterResourceLocator | string;
	const value = typeof locator === 'object' && locator ? locator.cachedResultName ?? locator.value : locator;
	return value ? `campaign ${String(value)}` : 'the campaign';
}

/**
 * The fields item `itemIndex` writes, from the resource mapper: the fields mapped below, or
 * (Map Automatically) every input column matched to a field of the saved schema by normalised
 * name. A column the campaign lacks and a date not written YYYY-MM-DD are refused before anything
 * is sent, or with the options left out / sent as is and named in `warnings`.
 */
export function readMappedScmData(context: IExecuteFunctions, itemIndex: number, options: MapperOptions): MappedScmData {
	const mode = context.getNodeParameter('columns.mappingMode', itemIndex, 'defineBelow') as string;
	const schema = (context.getNodeParameter('columns.schema', itemIndex, []) as ResourceMapperField[]) ?? [];
	const { settings } = options;
	const unknownFields = String(settings.unknownFields ?? 'error');
	const nonIsoDates = String(settings.nonIsoDates ?? 'error');
	const neverWritten = new Set([...CODE_KEYS, ...(options.selectorKey ? [options.selectorKey] : [])]);
	const campaignKeys = schema.map((field) => field.id).filter((id) => !SPECIAL_FIELDS.includes(id));
	const data: IDataObject = {};
	const warnings: string[] = [];
	const sources = new Map<string, string>();

	const write = (key: string, raw: unknown, source: string) => {
		if (sources.has(key)) {
			throw invalid(context, itemIndex, source, `and "${sources.get(key)}" both go to the SCM field ${key}; keep one`);
		}
		sources.set(key, source);
		if (typeof raw === 'string' && !SPECIAL_FIELDS.includes(key)) {
			const problem = nonIsoDateProblem(raw);
			if (problem && nonIsoDates !== 'warn') {
				throw invalid(context, itemIndex, source, `${problem}. Convert it, e.g. {{ DateTime.fromFormat($json.date, 'dd/MM/yyyy').toISODate() }}, or set "Dates Not Written YYYY-MM-DD" to "Send as Is With a Warning"`);
			}
			if (problem) warnings.push(`${key} ${problem}`);
		}
		addScmField(context, itemIndex, data, key, raw, options.emptyValues);
	};

	if (mode === 'autoMapInputData') {
		const ignore = new Set(
			String(settings.fieldsToIgnore ?? '')
				.split(',')
				.map((name) => name.trim())
				.filter(Boolean),
		);
		const byName = new Map<string, string>();
		for (const field of schema) {
			byName.set(normaliseFieldName(field.id), field.id);
			byName.set(normaliseFieldName(String(field.displayName ?? '').split(' · ')[0]), field.id);
		}
		for (const key of [...CODE_KEYS, ...SPECIAL_FIELDS]) byName.set(key, key);
		const json = context.getInputData()[itemIndex]?.json ?? {};
		for (const [column, raw] of Object.entries(json)) {
			if (ignore.has(column)) continue;
			const normalised = normaliseFieldName(column);
			// Unchecked when nothing told the fields (no schema) or when asked to send them anyway.
			const unchecked = !campaignKeys.length || unknownFields === 'send';
			const key = byName.get(normalised) ?? (unchecked ? normalised || undefined : undefined);
			if (key && neverWritten.has(key)) continue;
			if (!key) {
				const known = campaignKeys.length ? ` (its SCM fields: ${campaignKeys.join(', ')})` : '';
				const problem = `matches no SCM field of ${describeCampaign(context, itemIndex)}${known}`;
				if (unknownFields !== 'warn') {
					throw invalid(context, itemIndex, column, `${problem}; add it to "Input Fields to Ignore", rename the column, or set "Columns the Campaign Lacks" to "Leave Out With a Warning"`);
				}
				warnings.push(`Column "${column}" ${problem}: not written`);
				continue;
			}
			write(key, raw, column);
		}
	} else {
		const value = (context.getNodeParameter('columns.value', itemIndex, {}) as IDataObject | null) ?? {};
		for (const [key, raw] of Object.entries(value)) {
			if (neverWritten.has(key)) throw invalid(context, itemIndex, key, 'selects codes and cannot be written');
			if (!/^[A-Za-z0-9_-]+$/.test(key)) throw invalid(context, itemIndex, key, 'is not a valid SCM field key');
			write(key, raw, key);
		}
	}

	if (!Object.keys(data).length) {
		throw invalid(
			context,
			itemIndex,
			mode === 'autoMapInputData' ? 'Input' : 'Fields to Write',
			'has no field to write (empty values are left out unless "Empty Values" is "Clear the Field")',
		);
	}
	return { data, warnings };
}
