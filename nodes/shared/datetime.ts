/**
 * Dates and times: the one module for every date the nodes read from the user or the API (scan
 * export, trigger, code export filters).
 *
 * Scantrust renders datetimes with microseconds (`2021-02-01T03:24:42.468939Z`) and a JS Date
 * keeps milliseconds only, so positions in the data are kept as whole microseconds since the
 * epoch ("time keys"). They stay exact integers in a double until the year 2255.
 */

/** One minute in time-key units (microseconds). */
export const MINUTE_US = 60_000_000;

const API_DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Microseconds since the epoch for an API datetime, or undefined when it is not one. Naive = UTC (Django's default). */
export function timeKey(datetime: unknown): number | undefined {
	if (typeof datetime !== 'string') return undefined;
	const match = API_DATETIME.exec(datetime.trim());
	if (!match) return undefined;
	const [, date, hoursMinutes, seconds, fraction, zone] = match;
	const ms = Date.parse(`${date}T${hoursMinutes}${seconds ?? ':00'}${normalizeZone(zone)}`);
	if (Number.isNaN(ms)) return undefined;
	const micros = fraction ? Number(fraction.slice(0, 6).padEnd(6, '0')) : 0;
	return ms * 1000 + micros;
}

/**
 * The ISO datetime Scantrust is sent for a time key, rounded down to the millisecond: as a
 * lower bound (`date_from`) it then includes the exact position, never skips past it.
 */
export function isoFromKey(key: number): string {
	return new Date(Math.floor(key / 1000)).toISOString();
}

function normalizeZone(zone: string | undefined): string {
	if (!zone || zone.toUpperCase() === 'Z') return 'Z';
	const digits = zone.replace(':', '');
	return `${digits.slice(0, 3)}:${digits.length > 3 ? digits.slice(3, 5) : '00'}`;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const NAIVE_DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/**
 * A date the user typed or picked, as epoch milliseconds. n8n's date picker gives the wall time
 * in the workflow's time zone without an offset (`2026-01-31T00:00:00`), so a value without an
 * offset is read in `timeZone`; a value with one (an expression such as `{{ $now }}`) is exact.
 */
export function parseUserDate(value: unknown, timeZone: string): number | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
	const text = value === undefined || value === null ? '' : String(value).trim();
	if (!text) return undefined;
	const dateOnly = DATE_ONLY.exec(text);
	if (dateOnly) return wallTimeToUtc(timeZone, Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3]));
	const naive = NAIVE_DATETIME.exec(text);
	if (naive) {
		const [, y, mo, d, h, mi, s, ms] = naive;
		return wallTimeToUtc(
			timeZone,
			Number(y),
			Number(mo),
			Number(d),
			Number(h),
			Number(mi),
			Number(s ?? 0),
			Number((ms ?? '0').padEnd(3, '0')),
		);
	}
	const key = timeKey(text);
	return key === undefined ? undefined : Math.floor(key / 1000);
}

function wallTimeToUtc(
	timeZone: string,
	year: number,
	month: number,
	day: number,
	hour = 0,
	minute = 0,
	second = 0,
	ms = 0,
): number | undefined {
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
	const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
	// Reject 2026-02-31 and friends instead of rolling over into March.
	if (new Date(asUtc).getUTCDate() !== day) return undefined;
	// The zone's offset at that moment; checked twice because the first guess may sit across a DST change.
	const guess = asUtc - zoneOffsetMs(asUtc, timeZone);
	return asUtc - zoneOffsetMs(guess, timeZone);
}

/** How far `timeZone` is ahead of UTC at `ms`; 0 for an unknown zone (the time is then read as UTC). */
function zoneOffsetMs(ms: number, timeZone: string): number {
	let parts: Intl.DateTimeFormatPart[];
	try {
		parts = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		}).formatToParts(new Date(ms));
	} catch {
		return 0;
	}
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
	const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * A date filter the user picked or typed, as the UTC instant Scantrust is sent
 * (`2026-01-30T23:00:00.000Z`), read like {@link parseUserDate}: without an offset, in the
 * workflow's time zone. With `endOfDay`, a bare date (`2026-01-31`) as the upper end of a range
 * means the whole of that day, up to its last millisecond in that time zone. Undefined when the
 * value is not a date.
 */
export function userDateIso(value: unknown, timeZone: string, { endOfDay = false } = {}): string | undefined {
	const luxon = value as { toISO?: unknown } | null;
	const raw = luxon && typeof luxon === 'object' && typeof luxon.toISO === 'function' ? String((luxon.toISO as () => string).call(value)) : value;
	const ms = parseUserDate(raw, timeZone);
	if (ms === undefined) return undefined;
	const dateOnly = typeof raw === 'string' ? DATE_ONLY.exec(raw.trim()) : null;
	if (endOfDay && dateOnly) {
		const next = new Date(Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3]) + 1));
		const nextDay = parseUserDate(next.toISOString().slice(0, 10), timeZone);
		if (nextDay !== undefined) return new Date(nextDay - 1).toISOString();
	}
	return new Date(ms).toISOString();
}
