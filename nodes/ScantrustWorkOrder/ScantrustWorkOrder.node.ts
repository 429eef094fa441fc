import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchProducts, searchWorkOrders } from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { operations, properties } from './actions';

export class ScantrustWorkOrder implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Work Order',
		name: 'scantrustWorkOrder',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Generate Scantrust codes with work orders and download them',
		defaults: { name: 'Scantrust Work Order' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchProducts, searchWorkOrders } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation.call(this, operations);
	}
}
