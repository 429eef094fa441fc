import type {
	IDataObject,
	IDisplayOptions,
	INodeProperties,
	NodeOperationError,
} from 'n8n-workflow';

import { productLocator } from './descriptions';
import { findProductBySku } from './lookups';
import type { ScantrustContext } from './transport';
import { permissionsFor } from './permissions';
import { unwrapLocator } from './locators';

/**
 * The scan export's filters, written once for the Scan node (Get Many) and the trigger
 * (New Scan): the parameters, their checks and the query they become (scantrust-api.md §8.1).
 */

export const SCAN_EXPORT_PATH = '/api/v2/dashboard/scans/';
export const SCANS_DOWNLOAD = permissionsFor('Scan', 'getMany');

/** The documentation's own example of "suspicious scans" is `flags=counterfeit,out-of-market`. */
export const SUSPICIOUS_FLAGS = ['counterfeit', 'out-of-market'];

/**
 * Query parameters the export uses for itself. Scantrust takes SCM filters as `<key>=<value>`,
 * so an SCM key with one of these names would silently change the request's meaning instead.
 */
const RESERVED_PARAMETERS = new Set([
	'page_mode',
	'timeframe',
	'date_from',
	'date_to',
	'campaign_id',
	'flags',
	'activation_status',
	'product',
	'cursor',
	'page_size',
	'limit',
	'offset',
	'format',
	'ordering',
	'search',
]);

/** The shared parameters; `show` is the caller's display condition (operation or event). */
export function scanFilterProperties(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: 'Only Suspicious Scans',
			name: 'onlySuspicious',
			type: 'boolean',
			default: false,
			description:
				'Whether to keep only scans Scantrust flagged as counterfeit or out of market (scanned outside the code’s intended market)',
			displayOptions: { show },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			displayOptions: { show },
			options: [
				{
					displayName: 'Activation Status',
					name: 'activationStatus',
					type: 'options',
					default: 1,
					options: [
						{ name: 'Active', value: 1 },
						{ name: 'Blacklisted', value: 2 },
						{ name: 'Inactive', value: 0 },
					],
					description: 'Only scans of codes that had this status when they were scanned',
				},
				{
					displayName: 'Campaign ID',
					name: 'campaignId',
					type: 'number',
					default: 0,
					description:
						'Only scans of this campaign. Find the ID in the Scantrust portal’s dashboard URL (…campaignId=126).',
				},
				{
					displayName: 'Flags',
					name: 'flags',
					type: 'multiOptions',
					default: [],
					options: [
						{ name: 'Blacklisted', value: 'blacklisted', description: 'The code was blacklisted' },
						{ name: 'Counterfeit', value: 'counterfeit', description: 'The scan was judged a copy' },
						{ name: 'Inactive', value: 'inactive', description: 'The code was not activated' },
						{
							name: 'Out of Market',
							value: 'out-of-market',
							description: 'Scanned outside the code’s intended market',
						},
					],
					description: 'Only scans carrying at least one of these flags',
				},
				{
					...productLocator,
					required: false,
					description: 'Only scans of codes assigned to this product',
				},
				{
					displayName: 'SCM Fields',
					name: 'scmFields',
					type: 'fixedCollection',
					typeOptions: { multipleValues: true },
					placeholder: 'Add SCM Field',
					default: {},
					description: 'Only scans whose code had these SCM values when it was scanned (all must match)',
					options: [
						{
							displayName: 'Field',
							name: 'field',
							values: [
								{
									displayName: 'Key',
									name: 'key',
									type: 'string',
									default: '',
									placeholder: 'e.g. lot_number',
									description:
										'The SCM field key, shown in brackets under the campaign’s Options → SCM T&T tab in the portal',
								},
								{
									displayName: 'Value',
									name: 'value',
									type: 'string',
									default: '',
									placeholder: 'e.g. L1-004',
								},
							],
						},
					],
				},
			],
		},
	];
}

/** Builds the error for a bad filter value; the Scan node names the item, the trigger does not. */
export type FilterProblem = (field: string, problem: string) => NodeOperationError;

/** The checked filters: the query to send, and a product SKU still to be turned into its ID. */
export interface ScanFilters {
	qs: IDataObject;
	productSku?: string;
}

/** Checks the filter parameters and turns them into query parameters. Sends nothing. */
export function readScanFilters(onlySuspicious: unknown, filters: IDataObject, problem: FilterProblem): ScanFilters {
	const qs: IDataObject = {};
	let productSku: string | undefined;

	if (filters.campaignId !== undefined) {
		const campaign = Number(filters.campaignId);
		if (!Number.isInteger(campaign) || campaign <= 0) {
			throw problem('Campaign ID', `must be a positive whole number (got "${String(filters.campaignId)}")`);
		}
		qs.campaign_id = campaign;
	}

	if (filters.product !== undefined) {
		const { mode, value } = unwrapLocator(filters.product);
		if (!value) throw problem('Product', 'is empty');
		if (mode === 'sku') productSku = value;
		else if (!/^\d+$/.test(value)) throw problem('Product', `must be a numeric product ID (got "${value}")`);
		else qs.product = Number(value);
	}

	const flags = new Set<string>(onlySuspicious === true ? SUSPICIOUS_FLAGS : []);
	for (const flag of (filters.flags as string[] | undefined) ?? []) flags.add(flag);
	// The export matches a scan carrying any of the listed flags, so the union is what both settings ask for.
	if (flags.size) qs.flags = [...flags].join(',');

	if (filters.activationStatus !== undefined) {
		const status = Number(filters.activationStatus);
		if (![0, 1, 2].includes(status)) {
			throw problem('Activation Status', `must be 0, 1 or 2 (got "${String(filters.activationStatus)}")`);
		}
		qs.activation_status = status;
	}

	const scmFields = ((filters.scmFields as IDataObject | undefined)?.field as IDataObject[] | undefined) ?? [];
	for (const [index, field] of scmFields.entries()) {
		const label = `SCM Fields ${index + 1}`;
		const key = String(field.key ?? '').trim();
		const value = field.value === undefined || field.value === null ? '' : String(field.value).trim();
		if (!key) throw problem(`${label} Key`, 'is empty');
		if (!/^[A-Za-z0-9_-]+$/.test(key)) {
			throw problem(`${label} Key`, `must be an SCM field key of letters, digits, "_" or "-" (got "${key}")`);
		}
		if (RESERVED_PARAMETERS.has(key.toLowerCase())) {
			throw problem(`${label} Key`, `"${key}" is one of the export's own parameters, not an SCM field key`);
		}
		if (key in qs) throw problem(`${label} Key`, `"${key}" is used twice`);
		if (!value) throw problem(`${label} Value`, 'is empty');
		qs[key] = value;
	}
	return { qs, productSku };
}

/** The product filter given by SKU becomes the product ID the export takes (it does not take SKUs). */
export async function resolveScanProduct(
	this: ScantrustContext,
	sku: string,
	problem: FilterProblem,
	itemIndex?: number,
): Promise<number> {
	const product = await findProductBySku.call(this, sku, itemIndex ?? 0);
	if (!product) throw problem('Product', `has no match: no product with SKU "${sku}"`);
	return Number(product.id);
}
