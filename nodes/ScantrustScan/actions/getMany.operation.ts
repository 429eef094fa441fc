import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { parseUserDate } from '../../shared/datetime';
import { readLimit, returnAllOrLimit } from '../../shared/descriptions';
import {
	readScanFilters,
	resolveScanProduct,
	SCAN_EXPORT_PATH,
	SCANS_DOWNLOAD,
	scanFilterProperties,
} from '../../shared/scanFilters';
import type { FilterProblem } from '../../shared/scanFilters';
import { paginate } from '../../shared/transport';
import { SCAN_PAGE_SIZE } from '../../shared/transport/constants';
import { invalid } from '../../shared/validate';
import { outputAsProperties, readOutputAs, scansToFile } from '../helpers/outputAs';

const PRESET_TIMEFRAMES = ['1d', '1w', '1m', '1y'];

const properties: INodeProperties[] = [
	...returnAllOrLimit({}, 'scans'),
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
];

export const description = updateDisplayOptions({ show: { operation: ['getMany'] } }, properties);

/** The time part of the query: `timeframe`, or `date_from`/`date_to` as exact UTC instants. */
function timeQuery(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const range = context.getNodeParameter('timeRange', itemIndex, '1w') as string;
	if (PRESET_TIMEFRAMES.includes(range)) return { timeframe: range };
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
		return { timeframe: `${Number(match[1])}${match[2].toLowerCase()}` };
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
	const qs: IDataObject = { date_from: new Date(from).toISOString() };
	if (rawTo !== '' && rawTo !== undefined && rawTo !== null) {
		const to = parseUserDate(rawTo, timeZone);
		if (to === undefined) {
			throw invalid(context, itemIndex, 'To', `must be a date and time like 2026-01-31T18:00:00 (got "${String(rawTo)}")`);
		}
		if (to < from) throw invalid(context, itemIndex, 'To', 'is before "From"');
		qs.date_to = new Date(to).toISOString();
	}
	return qs;
}

function query(context: IExecuteFunctions, itemIndex: number) {
	const problem: FilterProblem = (field, text) => invalid(context, itemIndex, field, text);
	const filters = readScanFilters(
		context.getNodeParameter('onlySuspicious', itemIndex, false),
		context.getNodeParameter('filters', itemIndex, {}) as IDataObject,
		problem,
	);
	return { ...filters, qs: { ...timeQuery(context, itemIndex), ...filters.qs }, problem };
}

export function validate(this: IExecuteFunctions, itemIndex: number): void {
	query(this, itemIndex);
	readOutputAs(this, itemIndex);
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<IDataObject[] | INodeExecutionData[]> {
	const limit = readLimit(this, itemIndex);
	const { qs, productSku, problem } = query(this, itemIndex);
	if (productSku) qs.product = await resolveScanProduct.call(this, productSku, problem, itemIndex);
	// Cursor mode: the documentation warns that the export's other pagination is inconsistent.
	qs.page_mode = 'cursor';

	const pages = paginate.call(this, {
		path: SCAN_EXPORT_PATH,
		qs,
		limit,
		pageSizeParam: 'page_size',
		pageSize: SCAN_PAGE_SIZE,
		itemIndex,
		permissions: SCANS_DOWNLOAD,
		// Exports read on to the end: the next page is on its way while this one is parsed.
		prefetch: true,
	});
	const output = readOutputAs(this, itemIndex);
	if (output.mode === 'jsonLines') return await scansToFile(this, pages, output.property, itemIndex);

	// Scans go out as they arrive, one reference each: exports run to hundreds of thousands of scans.
	const scans: IDataObject[] = [];
	for await (const page of pages) {
		for (let k = 0; k < page.length; k++) scans.push(page[k]);
	}
	return scans;
}
