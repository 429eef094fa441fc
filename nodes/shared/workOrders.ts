import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';

import { apiRequest, paginate } from './transport';
import { invalid } from './validate';
import { permissionsFor } from './permissions';
import { readLocator, resourceLocator } from './locators';
import type { LocatorValue } from './locators';

/** Finding a work order, for the Work Order node and the Code Upload node's "Add to Work Order". */

export const WORKORDER_VIEW = permissionsFor('Work Order', 'get');

export const workOrderLocator: INodeProperties = resourceLocator({
	displayName: 'Work Order',
	name: 'workOrder',
	searchListMethod: 'searchWorkOrders',
	required: true,
	modes: [
		{ displayName: 'By ID', name: 'id', placeholder: 'e.g. 5101', numericMessage: 'A work order ID is a number' },
		{ displayName: 'By Reference', name: 'reference', placeholder: 'e.g. WO-2026-0042' },
	],
});

/** The locator's mode and value, checked before any request. */
export function workOrderLocatorValue(
	context: IExecuteFunctions,
	itemIndex: number,
	name = 'workOrder',
): { mode: string; value: string } {
	const { mode, value } = readLocator(context, itemIndex, name);
	if (!value) throw invalid(context, itemIndex, 'Work Order', 'is empty');
	if ((mode === 'id' || mode === 'list') && !/^\d+$/.test(value)) {
		throw invalid(context, itemIndex, 'Work Order', `must be a numeric work order ID (got "${value}")`);
	}
	return { mode, value };
}

export async function getWorkOrder(
	this: IExecuteFunctions,
	id: number,
	itemIndex: number,
	permissions: string[] = WORKORDER_VIEW,
): Promise<IDataObject> {
	return await apiRequest.call(this, {
		method: 'GET',
		path: `/api/v2/workorders/${id}/`,
		itemIndex,
		permissions,
	});
}

/**
 * Finds a work order by its exact reference (unique within the company). The documented
 * `search` matches parts of the reference and the remarks, so the results are filtered for an
 * exact match; archived work orders are listed separately and keep their reference.
 */
export async function findWorkOrderByReference(
	this: IExecuteFunctions,
	reference: string,
	itemIndex: number,
	permissions: string[] = WORKORDER_VIEW,
): Promise<IDataObject | undefined> {
	for (const archived of [0, 1]) {
		const pages = paginate.call(this, {
			path: '/api/v2/workorders/',
			qs: { search: reference, is_archived: archived },
			itemIndex,
			permissions,
		});
		for await (const page of pages) {
			const match = page.find((workOrder) => workOrder.reference === reference);
			if (match) return match;
		}
	}
	return undefined;
}

/** The work order a locator names (read with {@link workOrderLocatorValue}), as Scantrust returns it. */
export async function resolveWorkOrder(
	this: IExecuteFunctions,
	itemIndex: number,
	{ mode, value }: LocatorValue,
	permissions: string[] = WORKORDER_VIEW,
): Promise<IDataObject> {
	if (mode !== 'reference') return await getWorkOrder.call(this, Number(value), itemIndex, permissions);
	const found = await findWorkOrderByReference.call(this, value, itemIndex, permissions);
	if (!found) throw invalid(this, itemIndex, 'Work Order', `has no match: no work order with reference "${value}"`);
	return found;
}
