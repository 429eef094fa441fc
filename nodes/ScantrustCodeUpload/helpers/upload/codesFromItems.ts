import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { invalid } from '../../../shared/validate';

/**
 * Api mode: every input item becomes one code record `{id, ...data}`. Scantrust checks the IDs
 * on the call and refuses the whole upload for one bad ID, so every item is checked here first
 * and every problem is reported at once, with its item.
 */

export interface CodeProblem {
	itemIndex: number;
	problem: string;
}

export interface CollectedCodes {
	/** the records to send, with the item each came from */
	codes: Array<{ itemIndex: number; record: IDataObject }>;
	problems: CodeProblem[];
}

/** Scantrust's rules for code IDs (UPC); GS1 identifiers may carry other characters. */
export function codeIdProblem(id: string, format: 'default' | 'gs1'): string | undefined {
	if (id.length < 8) return `is shorter than 8 characters`;
	if (format === 'gs1') return /\s/.test(id) ? 'contains spaces or line breaks' : undefined;
	if (!/^[A-Za-z0-9_-]+$/.test(id)) return 'may only hold letters a-z A-Z, digits 0-9, "-" and "_"';
	return undefined;
}

/** Which other fields of the item go along as the code's data. */
function dataFields(context: IExecuteFunctions, itemIndex: number): 'none' | 'all' | string[] {
	const mode = context.getNodeParameter('scmData', itemIndex, 'none') as string;
	if (mode === 'all') return 'all';
	if (mode !== 'selected') return 'none';
	const names = String(context.getNodeParameter('scmFields', itemIndex, '') ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (!names.length) throw invalid(context, itemIndex, 'Input Fields to Write', 'is empty');
	return names;
}

function isScalar(value: unknown): boolean {
	return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Where an item's code ID and data are: its parameters, read once and checked. */
export interface CodeFields {
	idField: string;
	fields: 'none' | 'all' | string[];
}

export function readCodeFields(context: IExecuteFunctions, itemIndex: number): CodeFields {
	const idField = String(context.getNodeParameter('codeIdField', itemIndex, 'id') ?? '').trim();
	if (!idField) throw invalid(context, itemIndex, 'Code ID Field', 'is empty');
	return { idField, fields: dataFields(context, itemIndex) };
}

/** Checks the codes of the given items (`read[k]` for `itemIndexes[k]`); code errors are collected. */
export function collectCodes(
	context: IExecuteFunctions,
	itemIndexes: number[],
	read: CodeFields[],
	format: 'default' | 'gs1',
): CollectedCodes {
	const items = context.getInputData();
	const codes: CollectedCodes['codes'] = [];
	const problems: CodeProblem[] = [];
	const firstItemWithId = new Map<string, number>();

	for (const [position, i] of itemIndexes.entries()) {
		const { idField, fields } = read[position];
		const json = items[i].json ?? {};
		const before = problems.length;

		const raw = json[idField];
		let id = '';
		if (raw === undefined || raw === null || raw === '') {
			const has = Object.keys(json).slice(0, 6);
			problems.push({
				itemIndex: i,
				problem: `Item ${i}: has no code ID in field "${idField}"${has.length ? ` (its fields: ${has.join(', ')})` : ''}`,
			});
		} else if (typeof raw !== 'string' && typeof raw !== 'number') {
			problems.push({ itemIndex: i, problem: `Item ${i}: field "${idField}" holds ${typeof raw}, not a code ID` });
		} else {
			id = String(raw);
			const problem = codeIdProblem(id, format);
			if (problem) problems.push({ itemIndex: i, problem: `Item ${i}: code ID "${id}" ${problem}` });
		}

		const data: IDataObject = {};
		if (fields !== 'none') {
			const names = fields === 'all' ? Object.keys(json).filter((name) => name !== idField) : fields;
			for (const name of names) {
				// The record's `id` is the code ID; an input field called "id" cannot be sent beside it.
				if (name === 'id') continue;
				const value = json[name];
				if (value === undefined || value === null || value === '') continue;
				if (!isScalar(value)) {
					problems.push({
						itemIndex: i,
						problem: `Item ${i}: field "${name}" holds ${Array.isArray(value) ? 'a list' : 'an object'}; code data must be text, numbers or true/false`,
					});
					continue;
				}
				data[name] = value;
			}
		}

		if (id && problems.length === before) {
			const first = firstItemWithId.get(id);
			if (first !== undefined) {
				problems.push({
					itemIndex: i,
					problem: `Item ${i}: code ID "${id}" is also in item ${first}; each code can be uploaded once`,
				});
				continue;
			}
			firstItemWithId.set(id, i);
			codes.push({ itemIndex: i, record: { ...data, id } });
		}
	}
	return { codes, problems };
}

/** One error naming every item with a problem (the first ones in full, the rest by index). */
export function codeProblemsError(
	context: IExecuteFunctions,
	problems: CodeProblem[],
	itemCount: number,
): NodeOperationError {
	const shown = 100;
	const badItems = [...new Set(problems.map((p) => p.itemIndex))];
	const rest = problems.slice(shown).map((p) => p.itemIndex);
	const description = [
		...problems.slice(0, shown).map((p) => p.problem),
		...(rest.length ? [`More problems in items ${[...new Set(rest)].join(', ')}.`] : []),
		'Nothing was sent. Fix these items (or filter them out before this node) and run it again; with "On Error" set to continue, only these items are left out.',
	].join('\n');
	return new NodeOperationError(
		context.getNode(),
		`${badItems.length} of ${itemCount} input items cannot be uploaded as codes: ${problems[0].problem}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`,
		{ itemIndex: problems[0].itemIndex, description },
	);
}
