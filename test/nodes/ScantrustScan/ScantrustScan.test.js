// The Scan node end to end: n8n-core's WorkflowExecute runs it against the sandbox's scan export,
// once under each of the export's plausible behaviours (order × date precision, pages shuffled;
// see scanExportVariants in test/helpers/sandbox.js).
const { runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, apiRequests, scanExportVariants } = require('../../helpers/sandbox');

const DAY = 86_400_000;

describe.each(scanExportVariants())('scan export %s', (variant, sandboxOptions) => {
const getSandbox = useSandbox(sandboxOptions);
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const scanRequests = () => apiRequests(sandbox, 'GET', '/dashboard/scans/');
const scans = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustScan',
		// These tests check the export's full records; Simplify (on in 1.1) has its own tests below.
		parameters: { operation: 'getMany', simplify: false, ...parameters },
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
		workflowSettings: extra.workflowSettings,
		typeVersion: extra.typeVersion ?? 1.1,
	});
const all = (parameters) => scans({ returnAll: true, timeRange: '1y', ...parameters });
const uuids = (items) => items.map((item) => item.json.scan.uuid);

/** The sandbox's scans dated in [fromMs, toMs), oldest first by (datetime, uuid): what an export must return. */
function expectedScans(fromMs, toMs = Infinity) {
	const store = sandbox.state.scans;
	const out = [];
	for (let i = store.lowerBound(fromMs); i < store.length && store.ts[i] < toMs; i++) out.push(store.uuidOf(store.sid[i]));
	return out;
}
/** The earliest `date_from` the export was asked for. */
const earliestDateFrom = () => scanRequests().map((r) => r.query.date_from).filter(Boolean).sort()[0];

