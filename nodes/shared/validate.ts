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

/** A whole number within [min, max], e.g. an activation status (0–2) or a blacklist reason (1–10). */
export function integerInRange(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
	min: number,
	max: number,
): number {
	const text = String(value ?? '').trim();
	const number = typeof value === 'number' ? value : text === '' ? NaN : Number(text);
	if (!Number.isInteger(number) || number < min || number > max) {
		throw invalid(context, itemIndex, label, `must be a whole number from ${min} to ${max} (got "${text}")`);
	}
	return number;
}

/**
 * A code identifier (extended ID or serial number). Scantrust IDs carry no whitespace or control
 * characters (GS1 IDs may carry other punctuation, so only those are refused); a scan URL pasted
 * instead of the ID is a common mistake worth naming.
 */
export function codeIdentifier(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
): string {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) throw invalid(context, itemIndex, label, 'is empty');
	if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
		throw invalid(
			context,
			itemIndex,
			label,
			`looks like a URL ("${text}"); give the code's own ID, e.g. the last part of the scan URL`,
		);
	}
	if (/\s/.test(text) || hasControlCharacter(text)) {
		throw invalid(context, itemIndex, label, `must not contain spaces, line breaks or control characters (got "${text}")`);
	}
	return text;
}

/** A field key (SCM field keys are slugs such as `lot_number`), also used in query names (`scm_<key>`). */
export function fieldKey(
	context: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	label: string,
): string {
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) throw invalid(context, itemIndex, label, 'is empty');
	if (!/^[A-Za-z0-9_-]+$/.test(text)) {
		throw invalid(context, itemIndex, label, `must be a field key of letters, digits, "_" or "-" (got "${text}")`);
	}
	return text;
}

function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}
