import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { optionSubtitle } from '../shared/descriptions';
import {
	searchIngestionRecords,
	searchIngestionTemplates,
	searchWorkOrders,
} from '../shared/listSearch';
import { runOperation } from '../shared/router';
import { operationProperty, operations, properties } from './actions';

export class ScantrustCodeUpload implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Code Upload',
		name: 'scantrustCodeUpload',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['transform'],
		// 1.1: Simplify on by default, required choices instead of silent defaults, small lists as an AI tool (CHANGELOG 0.2.0).
		version: [1, 1.1],
		subtitle: optionSubtitle(operationProperty),
		description:
			'Bring your own code IDs into Scantrust, from input items or a CSV/JSON file: into a new work order from a template, an existing one, or none. To have Scantrust generate the codes, use Scantrust Work Order',
		defaults: { name: 'Scantrust Code Upload' },
		// Codes come from items as often as from files, and the record operations are plain JSON.
		usableAsTool: true,
		builderHint: {
			searchHint:
				'Uploads code IDs you already have (from input items or a CSV/JSON file) into Scantrust: Create From Template makes a new work order from a template and fills it, Add to Work Order fills an existing one, Add SIDs adds plain SID codes; records and Wait for Completion follow the upload. To have Scantrust generate new codes use Scantrust Work Order.',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-scantrust.scantrustWorkOrder', relationHint: 'Generate new codes instead of uploading your own' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustTrigger', relationHint: 'Starts a workflow when a code upload finishes' },
				{ nodeType: 'n8n-nodes-base.readWriteFile', relationHint: 'Reads the CSV/JSON file of code IDs' },
			],
		},
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
