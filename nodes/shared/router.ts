import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** What an operation returns for one input item: one JSON object, a list, or ready-made items (binary). */
export type OperationResult = IDataObject | IDataObject[] | INodeExecutionData[];

/**
 * An operation that handles one input item at a time. `validate` reads and checks the item's
 * input once (throwing a NodeOperationError that names the item and the field, sending nothing)
 * and returns it; the router hands that value to `validateAll` and `execute`, so no parameter is
 * evaluated twice (n8n's expression evaluation costs about a millisecond per value).
 */
export interface ItemOperation {
	description: INodeProperties[];
	validate?(this: IExecuteFunctions, itemIndex: number): unknown;
	/**
	 * Checks the items together (e.g. a SKU used by two items), after the per-item checks: throws
	 * for the first offending item, naming it. With continue-on-fail the router makes that item an
	 * error item, asks again for the rest, and runs the items that pass.
	 */
	validateAll?(this: IExecuteFunctions, itemIndexes: number[], inputs: Map<number, unknown>): void;
	/** `input` is what `validate` returned for this item (undefined without a `validate`). */
	execute(this: IExecuteFunctions, itemIndex: number, input: unknown): Promise<OperationResult>;
}

/** An operation that works on many items in one go (SCM batches); it pairs its own output. */
export interface BatchOperation {
	description: INodeProperties[];
	validate?(this: IExecuteFunctions, itemIndex: number): unknown;
	/** `inputs[k]` is what `validate` returned for `itemIndexes[k]`. */
	executeBatch(this: IExecuteFunctions, itemIndexes: number[], inputs: unknown[]): Promise<INodeExecutionData[]>;
}

export type Operation = ItemOperation | BatchOperation;

/**
 * Runs the chosen operation over the input items: checks every item before any request is sent,
 * pairs each output item with its input item, and turns failures into error items when the
 * node is set to continue on fail.
 */
export async function runOperation(
	this: IExecuteFunctions,
	operations: Record<string, Operation>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" is not supported`);
	}
	const continueOnFail = this.continueOnFail();
	const errorItems = new Map<number, INodeExecutionData>();

	// Up-front checks: a bad item fails before anything is sent for any item. Each item's input
	// is read here, once, and handed to the operation.
	let valid: number[] = [];
	const inputs = new Map<number, unknown>();
	for (let i = 0; i < items.length; i++) {
		try {
			inputs.set(i, await operation.validate?.call(this, i));
			valid.push(i);
		} catch (error) {
			if (!continueOnFail) throw asNodeError(this, error, i);
			errorItems.set(i, errorItem(this, error, i));
		}
	}
	if ('validateAll' in operation && operation.validateAll) {
		valid = checkAcrossItems(this, operation, valid, inputs, continueOnFail, errorItems);
	}

	const output: INodeExecutionData[] = [];
	if ('executeBatch' in operation) {
		const results = valid.length
			? await operation.executeBatch.call(this, valid, valid.map((i) => inputs.get(i)))
			: [];
		// Output follows input order; grouping is linear and appends one by one (no spread: large
		// batches would overflow the call stack).
		const byItem = new Map<number, INodeExecutionData[]>();
		for (const result of results) {
			const index = pairedIndex(result);
			const group = byItem.get(index);
			if (group) group.push(result);
			else byItem.set(index, [result]);
		}
		for (let i = 0; i < items.length; i++) {
			const error = errorItems.get(i);
			if (error) {
				output.push(error);
				continue;
			}
			for (const result of byItem.get(i) ?? []) output.push(result);
		}
		return [output];
	}

	for (let i = 0; i < items.length; i++) {
		const error = errorItems.get(i);
		if (error) {
			output.push(error);
			continue;
		}
		try {
			const result = await operation.execute.call(this, i, inputs.get(i));
			pushItems(output, result, i);
		} catch (caught) {
			if (!continueOnFail) throw withProgress(asNodeError(this, caught, i), i, items.length);
			output.push(errorItem(this, caught, i));
		}
	}
	return [output];
}

