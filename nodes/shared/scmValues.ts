/**
 * Checks on SCM values and names that Scantrust itself does not make: it stores every value as
 * sent and silently discards fields the code's campaign lacks (scantrust-api.md §4.1), so a
 * mistake there is only seen later, in the portal. Shared by SCM Data → Update and Code → Update
 * Fields.
 */

/** "Lot Number", "lot-number", " LOT_NUMBER " → "lot_number": how input columns meet field keys. */
export function normaliseFieldName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.trim()
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '');
}

const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?';
/** Dates as people and spreadsheets write them: 02/03/2026, 2.3.26, 2026/03/02, 2026-3-2, 2 March 2026, March 2, 2026. */
const DATE_SHAPES = [
	/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(\d{2})?$/,
	/^\d{4}[/.]\d{1,2}[/.]\d{1,2}$/,
	/^\d{4}-\d{1,2}-\d{1,2}$/,
	new RegExp(`^\\d{1,2}(st|nd|rd|th)?[ -]${MONTH}[ -,]+\\d{2,4}$`, 'i'),
	new RegExp(`^${MONTH} \\d{1,2}(st|nd|rd|th)?,? \\d{4}$`, 'i'),
];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** A real calendar day in YYYY-MM-DD (2026-02-30 is not). */
function isCalendarDate(text: string): boolean {
	const match = ISO_DATE.exec(text);
	if (!match) return false;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Why `value` is a date Scantrust would store in a form its portal shows badly, or undefined when
 * it is not a date or already YYYY-MM-DD (or a full ISO date-time).
 */
export function nonIsoDateProblem(value: string): string | undefined {
	const text = value.trim();
	if (ISO_DATE.test(text)) return isCalendarDate(text) ? undefined : `is "${text}", not a day of the calendar`;
	if (ISO_DATE_TIME.test(text)) return undefined;
	if (DATE_SHAPES.some((shape) => shape.test(text))) {
		return `is "${text}", a date not written YYYY-MM-DD (e.g. 2026-03-02); Scantrust stores it as sent and its portal shows it wrongly`;
	}
	return undefined;
}

/** Warnings for values already read (node version 1, where such dates were always sent as is). */
export function dateWarnings(data: Record<string, unknown>, skip: string[]): string[] {
	const warnings: string[] = [];
	for (const [key, value] of Object.entries(data)) {
		if (skip.includes(key) || typeof value !== 'string') continue;
		const problem = nonIsoDateProblem(value);
		if (problem) warnings.push(`${key} ${problem}`);
	}
	return warnings;
}
