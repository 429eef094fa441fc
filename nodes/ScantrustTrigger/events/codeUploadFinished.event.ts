import type { IDataObject, INodeProperties, IPollFunctions } from 'n8n-workflow';

import { timeKey } from '../../shared/datetime';
import type { JobSource } from './finishedJobs';
import { pollJobs, sampleJobs } from './finishedJobs';
import type { PollResult, PollRun, TriggerEvent } from './poller';
import { permissionsFor } from '../../shared/permissions';

/** Code Upload Finished: an ingestion record reached `completed` or `error`. */

export const description: INodeProperties[] = [
	{
		displayName: 'Outcome',
		name: 'uploadOutcome',
		type: 'options',
		default: 'any',
		options: [
			{ name: 'Completed or Failed', value: 'any' },
			{ name: 'Completed', value: 'completed', description: 'The codes were created' },
			{
				name: 'Failed',
				value: 'error',
				description: 'No code was created; the record’s result_data lists the errors',
			},
		],
		displayOptions: { show: { event: ['codeUploadFinished'] } },
	},
];

export const nothingFound =
	'None of the most recent code uploads has finished with this outcome, so there is no test event to show';

const FINISHED = ['completed', 'error'];

function source(context: IPollFunctions): JobSource {
	const outcome = context.getNodeParameter('uploadOutcome', 'any') as string;
	const wanted = FINISHED.includes(outcome) ? [outcome] : FINISHED;
	return {
		path: '/api/v2/ingestion/',
		// One outcome: let Scantrust filter, so the watched page holds only finished uploads.
		qs: { type: 'code', ...(wanted.length === 1 ? { status: wanted[0] } : {}) },
		permissions: permissionsFor('Trigger', 'codeUploadFinished'),
		matches: (record) => wanted.includes(String(record.status)),
		id: (record) => {
			const id = record.key ?? record.id;
			return id === undefined || id === null ? undefined : String(id);
		},
		finishedAt: (record: IDataObject) => timeKey(record.status_updated_at),
	};
}

export async function poll(this: IPollFunctions, run: PollRun): Promise<PollResult> {
	return await pollJobs.call(this, source(this), run);
}

export async function sample(this: IPollFunctions): Promise<IDataObject[]> {
	return await sampleJobs.call(this, source(this));
}

export const event: TriggerEvent = { description, poll, sample, nothingFound };
