import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { permissionsFor } from './permissions';
import { SCM_UPLOAD_PERMISSIONS } from './scmFields';
import { apiRequest, waitFor } from './transport';
import type { WaitOptions } from './transport/wait';
import { invalid } from './validate';

/** SCM async tasks (`GET /api/v2/scm/tasks/{id}/`, scantrust-api.md §4.4), shared by Update Async and Get Task. */

export const TASK_PERMISSIONS = permissionsFor('SCM Data', 'getTask');

/**
 * Starts an async SCM update (`POST /api/v2/scm/upload/async/`, §4.3) and returns its task ID.
 * Not sent again when its fate is unknown (no answer, 502, 504): a second task would be a second
 * change, and Scantrust has no documented way to list tasks and find the first one.
 */
export async function startScmTask(
	this: IExecuteFunctions,
	constraints: IDataObject,
	scmData: IDataObject,
	itemIndex: number,
): Promise<string> {
	const started = await apiRequest.call(this, {
		method: 'POST',
		path: '/api/v2/scm/upload/async/',
		body: { constraints, scm_data: scmData },
		itemIndex,
		permissions: SCM_UPLOAD_PERMISSIONS,
		throttleScope: 'scm',
		safeToRepeat: false,
	});
	const taskId = String(started.task_id ?? '');
	if (!taskId) {
		throw new NodeOperationError(this.getNode(), 'Scantrust accepted the async update but returned no task ID', {
			itemIndex,
			description: `Its answer was: ${JSON.stringify(started).slice(0, 300)}`,
		});
	}
	return taskId;
}

/**
 * The client code seen calling the API uses pending, in-progress, complete and failed; the docs say
 * "pending, running, error". Anything not known to be still running is final (the reference's advice).
 */
const RUNNING = new Set(['pending', 'in-progress', 'in_progress', 'running', 'queued', 'started']);
const FAILED = new Set(['failed', 'error', 'failure']);

export function isRunning(task: IDataObject): boolean {
	return RUNNING.has(String(task.state ?? '').toLowerCase());
}

export function hasFailed(task: IDataObject): boolean {
	return FAILED.has(String(task.state ?? '').toLowerCase());
}

/** A task ID goes into the URL path, so it must be one path segment. */
export function checkTaskId(context: IExecuteFunctions, itemIndex: number, value: unknown): string {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) throw invalid(context, itemIndex, 'Task ID', 'is empty');
	if (!/^[A-Za-z0-9_.:-]+$/.test(text)) {
		throw invalid(context, itemIndex, 'Task ID', `must be the task_id Scantrust returned, e.g. 3f2b…-…; got "${text}"`);
	}
	return text;
}

export async function getTask(this: IExecuteFunctions, taskId: string, itemIndex: number): Promise<IDataObject> {
	return await apiRequest.call(this, {
		method: 'GET',
		path: `/api/v2/scm/tasks/${encodeURIComponent(taskId)}/`,
		itemIndex,
		permissions: TASK_PERMISSIONS,
	});
}

export async function waitForTask(
	this: IExecuteFunctions,
	taskId: string,
	itemIndex: number,
	intervalMs: number,
	timeoutMs: number,
): Promise<IDataObject> {
	const wait: WaitOptions<IDataObject> = {
		what: `SCM task ${taskId} to finish`,
		itemIndex,
		intervalMs,
		timeoutMs,
		check: async () => {
			const task = await getTask.call(this, taskId, itemIndex);
			return { done: !isRunning(task), value: task, state: String(task.state ?? 'unknown') };
		},
	};
	// `.call` loses the generic; the check above returns tasks.
	return (await waitFor.call(this, wait)) as IDataObject;
}

export function taskFailedError(context: IExecuteFunctions, task: IDataObject, itemIndex: number): NodeOperationError {
	const name = task.reference ? `${String(task.reference)} (${String(task.id)})` : String(task.id);
	return new NodeOperationError(context.getNode(), `The SCM task ${name} ended in state "${String(task.state)}"`, {
		itemIndex,
		description:
			'Scantrust checks the values of an async update in the background (an unknown product, a bad activation status or blacklist reason) and does not say which one failed. See the task under "Code Transactions" in the Scantrust portal, fix the data and run the node again.',
	});
}
