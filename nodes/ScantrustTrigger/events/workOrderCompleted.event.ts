import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { timeKey } from '../../shared/datetime';
import type { JobSource } from './finishedJobs';
import { pollJobs, sampleJobs } from './finishedJobs';
import type { PollResult, PollRun, TriggerEvent } from './poller';
import { permissionsFor } from '../../shared/permissions';

/** Work Order Completed: a work order's codes are generated and its download is ready. */

export const description: INodeProperties[] = [
	{
		displayName: 'Reference or Remarks Contain',
		name: 'workOrderSearch',
		type: 'string',
		default: '',
		placeholder: 'e.g. PO-2026-',
		description: 'Only work orders whose reference or remarks contain this text. Empty: every work order.',
		displayOptions: { show: { event: ['workOrderCompleted'] } },
	},
];

export const nothingFound = 'None of the most recent work orders is completed, so there is no test event to show';

function source(context: IPollFunctions): JobSource {
	const search = String(context.getNodeParameter('workOrderSearch', '') ?? '').trim();
	return {
		path: '/api/v2/workorders/',
		// Newest first is what the list gives; asked for explicitly so the watched page is the newest one.
		qs: { ordering: '-creation_date', ...(search ? { search } : {}) },
		permissions: permissionsFor('Trigger', 'workOrderCompleted'),
		// `completed` is the one state Scantrust's documentation confirms.
		matches: (record) => record.state === 'completed',
		id: (record) => (record.id === undefined || record.id === null ? undefined : String(record.id)),
		finishedAt: (record: IDataObject) => timeKey(record.completed_at),
	};
}

export async function poll(this: IPollFunctions, run: PollRun): Promise<PollResult> {
	return await pollJobs.call(this, source(this), run);
}

export async function sample(this: IPollFunctions): Promise<IDataObject[]> {
	return await sampleJobs.call(this, source(this));
}

export const event: TriggerEvent = { description, poll, sample, nothingFound };
