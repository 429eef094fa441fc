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
import { operationProperty, operations, properties } from './actions';

export class ScantrustWorkOrder implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Work Order',
		name: 'scantrustWorkOrder',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		// 1.1: Simplify on by default, required choices instead of silent defaults, small lists as an AI tool (CHANGELOG 0.2.0).
		version: [1, 1.1],
		subtitle: optionSubtitle(operationProperty),
		description:
			'Have Scantrust generate new codes (SID work orders), wait for them and download them. To bring in code IDs you already have, use Scantrust Code Upload',
		defaults: { name: 'Scantrust Work Order' },
		usableAsTool: true,
		builderHint: {
			searchHint:
				'Generates new Scantrust codes: Create makes a SID work order for a quantity of codes (optionally waiting until they exist), Wait for Completion waits for one, Download Codes gives the zip with the codes; Get, Get Many and Get Templates read work orders. Codes whose IDs you already have are uploaded with Scantrust Code Upload instead.',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-scantrust.scantrustCodeUpload', relationHint: 'Upload your own code IDs instead of generating them' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustProduct', relationHint: 'The product the generated codes are assigned to' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustTrigger', relationHint: 'Starts a workflow when a work order completes' },
				{ nodeType: 'n8n-nodes-base.compression', relationHint: 'Unpacks the downloaded codes zip' },
			],
		},
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
