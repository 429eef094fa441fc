import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

/** Every n8n context the transport is called from: node executions, searchable lists, the trigger. */
export type ScantrustContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_NAME = 'scantrustApi';

/**
 * One attempt's own abort controller, ended also by the execution's cancel until `done`: a body
 * read as a stream can then be ended on its own (it stalled) without cancelling the execution.
 */
export function attemptController(cancel: AbortSignal | undefined): { controller: AbortController; done: () => void } {
	const controller = new AbortController();
	const onCancel = () => controller.abort();
	cancel?.addEventListener('abort', onCancel, { once: true });
	return { controller, done: () => cancel?.removeEventListener('abort', onCancel) };
}

export function cancelSignal(context: ScantrustContext): AbortSignal | undefined {
	if ('getExecutionCancelSignal' in context && typeof context.getExecutionCancelSignal === 'function') {
		return context.getExecutionCancelSignal();
	}
	return undefined;
}
