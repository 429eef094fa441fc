import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchBrands, searchProducts } from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { operations, properties } from './actions';

export class ScantrustProduct implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Product',
		name: 'scantrustProduct',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Create, read, update and delete Scantrust products',
		defaults: { name: 'Scantrust Product' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchBrands, searchProducts } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation.call(this, operations);
	}
}
