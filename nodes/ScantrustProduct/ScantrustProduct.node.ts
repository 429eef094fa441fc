import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { optionSubtitle } from '../shared/descriptions';
import { searchBrands, searchProducts } from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { operationProperty, operations, properties } from './actions';

export class ScantrustProduct implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Product',
		name: 'scantrustProduct',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		// 1.1: Simplify on by default, required choices instead of silent defaults, small lists as an AI tool (CHANGELOG 0.2.0).
		version: [1, 1.1],
		subtitle: optionSubtitle(operationProperty),
		description:
			'Create, get, update and delete the Scantrust products that codes are assigned to',
		defaults: { name: 'Scantrust Product' },
		usableAsTool: true,
		builderHint: {
			searchHint:
				'Manages Scantrust products (name, SKU, brand, campaign, client URL): create, get by ID or SKU, list, update, delete. Codes are assigned to products with Scantrust Code (Assign to Product) or when a work order is created.',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-scantrust.scantrustCode', relationHint: 'Assign codes to a product' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustWorkOrder', relationHint: 'Generate codes for a product' },
			],
		},
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
