import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { hasFailed, startScmTask, taskFailedError, waitForTask } from '../../shared/scmTask';
import { exportCodes } from '../../shared/codeExport';
import { productLocator } from '../../shared/descriptions';
import { resolveProductId } from '../../shared/lookups';
import { asNodeError, errorItem } from '../../shared/router';
import { addWarningHint } from '../../shared/scmBatch';
import { fieldKey, invalid } from '../../shared/validate';
import { waitParameters, waitSettings } from '../../shared/waiting';
import type { WaitSettings } from '../../shared/waiting';
import { unwrapLocator } from '../../shared/locators';
import type { LocatorValue } from '../../shared/locators';
import { findWorkOrderByReference, workOrderLocator, workOrderLocatorValue } from '../../shared/workOrders';

/**
 * Activate, Deactivate, Blacklist and Assign to Product for a whole set of codes: every code of a
 * work order, of a product, or with an SCM value (a lot). One input item = one set. The change goes
 * through the async SCM upload with constraints (scantrust-api.md §4.3), which cannot time out:
 * - an SCM value is a documented constraint key, so it is the constraint itself;
 * - work orders and products are not documented constraint keys, so their codes are first read
 *   through the documented code export (`workorder=` / `products=`, §7.1) and sent as
 *   `extended_id` lists, at most CODES_PER_TASK per task.
 */

export const CODES_FROM = 'codesFrom';
export const INPUT_ITEMS = 'inputItems';

/** Extended IDs per async task: about 15 bytes each, so a body stays near 150 KB. */
export const CODES_PER_TASK = 10_000;

type SetKind = 'workOrder' | 'product' | 'scmValue';

const show = (kinds: string[]) => ({ displayOptions: { show: { [CODES_FROM]: kinds } } });

/** The "Codes" selector: one code per input item (the original behaviour, the default), or a set. */
export const codesFromProperty: INodeProperties = {
	displayName: 'Codes',
	name: CODES_FROM,
	type: 'options',
	noDataExpression: true,
	default: INPUT_ITEMS,
	options: [
		{
			name: 'One Code per Input Item',
			value: INPUT_ITEMS,
			description: 'Each input item names one code by extended ID or serial number',
		},
		{
			name: 'All Codes of a Work Order',
			value: 'workOrder',
			description: 'For example, blacklist every code of a cancelled work order; one input item per work order',
		},
		{
			name: 'All Codes of a Product',
			value: 'product',
			description: 'Every code assigned to the product; one input item per product',
		},
		{
			name: 'All Codes With an SCM Value',
			value: 'scmValue',
			description: 'Every code whose SCM field has the value, e.g. a lot number; one input item per value',
		},
	],
};

/** The parameters that say which set, shown for the set choices only. */
export function codeSetProperties(): INodeProperties[] {
	return [
		{ ...workOrderLocator, description: 'The work order whose codes change', ...show(['workOrder']) },
		{
			...productLocator,
			name: 'codesOfProduct',
			displayName: 'Product of the Codes',
			description: 'The product whose codes change',
			...show(['product']),
		},
		{
			displayName: 'SCM Field Key',
			name: 'setScmFieldKey',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. lot_number',
			description: 'Key of the SCM field, as set up in the campaign',
			...show(['scmValue']),
		},
		{
			displayName: 'SCM Field Value',
			name: 'setScmFieldValue',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. L2026-014',
			description: 'Every code whose SCM field has exactly this value changes',
			...show(['scmValue']),
		},
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait until Scantrust has applied the change and output the number of codes affected; otherwise output the task IDs at once (check them with SCM Data → Get Task)',
			...show(['workOrder', 'product', 'scmValue']),
		},
	];
}

/** Poll interval and timeout in the Options collection, for the set choices with waiting on. */
export const codeSetWaitOptions: INodeProperties[] = waitParameters('change').map((option) => ({
	...option,
	displayOptions: { show: { [`/${CODES_FROM}`]: ['workOrder', 'product', 'scmValue'] } },
}));

export function codesFromSet(context: IExecuteFunctions): boolean {
	return context.getNodeParameter(CODES_FROM, 0, INPUT_ITEMS) !== INPUT_ITEMS;
}

interface CodeSet {
	kind: SetKind;
	/** what the output says the set is */
	described: IDataObject;
	/** the async constraint for an SCM value; the export filter for a work order or product */
	constraint?: IDataObject;
	exportFilter?: IDataObject;
	label: string;
}

/** Which set an item names, read and checked before any request (a reference or SKU is resolved later). */
export interface CodeSetInput {
	kind: SetKind;
	workOrder?: LocatorValue;
	product?: LocatorValue;
	scm?: { key: string; value: string };
	waitForCompletion: boolean;
	/** for the tasks, and for the code export that lists a work order's or product's codes */
	wait: WaitSettings;
}

/** Reads and checks which set item `itemIndex` names; sends nothing. */
export function checkCodeSet(context: IExecuteFunctions, itemIndex: number): CodeSetInput {
	const kind = context.getNodeParameter(CODES_FROM, itemIndex, INPUT_ITEMS) as string;
	const set: Partial<CodeSetInput> = {};
	if (kind === 'workOrder') set.workOrder = workOrderLocatorValue(context, itemIndex);
	else if (kind === 'product') set.product = readProductLocator(context, itemIndex);
	else if (kind === 'scmValue') set.scm = scmValueOf(context, itemIndex);
	else throw invalid(context, itemIndex, 'Codes', `"${kind}" is not one of the choices`);
	const waitForCompletion = context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return { ...set, kind, waitForCompletion, wait: waitSettings(context, itemIndex, { options }) };
}