/**
 * The cross-item checks. Without continue-on-fail the first offending item stops the run before
 * anything is sent. With it, each offending item becomes a paired error item and the check runs
 * again over the others, so the items that pass still run. Returns the items that passed.
 */
function checkAcrossItems(
	context: IExecuteFunctions,
	operation: ItemOperation,
	itemIndexes: number[],
	inputs: Map<number, unknown>,
	continueOnFail: boolean,
	errorItems: Map<number, INodeExecutionData>,
): number[] {
	let remaining = itemIndexes;
	while (remaining.length) {
		try {
			operation.validateAll?.call(context, remaining, inputs);
			return remaining;
		} catch (error) {
			const named = asNodeError(context, error, remaining[0]);
			if (!continueOnFail) throw named;
			const offender = remaining.includes(named.context.itemIndex as number)
				? (named.context.itemIndex as number)
				: remaining[0];
			errorItems.set(offender, errorItem(context, named, offender));
			remaining = remaining.filter((i) => i !== offender);
		}
	}
	return remaining;
}

/**
 * Says where a run of several items stopped: the items before ran (their changes stay applied in
 * Scantrust, nothing is rolled back) and the items after were never sent.
 */
function withProgress<E extends NodeApiError | NodeOperationError>(error: E, failed: number, count: number): E {
	if (count < 2) return error;
	const span = (from: number, to: number) => (from === to ? `item ${from}` : `items ${from}–${to}`);
	const lines = [
		failed > 0
			? `The node stopped at item ${failed}: ${span(0, failed - 1)} had already run, and any change they made stays applied in Scantrust.`
			: 'The node stopped at item 0: nothing was applied before it.',
	];
	if (failed < count - 1) lines.push(`${span(failed + 1, count - 1)} ${failed + 1 < count - 1 ? 'were' : 'was'} not sent.`);
	error.description = [error.description, lines.join(' ')].filter(Boolean).join('\n');
	return error;
}

/**
 * Appends one item's results to the output, paired with the input item. One loop and one object
 * per result: a spread `push(...list)` overflows the call stack beyond ~100,000 results (a large
 * scan export), and an extra copy per result shows in exports of that size.
 */
function pushItems(output: INodeExecutionData[], result: OperationResult, itemIndex: number): void {
	const list = Array.isArray(result) ? result : [result];
	for (const entry of list) {
		if (entry && typeof entry === 'object' && 'json' in entry && typeof entry.json === 'object') {
			output.push({ ...(entry as INodeExecutionData), pairedItem: { item: itemIndex } });
		} else {
			output.push({ json: entry as IDataObject, pairedItem: { item: itemIndex } });
		}
	}
}

function pairedIndex(item: INodeExecutionData): number {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	if (typeof paired === 'number') return paired;
	return paired?.item ?? 0;
}

/** Keeps our own errors as they are (with their item index), wraps anything else. */
export function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * The error item continue-on-fail puts out: routed to the error output by n8n, paired with its
 * input, and naming that input in `context.itemIndex`. One error shared by several items (a
 * failed batch) is copied per item, so each item's error names its own index.
 */
export function errorItem(context: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const nodeError = forItem(asNodeError(context, error, itemIndex), itemIndex);
	return {
		json: {
			error: nodeError.message,
			...(nodeError.description ? { details: nodeError.description } : {}),
		},
		error: nodeError,
		pairedItem: { item: itemIndex },
	};
}

function forItem<E extends NodeApiError | NodeOperationError>(error: E, itemIndex: number): E {
	if (error.context.itemIndex === itemIndex) return error;
	const copy = Object.assign(Object.create(Object.getPrototypeOf(error) as object) as E, error);
	copy.message = error.message;
	copy.stack = error.stack;
	copy.context = { ...error.context, itemIndex };
	return copy;
}
