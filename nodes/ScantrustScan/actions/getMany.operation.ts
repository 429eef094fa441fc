import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseUserDate } from '../../shared/datetime';
import { readLimit, returnAllOrLimit } from '../../shared/descriptions';
import {
	readScanFilters,
	resolveScanProduct,
	scanFilterProperties,
} from '../../shared/scanFilters';
import type { FilterProblem } from '../../shared/scanFilters';
import { DEFAULT_PARALLEL_WINDOWS, exportScanLines, exportScans, MAX_PARALLEL_WINDOWS } from '../../shared/scanExport';
import type { ScanOrder } from '../../shared/scanExport';
import { readSimplify, simplifyPages, simplifyScan } from '../../shared/simplify';
import { invalid } from '../../shared/validate';
import { outputAsProperties, readOutputAs, scansToFile } from '../helpers/outputAs';

const PRESET_TIMEFRAMES = ['1d', '1w', '1m', '1y'];

const ORDER_OPTIONS = [
	{ name: 'Newest First', value: 'newest', description: 'The most recent scan first; a Limit keeps the newest scans' },
	{ name: 'Oldest First', value: 'oldest', description: 'The earliest scan first; a Limit keeps the oldest scans' },
];
const ORDER_DESCRIPTION =
	'In which order the scans come out (by the time they were scanned, whatever order Scantrust lists them in), and which end a Limit keeps';

const properties: INodeProperties[] = [
	...returnAllOrLimit({}, 'scans'),
	// Version 1 workflows were saved when the export came out oldest first: they keep that order.
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		default: 'oldest',
		options: ORDER_OPTIONS,
		description: ORDER_DESCRIPTION,
		displayOptions: { show: { '@version': [1] } },
	},
	{
		displayName: 'Order',
		name: 'order',
		type: 'options',
		default: 'newest',
		options: ORDER_OPTIONS,
		description: ORDER_DESCRIPTION,
		displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } },
	},
	{
		displayName: 'Time Range',
		name: 'timeRange',
		type: 'options',
		default: '1w',
		options: [
			{ name: 'Custom Timeframe', value: 'custom', description: 'A number of days, weeks, months or years' },
			{ name: 'Date Range', value: 'dateRange', description: 'From one date and time to another' },
			{ name: 'Last Day', value: '1d' },
			{ name: 'Last Month', value: '1m' },
			{ name: 'Last Week', value: '1w' },
			{ name: 'Last Year', value: '1y' },
		],
		description: 'Which scans to export, by the time they were scanned',
	},
	{
		displayName: 'Timeframe',
		name: 'timeframe',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3w',
		description:
			'A number and a unit, counted back from now: d (days), w (weeks), m (months) or y (years), e.g. 10d or 2m',
		displayOptions: { show: { timeRange: ['custom'] } },
	},
	{
		displayName: 'From',
		name: 'dateFrom',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Scans at or after this time (in the workflow’s time zone unless the value carries an offset)',
		displayOptions: { show: { timeRange: ['dateRange'] } },
	},
	{
		displayName: 'To',
		name: 'dateTo',
		type: 'dateTime',
		default: '',
		description: 'Scans at or before this time. Leave empty for "until today".',
		displayOptions: { show: { timeRange: ['dateRange'] } },
	},
	...scanFilterProperties({}),
	...outputAsProperties,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Windows Read in Parallel',
				name: 'parallelWindows',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_WINDOWS },
				default: DEFAULT_PARALLEL_WINDOWS,
				description:
					'The time range is read as separate time windows, this many at once (kept under Scantrust’s limit of 3,000 requests per minute). 1 reads one page after the other.',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getMany'] } }, properties);

const DAY_MS = 86_400_000;

/** The time range to export, as [from, to) in epoch milliseconds. */
interface TimeRange {
	fromMs: number;
	toMs: number;
}

/** "That long before now", with calendar months and years (as Scantrust's `timeframe` counts them). */
function timeframeStart(count: number, unit: string, now: number): number {
	const date = new Date(now);
	if (unit === 'y') date.setUTCFullYear(date.getUTCFullYear() - count);
	else if (unit === 'm') date.setUTCMonth(date.getUTCMonth() - count);
	else date.setTime(now - count * (unit === 'w' ? 7 : 1) * DAY_MS);
	return date.getTime();
}

/**
 * Where an open range ends: now, and a minute more for a Scantrust clock a little ahead of this
 * host's. (The export's own default `date_to`, "today", is not used: the empty rest of the day
 * would be read as windows of its own.)
 */
const CLOCK_MARGIN_MS = 60_000;
function openEnd(now: number): number {
	return now + CLOCK_MARGIN_MS;
}

/**
 * The time range of the item. Preset and custom timeframes are counted here from now, so the
 * range can be read in windows; a date range is taken in the workflow's time zone, To inclusive.
 */
