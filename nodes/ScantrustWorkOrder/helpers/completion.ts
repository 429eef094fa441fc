import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { waitFor } from '../../shared/transport';
import { getWorkOrder } from '../../shared/workOrders';

/**
 * Codes are generated in the background; Scantrust documents polling until `state` is
 * `completed` and a `codegen_file` link is present (both, as the link may come a moment later).
 */
export function isGenerated(workOrder: IDataObject): boolean {
	return workOrder.state === 'completed' && typeof workOrder.codegen_file === 'string' && !!workOrder.codegen_file;
}

/** The portal's "Canceled" status; waiting on a cancelled work order would only run into the timeout. */
const CANCELLED = new Set(['canceled', 'cancelled']);

/** Polls the work order until its codes are generated; returns the completed work order. */
export async function waitUntilGenerated(
	this: IExecuteFunctions,
	id: number,
	itemIndex: number,
	settings: { intervalMs: number; timeoutMs: number },
): Promise<IDataObject> {
	return (await waitFor.call(this, {
		what: `work order ${id} to complete`,
		itemIndex,
		...settings,
		check: async () => {
			const workOrder = await getWorkOrder.call(this, id, itemIndex);
			const state = String(workOrder.state ?? '');
			if (CANCELLED.has(state.toLowerCase())) {
				throw new NodeOperationError(
					this.getNode(),
					`Work order ${String(workOrder.reference ?? id)} was cancelled; its codes will not be generated`,
					{ itemIndex },
				);
			}
			return {
				done: isGenerated(workOrder),
				value: workOrder,
				state: state === 'completed' ? 'completed, code file not ready yet' : state,
			};
		},
	})) as IDataObject;
}
