import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	searchIngestionRecords,
	searchIngestionTemplates,
	searchWorkOrders,
} from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { operations, properties } from './actions';

export class ScantrustCodeUpload implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Code Upload',
		name: 'scantrustCodeUpload',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"]}}',
		description: 'Upload your own code IDs to Scantrust, from input items or a CSV/JSON file',
		defaults: { name: 'Scantrust Code Upload' },
		// Codes come from items as often as from files, and the record operations are plain JSON.
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchIngestionRecords, searchIngestionTemplates, searchWorkOrders } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperation.call(this, operations);
	}
}
