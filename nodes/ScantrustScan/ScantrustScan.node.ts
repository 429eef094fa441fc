import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchProducts } from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { operations, properties } from './actions';

export class ScantrustScan implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Scan',
		name: 'scantrustScan',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['input'],
		// 1.1: Order (Newest First by default); version 1 keeps Oldest First.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Export Scantrust scan data: who scanned which code, where, and what Scantrust concluded',
		defaults: { name: 'Scantrust Scan' },
		usableAsTool: true,
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
