import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { optionSubtitle } from '../shared/descriptions';
import { searchProducts, searchWorkOrders } from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { getScmFields, searchCampaigns } from '../shared/scmMapper';
import { operationProperty, operations, properties } from './actions';

export class ScantrustCode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Code',
		name: 'scantrustCode',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		// 2: Update Fields picks the campaign's SCM fields in a resource mapper; Blacklist has no
		// preselected reason; Export's output field is a main parameter (1: as shipped; saved
		// workflows keep it). Conditions written "from 1.1" hold for 2.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: optionSubtitle(operationProperty),
		description:
			'Change single codes, one per input item: activate, deactivate, blacklist, move to a product or write a few SCM fields; look codes up or export code data as CSV. For SCM data from a spreadsheet, or codes picked by an SCM value, use Scantrust SCM Data',
		defaults: { name: 'Scantrust Code' },
		// Five of the six operations are plain JSON; Export gives a file, which an agent can pass on.
		usableAsTool: true,
		builderHint: {
			searchHint:
				'Changes the status of single Scantrust codes (activate, deactivate, blacklist with a reason, assign to a product) or a few of their SCM fields, one input item per code, found by extended ID or serial number; Export gives code data as a CSV file. Bulk SCM data from a CSV or spreadsheet belongs in Scantrust SCM Data (Update), which maps columns automatically.',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-scantrust.scantrustScmData', relationHint: 'Bulk SCM data from a file or sheet, codes selected by an SCM value, background updates' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustProduct', relationHint: 'The product codes are assigned to' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustScan', relationHint: 'Scans of a code, e.g. before blacklisting it' },
				{ nodeType: 'n8n-nodes-base.extractFromFile', relationHint: 'Reads a CSV of codes into items, one per code' },
			],
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchProducts, searchWorkOrders, searchCampaigns }, resourceMapping: { getScmFields } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation.call(this, operations);
	}
}