describe('Get Many', () => {
	test('exports with cursor pagination in time windows, one item per scan, newest first, paired with the input item', async () => {
		const { items, error } = await scans({ returnAll: true, timeRange: '1w' });
		expect(error).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		expect(items[0].json).toHaveProperty('scan.uuid');
		expect(items[0].json).toHaveProperty('code.extended_id');
		expect(items.every((item) => item.pairedItem.item === 0)).toBe(true);
		for (const request of scanRequests().filter((r) => !r.query.cursor)) {
			expect(request.query).toEqual({
				page_mode: 'cursor',
				page_size: '1000',
				date_from: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
				date_to: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
			});
		}
		const times = items.map((item) => item.json.scan.datetime);
		expect([...times].sort().reverse()).toEqual(times);
		expect(uuids(items)).toEqual(expectedScans(Date.now() - 7 * DAY).reverse());
	});

	test.each([
		['Newest First', 'newest'],
		['Oldest First', 'oldest'],
	])('Return All, %s: every scan of the range exactly once, in that order (equal times by uuid)', async (_, order) => {
		const at = Date.now() - 3_600_000;
		sandbox.addScans({ count: 1200, at });
		sandbox.addScans({ count: 1300 });
		const since = Date.now() - DAY;
		const expected = expectedScans(since);
		sandbox.clearLog();
		const { items, error } = await scans({ returnAll: true, timeRange: 'dateRange', dateFrom: new Date(since).toISOString(), order });
		expect(error).toBeUndefined();
		expect(uuids(items)).toEqual(order === 'oldest' ? expected : [...expected].reverse());
		// Some windows took several pages: every page after a window's first is its `next` link as given.
		const followUps = scanRequests().filter((r) => r.query.cursor);
		expect(followUps.length).toBeGreaterThanOrEqual(2);
		expect(scanRequests().every((r) => r.status === 200)).toBe(true);
	});

	test.each([
		['Newest First', 'newest'],
		['Oldest First', 'oldest'],
	])('Return All, %s: a burst in a quiet year is read in windows of a few pages (bounded memory), every scan once', async (_, order) => {
		// 9,000 scans in 10 minutes two hours ago, beside the seeded 3,000 over six months: a window
		// sized by the quiet months' density falls on the burst and must be cut, not held whole.
		const burst = Date.now() - 2 * 3_600_000;
		for (let k = 0; k < 90; k++) sandbox.addScans({ count: 100, at: burst + k * 6_667 });
		const expected = expectedScans(0);
		sandbox.clearLog();
		const { items, error } = await all({ order });
		expect(error).toBeUndefined();
		expect(uuids(items)).toEqual(order === 'oldest' ? expected : [...expected].reverse());
		const requests = scanRequests();
		expect(requests.every((r) => r.status === 200)).toBe(true);
		const pages = new Map();
		for (const r of requests.slice(1)) {
			const key = `${r.query.date_from} ${r.query.date_to}`;
			pages.set(key, (pages.get(key) ?? 0) + 1);
		}
		// To the second, a window holds at most MAX_SCANS_PER_WINDOW (2 pages) before it is cut,
		// so it is read in 3 pages at most. By whole days a window cannot be cut: a day is a window.
		if (variant.endsWith('-second')) expect(Math.max(...pages.values())).toBeLessThanOrEqual(3);
		else expect(items.length).toBe(12_000);
	});

	// Only where dates are honoured to the second is a window cut (a day cannot be cut).
	if (variant.endsWith('-second')) {
		test.each([
			['Newest First', 'newest'],
			['Oldest First', 'oldest'],
		])('Return All, %s: the rest of a window cut short is read in parallel windows, not one after another', async (_, order) => {
			// In the middle of the range, so that windows after it are launched when it is cut.
			const burst = Date.now() - 120 * DAY;
			for (let k = 0; k < 90; k++) sandbox.addScans({ count: 100, at: burst + k * 6_667 });
			const expected = expectedScans(0);
			// The sandbox holds the first request for a part of an earlier window until a second one
			// comes (sandbox/faults.js, pairUp). Read in parallel, the second part is asked for before
			// any answer is awaited, so this does not depend on timing; read one after another (the
			// defect fixed in 552abd3), the first part waits out waitMs alone.
			// Two windows at a time: with the defect, the window launched before the cut filled them.
			sandbox.faults.set({ pairUp: { path: '/dashboard/scans/', waitMs: 20_000 } });
			const { items, error } = await all({ order, options: { parallelWindows: 2 } });
			const pairing = sandbox.faults.pairing();
			sandbox.faults.clear();
			expect(error).toBeUndefined();
			expect(uuids(items)).toEqual(order === 'oldest' ? expected : [...expected].reverse());
			expect(pairing).toEqual({ paired: true, timedOut: false, held: true });
		}, 60_000);
	}

	test.each([
		['Newest First', 'newest'],
		['Oldest First', 'oldest'],
	])('Limit, %s: takes that end of the range, and reads only the windows it needs', async (_, order) => {
		sandbox.addScans({ count: 2500 });
		const expected = expectedScans(Date.now() - DAY);
		const wanted = order === 'oldest' ? expected : [...expected].reverse();
		sandbox.clearLog();
		const big = await scans({ returnAll: false, limit: 1500, timeRange: '1d', order });
		expect(uuids(big.items)).toEqual(wanted.slice(0, 1500));
		const bigRequests = scanRequests().length;
		sandbox.clearLog();
		const small = await scans({ returnAll: false, limit: 5, timeRange: '1d', order });
		expect(uuids(small.items)).toEqual(wanted.slice(0, 5));
		// Newest first, the scans made just now are in the first, smallest window.
		if (order === 'newest') expect(scanRequests().length).toBeLessThanOrEqual(4);
		expect(scanRequests().length).toBeLessThanOrEqual(bigRequests + 8);
	});

	test('a version 1 node (saved before Order existed) keeps Oldest First', async () => {
		const { items } = await scans({ returnAll: false, limit: 20, timeRange: '1y' }, { typeVersion: 1 });
		expect(uuids(items)).toEqual(expectedScans(0).slice(0, 20));
	});

	test('windows read one at a time give the same scans in the same order', async () => {
		const { items: parallel } = await all({ order: 'oldest' });
		const { items: serial } = await all({ order: 'oldest', options: { parallelWindows: 1 } });
		expect(uuids(serial)).toEqual(uuids(parallel));
		expect(uuids(serial)).toEqual(expectedScans(0));
	});

	test('a 429 burst mid-export is waited out: same scans, none twice', async () => {
		sandbox.faults.set({ throttle: { nth: [3], durationMs: 300, retryAfter: 1 }, path: '/dashboard/scans/' });
		const { items, error } = await all({ order: 'oldest' });
		expect(error).toBeUndefined();
		expect(scanRequests().some((r) => r.status === 429)).toBe(true);
		expect(uuids(items)).toEqual(expectedScans(0));
	});

	test.each([
		['Last Day', '1d', DAY],
		['Last Week', '1w', 7 * DAY],
		['Last Year', '1y', 365 * DAY],
	])('time range %s reads from that long ago up to now', async (_, value, spanMs) => {
		const started = Date.now();
		await scans({ returnAll: true, timeRange: value });
		const from = Date.parse(earliestDateFrom());
		expect(from).toBeGreaterThanOrEqual(started - spanMs - 2 * DAY);
		expect(from).toBeLessThanOrEqual(Date.now() - spanMs + 1000);
		const latestTo = scanRequests().map((r) => r.query.date_to).filter(Boolean).sort().pop();
		// Up to now, with a minute for a Scantrust clock ahead of this one (rounded up to the second).
		expect(Date.parse(latestTo)).toBeGreaterThanOrEqual(started + 60_000);
		expect(Date.parse(latestTo)).toBeLessThanOrEqual(Date.now() + 61_000);
	});

	test('a custom timeframe is normalised (the older "-3w" form too)', async () => {
		const started = Date.now();
		const { error } = await scans({ returnAll: false, limit: 1, timeRange: 'custom', timeframe: ' -3W ' });
		expect(error).toBeUndefined();
		await scans({ returnAll: true, timeRange: 'custom', timeframe: ' -3W ' });
		const from = Date.parse(earliestDateFrom());
		expect(Math.abs(from - (started - 21 * DAY))).toBeLessThan(60_000);
	});

	test('a date range: covering dates go out, results stay inside it (To inclusive)', async () => {
		const from = new Date(Date.now() - 30 * DAY).toISOString();
		const to = new Date(Date.now() - 10 * DAY).toISOString();
		const { items } = await all({ timeRange: 'dateRange', dateFrom: from, dateTo: to, order: 'oldest' });
		expect(earliestDateFrom()).toBe(`${from.slice(0, 19)}Z`);
		expect(items.length).toBeGreaterThan(0);
		expect(uuids(items)).toEqual(expectedScans(Date.parse(from), Date.parse(to) + 1));
	});

	test.each([
		// The instants are worked out by hand, not by code like the node's.
		['America/New_York', '2026-01-15T00:00:00', '2026-01-15T05:00:00Z'], // EST, UTC−5
		['America/New_York', '2026-07-15T00:00:00', '2026-07-15T04:00:00Z'], // EDT, UTC−4
		['Asia/Kolkata', '2026-01-15T00:00:00', '2026-01-14T18:30:00Z'], // UTC+5:30
		['America/New_York', '2026-03-08T03:30:00', '2026-03-08T07:30:00Z'], // an hour after the switch to EDT
	])('a picked date without offset is read in the workflow time zone (%s, %s)', async (timezone, picked, expected) => {
		await scans(
			{ returnAll: false, limit: 1, timeRange: 'dateRange', dateFrom: picked, order: 'oldest' },
			{ workflowSettings: { timezone } },
		);
		expect(scanRequests()[0].query.date_from).toBe(expected);
	});

	test.each([
		['an empty From', { timeRange: 'dateRange', dateFrom: '' }, /"From" (is empty|is required)/],
		['a From that is no date', { timeRange: 'dateRange', dateFrom: 'next tuesday' }, /"From" must be a date and time/],
		['a To before From', { timeRange: 'dateRange', dateFrom: '2026-03-01T00:00:00Z', dateTo: '2026-02-01T00:00:00Z' }, /"To" is before "From"/],
		['an impossible date', { timeRange: 'dateRange', dateFrom: '2026-02-31T00:00:00' }, /"From" must be a date and time/],
		['a timeframe without unit', { timeRange: 'custom', timeframe: '3' }, /"Timeframe" must be a number and a unit/],
		['a zero timeframe', { timeRange: 'custom', timeframe: '0d' }, /"Timeframe" must be a number and a unit/],
		['an unknown timeframe unit', { timeRange: 'custom', timeframe: '2h' }, /"Timeframe" must be a number and a unit/],
		['no windows at all', { timeRange: '1d', options: { parallelWindows: 0 } }, /"Windows Read in Parallel" must be a whole number from 1 to 32/],
		['an unknown order', { timeRange: '1d', order: 'random' }, /"Order" is not supported/],
	])('%s is refused before any request', async (_, parameters, pattern) => {
		const { error } = await scans({ returnAll: true, ...parameters });
		expect(error.message).toMatch(pattern);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('a bad item among several: nothing is sent for any item', async () => {
		const input = [{ json: { from: '2026-01-01T00:00:00Z' } }, { json: { from: 'soon' } }];
		const { error } = await scans(
			{ returnAll: true, timeRange: 'dateRange', dateFrom: '={{ $json.from }}' },
			{ input },
		);
		expect(error.message).toMatch(/Item 1: "From" must be a date and time/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});
});

describe('filters', () => {
	const productWithScans = () => {
		const counts = new Map();
		for (const code of sandbox.state.codes) if (code.product) counts.set(code.product, (counts.get(code.product) ?? 0) + 1);
		const id = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
		return sandbox.state.products.find((p) => p.id === id);
	};

	test('campaign', async () => {
		const campaignId = productWithScans().campaign;
		const { items } = await all({ filters: { campaignId } });
		expect(scanRequests()[0].query.campaign_id).toBe(String(campaignId));
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((i) => i.json.product?.campaign_id === campaignId)).toBe(true);
	});

	test.each(['list', 'id'])('product from %s', async (mode) => {
		const product = productWithScans();
		const { items } = await all({ filters: { product: { __rl: true, mode, value: String(product.id) } } });
		expect(scanRequests()[0].query.product).toBe(String(product.id));
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((i) => i.json.product.id === product.id)).toBe(true);
		expect(apiRequests(sandbox, 'GET', '/products/')).toHaveLength(0);
	});

	test('product by SKU: looked up, then sent as its ID (the export takes no SKU)', async () => {
		const product = productWithScans();
		const { items } = await all({ filters: { product: { __rl: true, mode: 'sku', value: product.sku } } });
		expect(apiRequests(sandbox, 'GET', '/products/')[0].query.sku__exact).toBe(product.sku);
		expect(scanRequests()[0].query.product).toBe(String(product.id));
		expect(items.every((i) => i.json.product.id === product.id)).toBe(true);
	});

	test('an unknown SKU says so, and no scan request is sent', async () => {
		const { error } = await all({ filters: { product: { __rl: true, mode: 'sku', value: 'NO-SUCH-SKU' } } });
		expect(error.message).toMatch(/no product with SKU "NO-SUCH-SKU"/);
		expect(scanRequests()).toHaveLength(0);
	});

	test('flags: scans carrying any of the chosen flags', async () => {
		const { items } = await all({ filters: { flags: ['blacklisted', 'inactive'] } });
		expect(scanRequests()[0].query.flags).toBe('blacklisted,inactive');
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((i) => i.json.scan.flags.some((f) => ['blacklisted', 'inactive'].includes(f)))).toBe(true);
	});

	test('only suspicious scans: counterfeit or out of market, in one switch', async () => {
		const { items } = await all({ onlySuspicious: true });
		expect(scanRequests()[0].query.flags).toBe('counterfeit,out-of-market');
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((i) => i.json.scan.flags.some((f) => ['counterfeit', 'out-of-market'].includes(f)))).toBe(true);
		expect(items.some((i) => i.json.scan.flags.includes('counterfeit'))).toBe(true);
		expect(items.some((i) => i.json.scan.flags.includes('out-of-market'))).toBe(true);
	});

	test('only suspicious together with chosen flags asks for all of them', async () => {
		await all({ onlySuspicious: true, filters: { flags: ['blacklisted'] } });
		expect(scanRequests()[0].query.flags).toBe('counterfeit,out-of-market,blacklisted');
	});

	test.each([0, 1, 2])('activation status %s', async (status) => {
		const { items } = await all({ filters: { activationStatus: status } });
		expect(scanRequests()[0].query.activation_status).toBe(String(status));
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((i) => i.json.code.activation_status === status)).toBe(true);
	});

	test('SCM fields become <key>=<value> and all must match', async () => {
		const { items: sample } = await scans({ returnAll: false, limit: 200, timeRange: '1y' });
		const withLot = sample.find((i) => i.json.scm.lot_number && i.json.scm.intended_market).json.scm;
		sandbox.clearLog();
		const { items } = await all({
			filters: {
				scmFields: {
					field: [
						{ key: 'lot_number', value: withLot.lot_number },
						{ key: 'intended_market', value: withLot.intended_market },
					],
				},
			},
		});
		expect(scanRequests()[0].query).toMatchObject({
			lot_number: withLot.lot_number,
			intended_market: withLot.intended_market,
		});
		expect(items.length).toBeGreaterThan(0);
		expect(
			items.every(
				(i) => i.json.scm.lot_number === withLot.lot_number && i.json.scm.intended_market === withLot.intended_market,
			),
		).toBe(true);
	});

	test('every filter at once', async () => {
		const product = productWithScans();
		await all({
			onlySuspicious: true,
			filters: {
				campaignId: product.campaign,
				product: { __rl: true, mode: 'id', value: String(product.id) },
				flags: ['inactive'],
				activationStatus: 1,
				scmFields: { field: [{ key: 'intended_market', value: 'FR' }] },
			},
		});
		expect(scanRequests()[0].query).toEqual({
			page_mode: 'cursor',
			date_from: expect.any(String),
			date_to: expect.any(String),
			page_size: '1000',
			campaign_id: String(product.campaign),
			product: String(product.id),
			flags: 'counterfeit,out-of-market,inactive',
			activation_status: '1',
			intended_market: 'FR',
		});
	});

	test.each([
		['an SCM key that is one of the export’s parameters', { scmFields: { field: [{ key: 'product', value: '1' }] } }, /"SCM Fields 1 Key" "product" is one of the export's own parameters/],
		['an empty SCM key', { scmFields: { field: [{ key: ' ', value: '1' }] } }, /"SCM Fields 1 Key" is empty/],
		['an SCM key with spaces', { scmFields: { field: [{ key: 'lot number', value: '1' }] } }, /must be an SCM field key/],
		['the same SCM key twice', { scmFields: { field: [{ key: 'lot_number', value: '1' }, { key: 'lot_number', value: '2' }] } }, /"SCM Fields 2 Key" "lot_number" is used twice/],
		['an empty SCM value', { scmFields: { field: [{ key: 'lot_number', value: '' }] } }, /"SCM Fields 1 Value" is empty/],
		['a campaign ID of 0', { campaignId: 0 }, /"Campaign ID" must be a positive whole number/],
		['an empty product', { product: { __rl: true, mode: 'id', value: '' } }, /"Product" is empty/],
	])('%s is refused before any request', async (_, filters, pattern) => {
		const { error } = await all({ filters });
		expect(error.message).toMatch(pattern);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});
});

