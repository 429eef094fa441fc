import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchProducts } from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { getScmFields, searchCampaigns } from '../shared/scmMapper';
import { operations, properties } from './actions';

export class ScantrustCode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Code',
		name: 'scantrustCode',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		// 2: Update Fields picks the campaign's SCM fields in a resource mapper (1: keys typed by hand; saved workflows keep it)
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Activate, deactivate, blacklist and reassign Scantrust codes, write their fields, export code data',
		defaults: { name: 'Scantrust Code' },
		// Five of the six operations are plain JSON; Export gives a file, which an agent can pass on.
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchProducts, searchCampaigns }, resourceMapping: { getScmFields } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation.call(this, operations);
	}
}
