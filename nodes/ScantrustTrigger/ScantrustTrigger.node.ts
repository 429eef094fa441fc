import type { INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchProducts } from '../shared/listSearch';
import { events, properties } from './events';
import { runEvent } from './events/poller';

export class ScantrustTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Scantrust Trigger',
		name: 'scantrustTrigger',
		icon: { light: 'file:../../icons/scantrust.svg', dark: 'file:../../icons/scantrust.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow on new Scantrust scans, completed work orders and finished code uploads',
		defaults: { name: 'Scantrust Trigger' },
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
