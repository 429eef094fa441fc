import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { MINUTE_US } from '../../shared/datetime';
import { apiRequest } from '../../shared/transport';
import { LIST_PAGE_SIZE } from '../../shared/transport/constants';
import type { PollResult, PollRun } from './poller';

/**
 * Work orders and code uploads finish in the background. Their lists are newest first by
 * creation, with no filter on completion time, so the trigger watches the most recent page (one
 * request per poll) and remembers which of the finished jobs on it it has already delivered.
 * A job that drops off the page is forgotten; should it come back (newer ones archived), its
 * finish time, older than the newest delivered by more than a margin, keeps it from repeating.
 */

/** The watched page: the jobs created most recently. A job created before these is not seen finishing. */
export const WATCHED_JOBS = LIST_PAGE_SIZE;

/**
 * Jobs become visible in any order around the time they finish; one that shows up finished a
 * little before the newest delivered job is still new. Older than this margin, it is a job that
 * came back onto the page.
 */
const REAPPEAR_MARGIN_US = 60 * MINUTE_US;

/** "Fetch Test Event": the most recent finished job, one (see the New Scan sample). */
const SAMPLE_SIZE = 1;

export interface JobSource {
	path: string;
	qs: IDataObject;
	permissions: string[];
	/** Finished with an outcome the user asked for. */
	matches(record: IDataObject): boolean;
	id(record: IDataObject): string | undefined;
	/** When the job finished, as a microsecond time key, if the record says. */
	finishedAt(record: IDataObject): number | undefined;
}

async function finishedJobs(context: IPollFunctions, source: JobSource, timeoutMs?: number): Promise<IDataObject[]> {
	const body = await apiRequest.call(context, {
		method: 'GET',
		path: source.path,
		qs: { ...source.qs, limit: WATCHED_JOBS },
		permissions: source.permissions,
		...(timeoutMs ? { timeoutMs } : {}),
	});
	const results = Array.isArray(body.results) ? (body.results as IDataObject[]) : [];
	// Oldest finish first, so events go out in the order the jobs finished (the list is newest first).
	return results
		.filter((record) => source.matches(record) && source.id(record) !== undefined)
		.map((record, index) => ({ record, index, at: source.finishedAt(record) }))
		.sort((a, b) => (a.at ?? -Infinity) - (b.at ?? -Infinity) || b.index - a.index)
		.map((entry) => entry.record);
}

export async function pollJobs(this: IPollFunctions, source: JobSource, run: PollRun): Promise<PollResult> {
	const finished = await finishedJobs(this, source, run.budget.timeoutMs);
	// Other filters watch other jobs: start afresh (a baseline, no backfill) rather than mix the two.
	const filters = JSON.stringify(source.qs);
	const state = run.state?.filters === filters ? run.state : undefined;
	const seen = new Set(Array.isArray(state?.seen) ? (state.seen as string[]) : []);
	let newest = typeof state?.newest === 'number' ? state.newest : undefined;
	const firstRun = state === undefined;
	const startUs =
		run.options.startFrom === undefined || run.state !== undefined ? undefined : run.options.startFrom * 1000;

	const isNew = (record: IDataObject): boolean => {
		const at = source.finishedAt(record);
		if (firstRun) return startUs !== undefined && at !== undefined && at >= startUs;
		if (seen.has(source.id(record) as string)) return false;
		return at === undefined || newest === undefined || at >= newest - REAPPEAR_MARGIN_US;
	};

	const events: IDataObject[] = [];
	const nextSeen: string[] = [];
	for (const record of finished) {
		const id = source.id(record) as string;
		const at = source.finishedAt(record);
		if (isNew(record)) {
			// Past the maximum: left unseen, so the next poll delivers it.
			if (events.length >= run.options.maxPerPoll) continue;
			events.push(record);
		}
		nextSeen.push(id);
		if (at !== undefined && (newest === undefined || at > newest)) newest = at;
	}
	// Only jobs still on the watched page are remembered: the list stays as short as that page.
	return { events, state: { filters, seen: nextSeen, ...(newest !== undefined ? { newest } : {}) } };
}

/** The most recently finished matching jobs on the watched page. */
export async function sampleJobs(this: IPollFunctions, source: JobSource): Promise<IDataObject[]> {
	const finished = await finishedJobs(this, source);
	return finished.slice(-SAMPLE_SIZE);
}
