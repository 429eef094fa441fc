import type {
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

/** Every n8n context the transport is called from: node executions, searchable lists, the trigger. */
export type ScantrustContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_NAME = 'scantrustApi';

export function cancelSignal(context: ScantrustContext): AbortSignal | undefined {
	if ('getExecutionCancelSignal' in context && typeof context.getExecutionCancelSignal === 'function') {
		return context.getExecutionCancelSignal();
	}
	return undefined;
}