function readProductLocator(context: IExecuteFunctions, itemIndex: number): LocatorValue {
	const locator = unwrapLocator(context.getNodeParameter('codesOfProduct', itemIndex, {}));
	if (!locator.value) throw invalid(context, itemIndex, 'Product of the Codes', 'is empty');
	if (locator.mode !== 'sku' && !/^\d+$/.test(locator.value)) {
		throw invalid(context, itemIndex, 'Product of the Codes', `must be a numeric product ID (got "${locator.value}")`);
	}
	return locator;
}

function scmValueOf(context: IExecuteFunctions, itemIndex: number): { key: string; value: string } {
	const key = fieldKey(context, itemIndex, context.getNodeParameter('setScmFieldKey', itemIndex, ''), 'SCM Field Key');
	if (key === 'extended_id' || key === 'serial_number') {
		throw invalid(context, itemIndex, 'SCM Field Key', `"${key}" is not an SCM field; choose "One Code per Input Item" instead`);
	}
	const raw = context.getNodeParameter('setScmFieldValue', itemIndex, '') as unknown;
	const value = raw === undefined || raw === null ? '' : String(raw).trim();
	if (!value) throw invalid(context, itemIndex, 'SCM Field Value', 'is empty');
	return { key, value };
}

async function resolveSet(this: IExecuteFunctions, itemIndex: number, input: CodeSetInput): Promise<CodeSet> {
	const { kind } = input;
	if (input.scm) {
		const { key, value } = input.scm;
		return { kind, described: { scm_field: key, scm_value: value }, constraint: { [key]: value }, label: `${key} "${value}"` };
	}
	if (input.product) {
		const id = await resolveProductId.call(this, itemIndex, input.product);
		return { kind, described: { product_id: id }, exportFilter: { products: String(id) }, label: `product ${id}` };
	}
	const { mode, value } = input.workOrder as LocatorValue;
	let id = Number(value);
	if (mode === 'reference') {
		const found = await findWorkOrderByReference.call(this, value, itemIndex);
		if (!found) throw invalid(this, itemIndex, 'Work Order', `has no match: no work order with reference "${value}"`);
		id = Number(found.id);
	}
	return { kind, described: { workorder_id: id }, exportFilter: { workorder: String(id) }, label: `work order ${id}` };
}

/** Applies `scmData` to one item's set; the output says which set, how many codes, and the tasks. */
async function changeSet(
	this: IExecuteFunctions,
	itemIndex: number,
	input: CodeSetInput,
	scmData: IDataObject,
	result: IDataObject,
): Promise<IDataObject> {
	const set = await resolveSet.call(this, itemIndex, input);
	const { wait } = input;
	const json: IDataObject = { codes: set.kind, ...set.described, ...result };
	const constraints: IDataObject[] = [];
	if (set.constraint) constraints.push(set.constraint);
	else {
		const exported = await exportCodes.call(this, set.exportFilter as IDataObject, itemIndex, wait);
		const ids = exported.records.map((row) => row.extended_id).filter(Boolean);
		json.codesSelected = ids.length;
		for (let start = 0; start < ids.length; start += CODES_PER_TASK) {
			constraints.push({ extended_id: ids.slice(start, start + CODES_PER_TASK) });
		}
	}
	const taskIds: string[] = [];
	for (const constraint of constraints) taskIds.push(await startScmTask.call(this, constraint, scmData, itemIndex));
	if (!input.waitForCompletion) {
		json.tasks = taskIds.map((task_id) => ({ task_id }));
		if (!taskIds.length) json.warnings = [`${capitalise(set.label)} has no codes: nothing was changed`];
		return json;
	}
	const tasks: IDataObject[] = [];
	for (const taskId of taskIds) {
		const task = await waitForTask.call(this, taskId, itemIndex, wait.intervalMs, wait.timeoutMs);
		if (hasFailed(task)) {
			const error = taskFailedError(this, task, itemIndex);
			if (tasks.length) error.description = `${error.description} ${tasks.length} earlier task(s) of this set completed: ${tasks.map((t) => t.task_id).join(', ')}.`;
			throw error;
		}
		tasks.push({ task_id: taskId, state: task.state, codes_affected: task.codes_affected });
	}
	json.codesAffected = tasks.reduce((sum, task) => sum + (Number(task.codes_affected) || 0), 0);
	json.tasks = tasks;
	if (!json.codesAffected) json.warnings = [`No code of ${set.label} was changed`];
	return json;
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Runs the operation for each item's set (`sets[k]` for `itemIndexes[k]`), in input order.
 * `dataFor(k)` gives the SCM data (the same as for single codes), `resultFor` what the output says
 * in words (e.g. `status: "blacklisted"`).
 */
export async function changeCodeSets(
	this: IExecuteFunctions,
	itemIndexes: number[],
	sets: CodeSetInput[],
	dataFor: (position: number) => Promise<IDataObject> | IDataObject,
	resultFor: (data: IDataObject) => IDataObject,
): Promise<INodeExecutionData[]> {
	const output: INodeExecutionData[] = [];
	for (const [position, itemIndex] of itemIndexes.entries()) {
		try {
			const data = await dataFor(position);
			const json = await changeSet.call(this, itemIndex, sets[position], data, resultFor(data));
			output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this, error, itemIndex);
			output.push(errorItem(this, error, itemIndex));
		}
	}
	addWarningHint(this, output);
	return output;
}
