import type { INodeProperties } from 'n8n-workflow';

import { toolDescriptionProperties } from '../../shared/descriptions';
import type { Operation } from '../../shared/router';
import * as activate from './activate.operation';
import * as assignToProduct from './assignToProduct.operation';
import * as blacklist from './blacklist.operation';
import * as deactivate from './deactivate.operation';
import * as exportCodes from './export.operation';
import * as get from './get.operation';
import * as updateFields from './updateFields.operation';

/** Operation values are stored in saved workflows: never rename them. */
export const operations: Record<string, Operation> = {
	activate,
	assignToProduct,
	blacklist,
	deactivate,
	export: exportCodes,
	get,
	updateFields,
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'activate',
	options: [
		{ name: 'Activate', value: 'activate', description: 'Activate codes', action: 'Activate codes' },
		{
			name: 'Assign to Product',
			value: 'assignToProduct',
			description: 'Move codes to a product (by ID or SKU)',
			action: 'Assign codes to a product',
		},
		{
			name: 'Blacklist',
			value: 'blacklist',
			description: 'Blacklist codes with a reason',
			action: 'Blacklist codes',
		},
		{ name: 'Deactivate', value: 'deactivate', description: 'Deactivate codes', action: 'Deactivate codes' },
		{
			name: 'Export',
			value: 'export',
			description: 'Export code data as a CSV file',
			action: 'Export code data',
		},
		{
			name: 'Get',
			value: 'get',
			description: 'Look up codes by extended ID or serial number: status, product, SCM fields, activation',
			action: 'Get codes',
		},
		{
			name: 'Update Fields',
			value: 'updateFields',
			description: 'Write SCM fields of codes',
			action: 'Update fields of codes',
		},
	],
};

/** What an AI agent reads about each operation when the node is its tool: what it does, changes and costs. */
export const toolDescriptions: Record<string, string> = {
	activate:
		'Activates Scantrust codes, one per input item, found by extended ID or serial number: scans of an active code authenticate. Changes each code\'s activation status to active; Deactivate undoes it. Returns one item per code with status "active", or status "notFound" when no code has that ID. Cost: one request per 100 codes (the batch size), paced under Scantrust\'s limit of 10 SCM requests a second.',
	assignToProduct:
		'Moves Scantrust codes, one per input item (extended ID or serial number), to another product given by ID or SKU: scans of the code then show that product. Changes the codes\' product; assigning back undoes it. Returns one item per code with status "assigned" or "notFound". Cost: one request per 100 codes (the batch size), paced under Scantrust\'s limit of 10 SCM requests a second. A SKU costs one lookup request.',
	blacklist:
		'DESTRUCTIVE: blacklists Scantrust codes with a reason (counterfeits detected, stolen, WO canceled, ...), one code per input item by extended ID or serial number. Consumers scanning a blacklisted code are warned; only call it when the user asked to blacklist these exact codes. Undone only by activating the codes again. Returns one item per code with status "blacklisted" or "notFound". Cost: one request per 100 codes (the batch size), paced under Scantrust\'s limit of 10 SCM requests a second.',
	deactivate:
		'Deactivates Scantrust codes, one per input item, found by extended ID or serial number: scans of an inactive code no longer authenticate. Changes each code\'s activation status to inactive; Activate undoes it. Returns one item per code with status "inactive" or "notFound". Cost: one request per 100 codes (the batch size), paced under Scantrust\'s limit of 10 SCM requests a second.',
	get:
		'Looks up Scantrust codes by extended ID or serial number, one per input item, and returns each code\'s status in words (active, inactive, blacklisted), blacklist reason, product and SCM fields; use it to answer "is this code blacklisted?". Changes nothing. Cost: one code export per 150 codes: a request to start it, a status request every second until Scantrust has built it (a few seconds), one download.',
	export:
		'Exports Scantrust code data (extended ID, serial number, status, product, SCM fields) as a CSV file, filtered by work order, product, status or SCM value. Changes nothing. Cost: one request to start the export, a status request every few seconds until Scantrust has built the file (seconds to minutes for large sets), one download.',
	updateFields:
		'Writes SCM (supply-chain) fields such as lot_number or production_date of single Scantrust codes, one per input item by extended ID or serial number; overwrites the fields\' current values. Returns one item per code with status "updated", "notFound" or the fields Scantrust did not write. Cost: one request per 100 codes (the batch size), paced under Scantrust\'s limit of 10 SCM requests a second.',
};

export const properties: INodeProperties[] = [
	operationProperty,
	...activate.description,
	...deactivate.description,
	...blacklist.description,
	...assignToProduct.description,
	...updateFields.description,
	...exportCodes.description,
	...get.description,
	...toolDescriptionProperties(toolDescriptions),
];
