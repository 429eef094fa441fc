import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { runOperation } from '../shared/router';
import { getScmFields, searchCampaigns } from '../shared/scmMapper';
import { operations, properties } from './actions';

export class ScantrustScmData implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust SCM Data',
		name: 'scantrustScmData',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		// 2: the campaign's SCM fields are picked in a resource mapper (1: keys typed by hand; saved workflows keep it)
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Write supply-chain (SCM) data to Scantrust codes, in batches or as a background task',
		defaults: { name: 'Scantrust SCM Data' },
		usableAsTool: true,
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
