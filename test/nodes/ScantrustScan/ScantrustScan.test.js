// The Scan node end to end: n8n-core's WorkflowExecute runs it against the sandbox's scan export.
const { runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, apiRequests } = require('../../helpers/sandbox');

const getSandbox = useSandbox();
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const scanRequests = () => apiRequests(sandbox, 'GET', '/dashboard/scans/');
const scans = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustScan',
		parameters: { operation: 'getMany', ...parameters },
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
		workflowSettings: extra.workflowSettings,
	});
const all = (parameters) => scans({ returnAll: true, timeRange: '1y', ...parameters });

describe('Get Many', () => {
	test('exports with cursor pagination, one item per scan, paired with the input item', async () => {
		const { items, error } = await scans({ returnAll: true, timeRange: '1w' });
		expect(error).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		expect(items[0].json).toHaveProperty('scan.uuid');
		expect(items[0].json).toHaveProperty('code.extended_id');
		expect(items.every((item) => item.pairedItem.item === 0)).toBe(true);
		const [request] = scanRequests();
		expect(request.query).toEqual({ page_mode: 'cursor', timeframe: '1w', page_size: '1000' });
		const times = items.map((item) => item.json.scan.datetime);
		expect([...times].sort()).toEqual(times);
	});

	test('Return All follows `next` over several pages of 1000', async () => {
		sandbox.addScans({ count: 2500 });
		const since = Date.now() - 86_400_000;
		const store = sandbox.state.scans;
		const expected = store.length - store.lowerBound(since);
		sandbox.clearLog();
		const { items, error } = await scans({ returnAll: true, timeRange: '1d' });
		expect(error).toBeUndefined();
		// Scans keep their own time; a few seeded ones near the day's edge may fall either side.
		expect(Math.abs(items.length - expected)).toBeLessThanOrEqual(1);
		expect(new Set(items.map((item) => item.json.scan.uuid)).size).toBe(items.length);
		const requests = scanRequests();
		expect(requests).toHaveLength(Math.ceil(items.length / 1000));
		expect(requests.length).toBeGreaterThanOrEqual(3);
		// Every page after the first is the `next` link as given: it carries the cursor.
		expect(requests.slice(1).every((r) => typeof r.query.cursor === 'string')).toBe(true);
	});

	test('Limit stops early: only the pages it needs, and a small limit asks for a small page', async () => {
		sandbox.addScans({ count: 2500 });
		sandbox.clearLog();
		const big = await scans({ returnAll: false, limit: 1500, timeRange: '1d' });
		expect(big.items).toHaveLength(1500);
		expect(scanRequests()).toHaveLength(2);
		sandbox.clearLog();
		const small = await scans({ returnAll: false, limit: 5, timeRange: '1d' });
		expect(small.items).toHaveLength(5);
		expect(scanRequests()).toHaveLength(1);
		expect(scanRequests()[0].query.page_size).toBe('5');
	});

	test.each([
		['Last Day', '1d'],
		['Last Month', '1m'],
		['Last Year', '1y'],
	])('time range %s sends timeframe=%s', async (_, value) => {
		await scans({ returnAll: false, limit: 1, timeRange: value });
		expect(scanRequests()[0].query.timeframe).toBe(value);
	});

	test('a custom timeframe is normalised (the older "-3w" form too)', async () => {
		await scans({ returnAll: false, limit: 1, timeRange: 'custom', timeframe: ' -3W ' });
		expect(scanRequests()[0].query.timeframe).toBe('3w');
	});

	test('a date range goes out as exact UTC instants; results stay inside it', async () => {
		const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
		const to = new Date(Date.now() - 10 * 86_400_000).toISOString();
		const { items } = await all({ timeRange: 'dateRange', dateFrom: from, dateTo: to });
		expect(scanRequests()[0].query).toMatchObject({ date_from: from, date_to: to });
		expect(scanRequests()[0].query.timeframe).toBeUndefined();
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((i) => i.json.scan.datetime >= from.slice(0, 19) && i.json.scan.datetime <= to)).toBe(true);
	});

	test.each([
		// The instants are worked out by hand, not by code like the node's.
		['America/New_York', '2026-01-15T00:00:00', '2026-01-15T05:00:00.000Z'], // EST, UTC−5
		['America/New_York', '2026-07-15T00:00:00', '2026-07-15T04:00:00.000Z'], // EDT, UTC−4
		['Asia/Kolkata', '2026-01-15T00:00:00', '2026-01-14T18:30:00.000Z'], // UTC+5:30
		['America/New_York', '2026-03-08T03:30:00', '2026-03-08T07:30:00.000Z'], // an hour after the switch to EDT
	])('a picked date without offset is read in the workflow time zone (%s, %s)', async (timezone, picked, expected) => {
		await scans(
			{ returnAll: false, limit: 1, timeRange: 'dateRange', dateFrom: picked },
			{ workflowSettings: { timezone } },
		);
		expect(scanRequests()[0].query.date_from).toBe(expected);
		expect(scanRequests()[0].query.date_to).toBeUndefined();
	});

	test.each([
		['an empty From', { timeRange: 'dateRange', dateFrom: '' }, /"From" (is empty|is required)/],
		['a From that is no date', { timeRange: 'dateRange', dateFrom: 'next tuesday' }, /"From" must be a date and time/],
		['a To before From', { timeRange: 'dateRange', dateFrom: '2026-03-01T00:00:00Z', dateTo: '2026-02-01T00:00:00Z' }, /"To" is before "From"/],
		['an impossible date', { timeRange: 'dateRange', dateFrom: '2026-02-31T00:00:00' }, /"From" must be a date and time/],
		['a timeframe without unit', { timeRange: 'custom', timeframe: '3' }, /"Timeframe" must be a number and a unit/],
		['a zero timeframe', { timeRange: 'custom', timeframe: '0d' }, /"Timeframe" must be a number and a unit/],
		['an unknown timeframe unit', { timeRange: 'custom', timeframe: '2h' }, /"Timeframe" must be a number and a unit/],
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
			timeframe: '1y',
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
		expect(scanRequests()).toHaveLength(1);
	});
});
