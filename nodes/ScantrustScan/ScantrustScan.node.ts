import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { optionSubtitle } from '../shared/descriptions';
import { searchProducts } from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { operationProperty, operations, properties } from './actions';

export class ScantrustScan implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Scan',
		name: 'scantrustScan',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['input'],
		// 1.1: Order (Newest First by default; version 1 keeps Oldest First), Simplify on by default,
		// a small list as an AI tool (CHANGELOG).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: optionSubtitle(operationProperty),
		description:
			'Export scans on demand, for reports and backfills: who scanned which code, where, and what Scantrust concluded. To act on each new scan as it happens, use the Scantrust Events Trigger',
		defaults: { name: 'Scantrust Scan' },
		usableAsTool: true,
		builderHint: {
			searchHint:
				'Exports Scantrust scan records for a time range (last day, week, custom dates), optionally only suspicious scans (counterfeit, out of market) or by product, SCM value or activation status: for reports, dashboards and backfills. To react to each new scan as it happens (alerts), use the Scantrust Events Trigger.',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-scantrust.scantrustTrigger', relationHint: 'Reacts to each new scan instead of exporting a range' },
				{ nodeType: 'n8n-nodes-base.convertToFile', relationHint: 'Turns the scans into a CSV report' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustCode', relationHint: 'Blacklist a code found in suspicious scans' },
			],
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchProducts } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation.call(this, operations);
	}
}
