// Reliability: the scan export (Scan node) and the code export (Code node) under the mixed fault
// load (5 % 503, 5 % dropped connections, 429 bursts, latency spikes; deterministic seeds). The
// output must equal the sandbox's data set exactly: nothing lost, nothing twice, same order.
const path = require('node:path');
const { runNode, sandboxCredential, ROOT } = require('../harness/n8n');
const { useSandbox } = require('../helpers/sandbox');
const { useFastBackoff, binaryBuffer, mixedFaults, apiEntries, faultCounts, record, duplicates, api, listAll, applied } = require('./support');

// The node asks for 1000 scans per page. With 100 the same data crosses ten times as many page
// boundaries, so the faults hit ten times as many cursor hand-overs for the same run time.
const constants = require(path.join(ROOT, 'dist/nodes/shared/transport/constants'));
const PAGE_SIZE = 100;

useFastBackoff();
const getSandbox = useSandbox({ seed: 'reliability-export', scanCount: 12000, codeCount: 4000, jobDelayMs: 0 });
let sandbox;
let pageSize;
beforeAll(() => {
	pageSize = constants.SCAN_PAGE_SIZE;
	constants.SCAN_PAGE_SIZE = PAGE_SIZE;
});
afterAll(() => {
	constants.SCAN_PAGE_SIZE = pageSize;
});
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const uuidsOf = (scans) => scans.map((scan) => scan.scan.uuid);

describe('scan export under mixed faults', () => {
	const day = (offset) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
	const cases = [
		['every scan of the last year', { returnAll: true, timeRange: '1y' }, 'timeframe=1y', 0],
		['suspicious scans only', { returnAll: true, timeRange: '1y', onlySuspicious: true }, 'timeframe=1y&flags=counterfeit,out-of-market', 0],
		[
			'a date range',
			{ returnAll: true, timeRange: 'dateRange', dateFrom: `${day(120)}T00:00:00Z`, dateTo: `${day(30)}T00:00:00Z` },
			`date_from=${day(120)}T00:00:00.000Z&date_to=${day(30)}T00:00:00.000Z`,
			0,
		],
		['active codes only, with a limit across pages', { returnAll: false, limit: 3333, timeRange: '1y', filters: { activationStatus: 1 } }, 'timeframe=1y&activation_status=1', 3333],
	];

	test.each(cases)('%s: the output equals the data set, in order', async (name, parameters, query, limit) => {
		// The reference: the same query, paged by hand with the faults off.
		let expected = uuidsOf(await listAll(sandbox, `/dashboard/scans/?page_mode=cursor&page_size=1000&${query}`));
		if (limit) expected = expected.slice(0, limit);
		expect(expected.length).toBeGreaterThan(limit ? limit - 1 : 500);
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());

		const { items, error } = await runNode({
			type: 'scantrustScan',
			parameters: { operation: 'getMany', ...parameters },
			credentials: sandboxCredential(sandbox),
		});
		const counts = faultCounts(apiEntries(sandbox));
		sandbox.faults.clear();

		expect(error).toBeUndefined();
		const got = uuidsOf(items.map((item) => item.json));
		const repeated = duplicates(got);
		const delivered = new Set(got);
		const missing = expected.filter((uuid) => !delivered.has(uuid));
		expect(repeated).toEqual([]);
		expect(missing).toEqual([]);
		expect(got).toEqual(expected);
		// The faults did happen: every kind at least once over the four runs is checked below.
		expect(counts.faulted).toBeGreaterThan(0);
		record('export', {
			scenario: `Scan export: ${name}`,
			runs: 1,
			requests: counts.requests,
			faults: counts.faults,
			checked: expected.length,
			lost: missing.length,
			duplicated: repeated.length,
		});
		faultTotals.push(counts.faults);
	});

	const faultTotals = [];
	afterAll(() => {
		const kinds = new Set(faultTotals.flatMap((faults) => Object.keys(faults)));
		expect([...kinds].sort()).toEqual(expect.arrayContaining(['drop', 'drop-after-apply', 'error-503', 'spike', 'throttle']));
	});
});

