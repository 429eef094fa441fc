import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { optionSubtitle } from '../shared/descriptions';
import { searchProducts } from '../shared/listSearch';
import { eventProperty, events, properties } from './events';
import { runEvent } from './events/poller';

export class ScantrustTrigger implements INodeType {
	description: INodeTypeDescription = {
		// "Scantrust Trigger" showed in the nodes panel as just "Scantrust" (n8n drops " Trigger");
		// the type name stays scantrustTrigger, as saved workflows store it.
		displayName: 'Scantrust Events Trigger',
		name: 'scantrustTrigger',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: optionSubtitle(eventProperty),
		description:
			'Starts the workflow on each new scan (counterfeit and out-of-market alerts), a completed work order or a finished code upload. To export a range of past scans, use Scantrust Scan',
		defaults: { name: 'Scantrust Events Trigger' },
		builderHint: {
			searchHint:
				'Polling trigger for Scantrust: New Scan delivers each new scan once (filter by flags such as counterfeit or out-of-market, product, SCM value), Work Order Completed fires when generated codes can be downloaded, Code Upload Finished when an upload of your own codes completed or failed. For a report over past scans use Scantrust Scan (Get Many).',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-scantrust.scantrustScan', relationHint: 'Exports past scans over a time range instead' },
				{ nodeType: 'n8n-nodes-base.if', relationHint: 'Keeps the scans to alert on, e.g. flags contains counterfeit' },
				{ nodeType: 'n8n-nodes-base.emailSend', relationHint: 'Sends the alert for a suspicious scan' },
				{ nodeType: 'n8n-nodes-scantrust.scantrustWorkOrder', relationHint: 'Downloads the codes of a completed work order' },
			],
		},
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'scantrustApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchProducts } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await runEvent.call(this, events);
	}
}
