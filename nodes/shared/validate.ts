import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Input checks that run before any request; every message names the item and the field. */

export function invalid(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	problem: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), `Item ${itemIndex}: "${field}" ${problem}`, {
		itemIndex,
	});
}

/** A string parameter that must not be empty (an expression that resolved to nothing counts as empty). */
export function requiredString(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
): string {
	const raw = context.getNodeParameter(name, itemIndex, '') as unknown;
	const value = raw === undefined || raw === null ? '' : String(raw).trim();
	if (!value) throw invalid(context, itemIndex, label, 'is empty');
	return value;
}

/** A positive whole number, as Scantrust IDs and quantities are. */
export function positiveInteger(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
): number {
	const number = typeof value === 'number' ? value : Number(String(value ?? '').trim());
	if (!Number.isInteger(number) || number <= 0) {
		throw invalid(context, itemIndex, label, `must be a positive whole number (got "${String(value ?? '')}")`);
	}
	return number;
}

/** Dates go to Scantrust as YYYY-MM-DD (or a full ISO date-time where the API takes one). */
export function isoDate(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
): string {
	const text = String(value ?? '').trim();
	const match = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
	if (!match || Number.isNaN(Date.parse(text.slice(0, 10)))) {
		throw invalid(context, itemIndex, label, `must be a date like 2026-01-31 (got "${text}")`);
	}
	return text;
}