describe('errors', () => {
	test('a token without scans_download gets a 403 that names it', async () => {
		const token = sandbox.createToken(['product_view'], 'noScans');
		const { error } = await scans({ returnAll: true, timeRange: '1d' }, { token });
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/scans_download/);
		expect(JSON.stringify(error)).not.toContain(token);
	});

	test('continue on fail: one error item per failing input item, the others still export', async () => {
		const input = [{ json: { timeframe: '1d' } }, { json: { timeframe: 'soon' } }];
		const { items } = await scans(
			{ returnAll: false, limit: 2, timeRange: 'custom', timeframe: '={{ $json.timeframe }}' },
			{ input, continueOnFail: true },
		);
		expect(items.filter((i) => i.pairedItem.item === 0)).toHaveLength(2);
		const failed = items.filter((i) => i.pairedItem.item === 1);
		expect(failed).toHaveLength(1);
		expect(failed[0].json.error).toMatch(/Item 1: "Timeframe" must be a number and a unit/);
		expect(scanRequests().length).toBeGreaterThanOrEqual(1);
		expect(scanRequests().every((r) => r.query.page_mode === 'cursor')).toBe(true);
	});
});

describe('Simplify', () => {
	const v11 = (parameters) =>
		runNode({
			type: 'scantrustScan',
			typeVersion: 1.1,
			parameters: { operation: 'getMany', timeRange: '1y', limit: 20, ...parameters },
			credentials: sandboxCredential(sandbox),
		});

	test('1.1 gives flat scans by default: statuses in words, SCM values as scm_ fields, flags a list', async () => {
		const [simple, full] = [await v11({}), await v11({ simplify: false })];
		expect(simple.error).toBeUndefined();
		expect(simple.items).toHaveLength(20);
		simple.items.forEach((item, k) => {
			const record = full.items[k].json;
			expect(item.json).toMatchObject({
				scan_uuid: record.scan.uuid,
				scanned_at: record.scan.datetime,
				status: record.scan.computed_status,
				flags: record.scan.flags,
				extended_id: record.code.extended_id,
				code_status: ['inactive', 'active', 'blacklisted'][record.code.activation_status],
				product_sku: record.product?.sku ?? null,
				country: record.location.country,
			});
			for (const [key, value] of Object.entries(record.scm)) expect(item.json[`scm_${key}`]).toEqual(value);
			expect(Object.values(item.json).every((value) => value === null || typeof value !== 'object' || Array.isArray(value))).toBe(true);
			expect(item.pairedItem).toEqual({ item: 0 });
		});
	});

	test('a blacklisted code’s reason has its portal name', async () => {
		const code = sandbox.state.codes.find((c) => c.status === 1);
		const blacklisted = await runNode({
			type: 'scantrustCode',
			parameters: { operation: 'blacklist', dataKey: 'extended_id', extendedId: code.extended_id, reason: 4, options: {} },
			credentials: sandboxCredential(sandbox),
		});
		expect(blacklisted.items[0].json.status).toBe('blacklisted');
		sandbox.addScans({ count: 1, extendedId: code.extended_id });
		const { items } = await v11({ timeRange: '1d', returnAll: true, filters: { activationStatus: 2 } });
		const scan = items.find((item) => item.json.extended_id === code.extended_id);
		expect(scan.json).toMatchObject({ code_status: 'blacklisted', blacklist_reason: 'Stolen' });
	});

	test('version 1 keeps the full records it always gave (saved workflows see no change)', async () => {
		const { items } = await scans({ timeRange: '1y', limit: 3 });
		expect(Object.keys(items[0].json)).toEqual(expect.arrayContaining(['scan', 'code', 'product', 'location', 'scm']));
	});
});
});
