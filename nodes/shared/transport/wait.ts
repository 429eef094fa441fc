import { NodeOperationError, sleep } from 'n8n-workflow';

import { cancelSignal } from './context';
import type { ScantrustContext } from './context';

export interface WaitOptions<T> {
	/** what we wait for, in words: "work order 53 to complete" */
	what: string;
	itemIndex?: number;
	intervalMs: number;
	timeoutMs: number;
	/** one look at the job; `done` ends the wait, `state` is reported if the wait times out */
	check: () => Promise<{ done: boolean; value: T; state?: string }>;
}

/**
 * Polls a background job (SCM task, code export, work order, code upload) until it is done,
 * the timeout passes or the execution is cancelled. Waits with n8n's `sleep`. The last wait is
 * cut short so that the last look falls on the timeout itself: a job done just before it is
 * still seen, and a wait never ends one interval early.
 */
export async function waitFor<T>(this: ScantrustContext, options: WaitOptions<T>): Promise<T> {
	const signal = cancelSignal(this);
	const started = Date.now();
	for (;;) {
		const look = await options.check();
		if (look.done) return look.value;
		const elapsed = Date.now() - started;
		if (elapsed >= options.timeoutMs) {
			throw new NodeOperationError(
				this.getNode(),
				`Timed out after ${Math.round(elapsed / 1000)} s waiting for ${options.what}`,
				{
					itemIndex: options.itemIndex,
					description: `Last state: ${look.state ?? 'unknown'}. The job goes on in Scantrust; raise the timeout, or check it later with the matching "Get" operation.`,
				},
			);
		}
		await sleep(Math.min(options.intervalMs, options.timeoutMs - elapsed));
		if (signal?.aborted) {
			throw new NodeOperationError(this.getNode(), `The execution was cancelled while waiting for ${options.what}`, {
				itemIndex: options.itemIndex,
			});
		}
	}
}