describe('code export under mixed faults', () => {
	/** Fault-free reference: start the export, fetch its link, download the CSV. */
	async function referenceCsv(query) {
		const started = await api(sandbox, 'GET', `/codes/download/?${new URLSearchParams(query)}`);
		const key = started.body.document.key;
		for (;;) {
			const link = await api(sandbox, 'GET', `/documents/${key}/get-download-link/`);
			if (link.status === 200) return await (await fetch(link.body.url)).text();
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}

	const idsOf = (csv) =>
		csv
			.trim()
			.split(/\r\n/)
			.slice(1)
			.map((row) => row.split(',')[0]);

	test('40 exports (one per input item, every filter kind): each file equals the data set', async () => {
		const workorders = sandbox.state.workorders.map((w) => w.id);
		const brands = sandbox.state.brands.map((b) => b.id);
		const products = sandbox.state.products.slice(0, 12).map((p) => p.id);
		const filters = [];
		for (const workorder of workorders) for (const status of ['0', '1', '2']) filters.push({ workorder: String(workorder), status });
		for (const brand of brands) for (const status of ['0', '1', '2']) filters.push({ brands: String(brand), status });
		for (const product of products) filters.push({ products: String(product) });
		for (const campaign of sandbox.state.campaigns.map((c) => c.id)) filters.push({ campaign: String(campaign), blacklisted: 'false' });
		while (filters.length < 40) filters.push({ workorder: String(workorders[filters.length % workorders.length]) });
		const toQuery = (f) => {
			const q = { ...f };
			if (f.blacklisted !== undefined) q.blacklisted = f.blacklisted;
			return q;
		};

		const expected = [];
		for (const f of filters) expected.push(await referenceCsv(toQuery(f)));
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());

		const { items, error } = await runNode({
			type: 'scantrustCode',
			parameters: {
				operation: 'export',
				filters: {
					workorder: '={{ $json.workorder ?? "" }}',
					brands: '={{ $json.brands ?? "" }}',
					products: '={{ $json.products ?? "" }}',
					campaign: '={{ $json.campaign ?? "" }}',
					status: '={{ $json.status ?? "" }}',
					blacklisted: '={{ $json.blacklisted ?? "" }}',
				},
				options: { pollInterval: 1 },
			},
			credentials: sandboxCredential(sandbox),
			input: filters.map((json) => ({ json })),
			continueOnFail: true,
		});
		const counts = faultCounts(apiEntries(sandbox));
		sandbox.faults.clear();

		expect(error).toBeUndefined();
		expect(items).toHaveLength(filters.length);
		let checked = 0;
		let lost = 0;
		let repeated = 0;
		let unknown = 0;
		for (const [i, item] of items.entries()) {
			expect(item.pairedItem).toEqual({ item: i });
			if (item.json.error) {
				// The start creates an export job: when its answer is lost it is reported, not repeated.
				expect(item.json.error).toMatch(/codes\/download\/.*may or may not have been applied, and was not sent again/);
				unknown++;
				continue;
			}
			const csv = (await binaryBuffer(item.binary.data)).toString('utf8');
			const got = idsOf(csv);
			const want = idsOf(expected[i]);
			repeated += duplicates(got).length;
			const present = new Set(got);
			lost += want.filter((id) => !present.has(id)).length;
			checked += want.length;
			expect(csv).toBe(expected[i]);
		}
		expect({ lost, repeated }).toEqual({ lost: 0, repeated: 0 });
		// Never a second export job for one item: every start that reached Scantrust belongs to one
		// item, and only the starts whose answer was lost became "may or may not" error items.
		const starts = apiEntries(sandbox, (e) => e.path === '/api/v2/codes/download/');
		const lostStarts = starts.filter((e) => String(e.faulted ?? '').split(',').some((label) => label.startsWith('drop')));
		expect(unknown).toBe(lostStarts.length);
		expect(starts.filter(applied).length).toBe(items.length - unknown + lostStarts.filter(applied).length);
		expect(counts.faulted).toBeGreaterThan(0);
		record('export', {
			scenario: `Code export: ${filters.length} exports, one per input item (work order × status, brand × status, product, campaign)`,
			runs: 1,
			requests: counts.requests,
			faults: counts.faults,
			checked,
			lost,
			duplicated: repeated,
			unknown,
		});
	});
});
