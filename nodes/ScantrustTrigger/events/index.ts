import type { INodeProperties } from 'n8n-workflow';

import * as codeUploadFinished from './codeUploadFinished.event';
import * as newScan from './newScan.event';
import type { TriggerEvent } from './poller';
import { optionsProperty } from './poller';
import * as workOrderCompleted from './workOrderCompleted.event';

/** Event values are stored in saved workflows: never rename them. */
export const events: Record<string, TriggerEvent> = {
	codeUploadFinished: codeUploadFinished.event,
	newScan: newScan.event,
	workOrderCompleted: workOrderCompleted.event,
};

export const eventProperty: INodeProperties = {
	displayName: 'Event',
	name: 'event',
	type: 'options',
	noDataExpression: true,
	default: 'newScan',
	options: [
		{
			name: 'Code Upload Finished',
			value: 'codeUploadFinished',
			description: 'A code upload (ingestion) completed or failed',
		},
		{ name: 'New Scan', value: 'newScan', description: 'A code was scanned' },
		{
			name: 'Work Order Completed',
			value: 'workOrderCompleted',
			description: 'A work order’s codes were generated and can be downloaded',
		},
	],
};

export const properties: INodeProperties[] = [
	eventProperty,
	...newScan.description,
	...workOrderCompleted.description,
	...codeUploadFinished.description,
	optionsProperty,
];
