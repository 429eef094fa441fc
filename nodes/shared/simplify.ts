import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { FROM_VERSION_1_1, VERSION_1 } from './descriptions';
import type { ItemOperation, OperationResult } from './router';
import { blacklistReasonName, codeStatusName } from './codeStatus';

/**
 * n8n's "Simplify" convention for the operations whose records are large (scans, work orders,
 * products): flat items with the fields people use, numbers given their names; the full record
 * when switched off. On by default from node version 1.1; version 1 returned full records and
 * keeps doing so unless switched on, so saved workflows see the same items as before.
 */

const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description: 'Whether to return flat items with the most used fields instead of the full Scantrust record',
	builderHint: {
		propertyHint:
			'Keep true: flat fields such as status, extended_id, product_sku, country. Set false only when a later node needs nested fields of the full record.',
	},
};

/** The Simplify switch for the given operations: on by default from version 1.1, off in version 1. */
export function simplifyProperties(operations: string[]): INodeProperties[] {
	return [
		{ ...simplifyProperty, displayOptions: { show: { operation: operations, ...FROM_VERSION_1_1 } } },
		{ ...simplifyProperty, default: false, displayOptions: { show: { operation: operations, ...VERSION_1 } } },
	];
}

export function readSimplify(context: IExecuteFunctions, itemIndex: number): boolean {
	return context.getNodeParameter('simplify', itemIndex, false) === true;
}

/**
 * The operation with Simplify applied to what it returns. Records are replaced in place, one at
 * a time, so a large export does not hold two copies; items that carry a file pass unchanged.
 */
export function withSimplify(operation: ItemOperation, simplify: (record: IDataObject) => IDataObject): ItemOperation {
	interface Input {
		input: unknown;
		simplify: boolean;
	}
	return {
		...operation,
		// The switch is read with the operation's own input, before any request.
		async validate(this: IExecuteFunctions, itemIndex: number): Promise<Input> {
			return { input: await operation.validate?.call(this, itemIndex), simplify: readSimplify(this, itemIndex) };
		},
		async execute(this: IExecuteFunctions, itemIndex: number, read: unknown): Promise<OperationResult> {
			const { input, simplify: on } = read as Input;
			const result = await operation.execute.call(this, itemIndex, input);
			if (!on) return result;
			if (!Array.isArray(result)) return isRecord(result) ? simplify(result) : result;
			for (let k = 0; k < result.length; k++) {
				const entry = result[k];
				if (isRecord(entry)) result[k] = simplify(entry);
			}
			return result;
		},
	};
}

/**
 * Pages of records with Simplify applied as they arrive (each page in place), for exports that
 * stream pages into items or into a file: the file then holds what the items would have held.
 */
export async function* simplifyPages(
	on: boolean,
	pages: AsyncIterable<IDataObject[]>,
	simplify: (record: IDataObject) => IDataObject,
): AsyncGenerator<IDataObject[], void, undefined> {
	for await (const page of pages) {
		if (on) for (let k = 0; k < page.length; k++) page[k] = simplify(page[k]);
		yield page;
	}
}

/** A plain record, not a ready-made item (a file output), told apart as the router does. */
function isRecord(value: unknown): value is IDataObject {
	if (typeof value !== 'object' || value === null) return false;
	return !('json' in value && typeof (value as { json: unknown }).json === 'object');
}

const object = (value: unknown): IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as IDataObject) : {};

/**
 * A scan (§8.2: sections scan, user, code, product, device, location, scm) as one flat item.
 * SCM values become `scm_<key>`; `flags` stays a list, so an IF node can test "contains".
 */
export function simplifyScan(record: IDataObject): IDataObject {
	const scan = object(record.scan);
	const code = object(record.code);
	const product = object(record.product);
	const device = object(record.device);
	const location = object(record.location);
	const simple: IDataObject = {
		scan_uuid: scan.uuid ?? null,
		scanned_at: scan.datetime ?? null,
		status: scan.computed_status ?? null,
		flags: Array.isArray(scan.flags) ? scan.flags : [],
		result: scan.result ?? null,
		reason: scan.reason ?? null,
		auth_failure_mode: scan.auth_failure_mode ?? null,
		extended_id: code.extended_id ?? null,
		serial_number: code.serial_number ?? null,
		code_status: code.activation_status === undefined || code.activation_status === null ? null : codeStatusName(code.activation_status),
		blacklist_reason: blacklistReasonName(code.blacklist_reason),
		product_id: product.id ?? null,
		product_sku: product.sku ?? null,
		product_name: product.name ?? null,
		brand_name: product.brand_name ?? null,
		country: location.country ?? null,
		city: location.city ?? null,
		location_source: location.source ?? null,
		latitude: location.latitude ?? null,
		longitude: location.longitude ?? null,
		device_os: device.os ?? null,
		device_model: device.model ?? null,
		app: scan.app ?? null,
		user_email: object(record.user).email ?? null,
	};
	for (const [key, value] of Object.entries(object(record.scm))) simple[`scm_${key}`] = value;
	return simple;
}

/** A work order without the two full company records it carries. */
export function simplifyWorkOrder(record: IDataObject): IDataObject {
	return {
		id: record.id ?? null,
		reference: record.reference ?? null,
		state: record.state ?? null,
		quantity: record.quantity ?? null,
		product_id: typeof record.product === 'object' ? (object(record.product).id ?? null) : (record.product ?? null),
		type: record.type ?? null,
		remarks: record.remarks ?? null,
		activate_on_complete: record.activate_on_complete ?? null,
		use_serial_number: record.use_serial_number ?? null,
		is_archived: record.is_archived ?? null,
		creation_date: record.creation_date ?? null,
		completed_at: record.completed_at ?? null,
		codegen_file: record.codegen_file ?? null,
		printing_partner_name: object(record.printing_partner).name ?? null,
	};
}

/** A product with its brand and campaign flattened to ID and name (§2.1). */
export function simplifyProduct(record: IDataObject): IDataObject {
	const brand = object(record.brand);
	const campaign = object(record.campaign);
	return {
		id: record.id ?? null,
		sku: record.sku ?? null,
		name: record.name ?? null,
		description: record.description ?? null,
		brand_id: brand.id ?? (typeof record.brand === 'number' ? record.brand : null),
		brand_name: brand.name ?? null,
		campaign_id: campaign.id ?? (typeof record.campaign === 'number' ? record.campaign : null),
		campaign_name: campaign.name ?? null,
		client_url: record.client_url ?? null,
		is_archived: record.is_archived ?? null,
		creation_date: record.creation_date ?? null,
		code_count: record.code_count ?? null,
		active_code_count: record.active_code_count ?? null,
		blacklisted_code_count: record.blacklisted_code_count ?? null,
	};
}