function timeRange(context: IExecuteFunctions, itemIndex: number): TimeRange {
	const now = Date.now();
	const range = context.getNodeParameter('timeRange', itemIndex, '1w') as string;
	if (PRESET_TIMEFRAMES.includes(range)) {
		return { fromMs: timeframeStart(1, range.slice(1), now), toMs: openEnd(now) };
	}
	if (range === 'custom') {
		const raw = String(context.getNodeParameter('timeframe', itemIndex, '') ?? '').trim();
		// The older documentation wrote `-1y`; both forms mean "that long before now".
		const match = /^-?(\d+)\s*([dwmy])$/i.exec(raw);
		if (!match || Number(match[1]) < 1) {
			throw invalid(
				context,
				itemIndex,
				'Timeframe',
				`must be a number and a unit d, w, m or y, e.g. 3w (got "${raw}")`,
			);
		}
		return { fromMs: timeframeStart(Number(match[1]), match[2].toLowerCase(), now), toMs: openEnd(now) };
	}
	if (range !== 'dateRange') throw invalid(context, itemIndex, 'Time Range', `is not supported (got "${range}")`);

	const timeZone = context.getTimezone();
	const rawFrom = context.getNodeParameter('dateFrom', itemIndex, '') as unknown;
	const rawTo = context.getNodeParameter('dateTo', itemIndex, '') as unknown;
	if (rawFrom === '' || rawFrom === undefined || rawFrom === null) {
		throw invalid(context, itemIndex, 'From', 'is empty');
	}
	const from = parseUserDate(rawFrom, timeZone);
	if (from === undefined) {
		throw invalid(context, itemIndex, 'From', `must be a date and time like 2026-01-31T08:00:00 (got "${String(rawFrom)}")`);
	}
	if (rawTo === '' || rawTo === undefined || rawTo === null) return { fromMs: from, toMs: Math.max(from, openEnd(now)) };
	const to = parseUserDate(rawTo, timeZone);
	if (to === undefined) {
		throw invalid(context, itemIndex, 'To', `must be a date and time like 2026-01-31T18:00:00 (got "${String(rawTo)}")`);
	}
	if (to < from) throw invalid(context, itemIndex, 'To', 'is before "From"');
	// To is inclusive to the millisecond.
	return { fromMs: from, toMs: to + 1 };
}

function readParallel(context: IExecuteFunctions, itemIndex: number): number {
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const parallel = Number(options.parallelWindows ?? DEFAULT_PARALLEL_WINDOWS);
	if (!Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL_WINDOWS) {
		throw invalid(
			context,
			itemIndex,
			'Windows Read in Parallel',
			`must be a whole number from 1 to ${MAX_PARALLEL_WINDOWS} (got "${String(options.parallelWindows)}")`,
		);
	}
	return parallel;
}

function readOrder(context: IExecuteFunctions, itemIndex: number): ScanOrder {
	const order = context.getNodeParameter('order', itemIndex, 'newest') as string;
	if (order !== 'newest' && order !== 'oldest') throw invalid(context, itemIndex, 'Order', `is not supported (got "${order}")`);
	return order;
}

function query(context: IExecuteFunctions, itemIndex: number) {
	const problem: FilterProblem = (field, text) => invalid(context, itemIndex, field, text);
	const filters = readScanFilters(
		context.getNodeParameter('onlySuspicious', itemIndex, false),
		context.getNodeParameter('filters', itemIndex, {}) as IDataObject,
		problem,
	);
	return {
		...filters,
		range: timeRange(context, itemIndex),
		order: readOrder(context, itemIndex),
		parallel: readParallel(context, itemIndex),
		problem,
	};
}

interface ScanInput {
	limit: number | undefined;
	query: ReturnType<typeof query>;
	output: ReturnType<typeof readOutputAs>;
	simplify: boolean;
}

export function validate(this: IExecuteFunctions, itemIndex: number): ScanInput {
	return {
		limit: readLimit(this, itemIndex),
		query: query(this, itemIndex),
		output: readOutputAs(this, itemIndex),
		simplify: readSimplify(this, itemIndex),
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ limit, query: read, output, simplify }: ScanInput,
): Promise<IDataObject[] | INodeExecutionData[]> {
	const { qs, productSku, problem, range, order, parallel } = read;
	if (productSku) qs.product = await resolveScanProduct.call(this, productSku, problem, itemIndex);

	// Read in time windows (nodes/shared/scanExport.ts): complete whatever order Scantrust lists
	// scans in and however precisely it honours dates, handed out in the chosen order.
	const exportRequest = { qs, from: range.fromMs * 1000, to: range.toMs * 1000, order, limit, parallel, itemIndex };
	// A JSON Lines file holds the API's records as they are, as their bytes (never parsed records
	// waiting in memory); Simplify is for items.
	if (output.mode === 'jsonLines') {
		const lines = exportScanLines.call(this, exportRequest);
		return await scansToFile(this, lines, output.property, itemIndex);
	}
	const batches = simplifyPages(simplify, exportScans.call(this, exportRequest), simplifyScan);

	// Scans go out as they arrive, one reference each: exports run to hundreds of thousands of scans.
	const scans: IDataObject[] = [];
	for await (const batch of batches) {
		for (let k = 0; k < batch.length; k++) scans.push(batch[k]);
	}
	return scans;
}
