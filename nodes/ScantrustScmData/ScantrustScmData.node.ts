import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { optionSubtitle } from '../shared/descriptions';
import { runOperation } from '../shared/router';
import { getScmFields, searchCampaigns } from '../shared/scmMapper';
import { operationProperty, operations, properties } from './actions';

export class ScantrustScmData implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust SCM Data',
		name: 'scantrustScmData',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		// 2: the campaign's SCM fields are picked in a resource mapper (1: keys typed by hand; saved workflows keep it)
		version: [1, 2],
		defaultVersion: 2,
		subtitle: optionSubtitle(operationProperty),
		description:
			'Write supply-chain (SCM) fields to many codes: by extended ID, serial number or an SCM value that selects several codes, in batches or as one background task. For a status change of single codes, use Scantrust Code',
		defaults: { name: 'Scantrust SCM Data' },
		usableAsTool: true,
		builderHint: {
			searchHint:
				'Writes supply-chain (SCM) fields such as lot number or production date onto Scantrust codes in bulk: Update takes one input item per code (or per SCM value) and can map input columns to SCM fields automatically; Update Async writes the same fields to every code matching constraints as a background task; Get Task reads such a task. Single-code status changes belong in Scantrust Code.',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-scantrust.scantrustCode', relationHint: 'Status of single codes: activate, deactivate, blacklist, assign to product' },
				{ nodeType: 'n8n-nodes-base.extractFromFile', relationHint: 'Reads the CSV whose rows become SCM updates' },
				{ nodeType: 'n8n-nodes-base.if', relationHint: 'Routes rows whose code was not found (codeFound false)' },
			],
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchCampaigns }, resourceMapping: { getScmFields } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation.call(this, operations);
	}
}
