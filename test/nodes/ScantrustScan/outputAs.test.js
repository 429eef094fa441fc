// Scan → Get Many, Output As "JSON Lines File": all scans in one file in n8n's binary store, one
// scan per line exactly as the export gives it, written page by page (nodes/ScantrustScan/helpers/outputAs.ts,
// nodes/shared/jsonLines.ts). The file is compared with what Items mode gives for the same export.
const { runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, apiRequests, scanExportVariants } = require('../../helpers/sandbox');
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
const { BinaryDataService } = require('n8n-core');

const getSandbox = useSandbox();
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const scans = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustScan',
		parameters: { operation: 'getMany', timeRange: '1d', ...parameters },
		credentials: sandboxCredential(sandbox),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
		typeVersion: extra.typeVersion,
	});
const fileText = async (binary) =>
	(binary.id ? await Container.get(BinaryDataService).getAsBuffer(binary) : Buffer.from(binary.data, 'base64')).toString('utf8');
const lines = (text) => text.split('\n').slice(0, -1).map((line) => JSON.parse(line));

test('Return All: one item with the file, one line per scan, the same scans in the same order as Items mode', async () => {
	sandbox.addScans({ count: 2300 });
	sandbox.clearLog();
	const asItems = await scans({ returnAll: true });
	expect(asItems.error).toBeUndefined();
	const itemsRequests = apiRequests(sandbox, 'GET', '/dashboard/scans/').map((r) => r.query);
	sandbox.clearLog();

	const { items, error } = await scans({ returnAll: true, outputAs: 'jsonLines', binaryPropertyName: 'scans' });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(1);
	const [item] = items;
	expect(item.pairedItem).toEqual({ item: 0 });
	expect(item.json).toEqual({ fileName: expect.stringMatching(/^scantrust-scans-.+\.jsonl$/), scans: asItems.items.length });
	expect(item.binary.scans).toMatchObject({ mimeType: 'application/x-ndjson', fileName: item.json.fileName, fileExtension: 'jsonl' });
	// Stored in the binary store (the harness uses n8n's filesystem mode), not in the item.
	expect(item.binary.scans.id).toEqual(expect.any(String));

	const text = await fileText(item.binary.scans);
	expect(text.endsWith('\n')).toBe(true);
	expect(lines(text)).toEqual(asItems.items.map((i) => i.json));
	expect(item.binary.scans.bytes).toBe(Buffer.byteLength(text));
	// Read window by window, page by page, like Items mode: as many requests.
	expect(apiRequests(sandbox, 'GET', '/dashboard/scans/')).toHaveLength(itemsRequests.length);
});

test('Limit applies to the file as to items', async () => {
	sandbox.addScans({ count: 1500 });
	const { items, error } = await scans({ returnAll: false, limit: 1200, outputAs: 'jsonLines' });
	expect(error).toBeUndefined();
	expect(items[0].json.scans).toBe(1200);
	expect(lines(await fileText(items[0].binary.data))).toHaveLength(1200);
});

test('no scans: an empty file and a count of 0', async () => {
	const { items, error } = await scans({ returnAll: true, outputAs: 'jsonLines', timeRange: 'dateRange', dateFrom: '2001-01-01T00:00:00Z', dateTo: '2001-01-02T00:00:00Z' });
	expect(error).toBeUndefined();
	expect(items[0].json.scans).toBe(0);
	expect(await fileText(items[0].binary.data)).toBe('');
});

test('a page that fails fails the item: no file is passed on', async () => {
	sandbox.addScans({ count: 2500 });
	sandbox.faults.set({ errors: { status: 400, path: '/dashboard/scans/', nth: [2] } });
	const { items, error } = await scans({ returnAll: true, outputAs: 'jsonLines' });
	expect(items).toHaveLength(0);
	expect(error).toBeDefined();
	expect(error.message).toMatch(/HTTP 400/);
	expect(error.context.itemIndex).toBe(0);
});

test('a field name with spaces is refused before anything is sent, naming the item and the field', async () => {
	const input = [{ json: {} }, { json: {} }];
	const { items } = await scans(
		{ returnAll: true, outputAs: 'jsonLines', binaryPropertyName: '={{ $itemIndex === 1 ? "my file" : "data" }}' },
		{ input, continueOnFail: true },
	);
	expect(items).toHaveLength(2);
	expect(items[0].binary.data).toBeDefined();
	expect(items[1].json.error).toBe('Item 1: "Put Output File in Field" must be a field name without spaces');
	expect(items[1].pairedItem).toEqual({ item: 1 });
});

test('version 1.1 (Simplify on by default): the file still holds the API’s records as they are, and Simplify is hidden for it', async () => {
	const raw = await scans({ returnAll: true });
	const simplified = await scans({ returnAll: true }, { typeVersion: 1.1 });
	expect(simplified.items[0].json).not.toEqual(raw.items[0].json);
	const { items, error } = await scans({ returnAll: true, order: 'oldest', outputAs: 'jsonLines' }, { typeVersion: 1.1 });
	expect(error).toBeUndefined();
	expect(lines(await fileText(items[0].binary.data))).toEqual(raw.items.map((i) => i.json));

	const { ScantrustScan } = require('../../../dist/nodes/ScantrustScan/ScantrustScan.node.js');
	const simplify = new ScantrustScan().description.properties.filter((p) => p.name === 'simplify');
	expect(simplify.length).toBeGreaterThan(0);
	for (const property of simplify) expect(property.displayOptions.show.outputAs).toEqual(['items']);
});

// The file is read as bytes, split into scans as each page streams in (nodes/shared/scanPage.ts,
// resultsSplitter.ts, scanLine.ts): it must hold what Items mode gives under every behaviour of
// the export, and survive a page lost halfway.
describe.each(scanExportVariants())('the file under the export variant %s', (variant, sandboxOptions) => {
	const getVariantSandbox = useSandbox(sandboxOptions);
	let variantSandbox;
	beforeEach(() => {
		variantSandbox = getVariantSandbox();
		variantSandbox.reset();
	});
	const read = (parameters) =>
		runNode({
			type: 'scantrustScan',
			parameters: { operation: 'getMany', timeRange: '1w', ...parameters },
			credentials: sandboxCredential(variantSandbox),
		});

	test.each([
		['newest', { returnAll: true }],
		['oldest', { returnAll: true }],
		['newest', { returnAll: false, limit: 1700 }],
		['oldest', { returnAll: false, limit: 900 }],
	])('%s first, %j: the same scans in the same order as Items mode, each once', async (order, paging) => {
		// A busy hour in a quiet week: windows are cut, some pages read again.
		variantSandbox.addScans({ count: 2600, at: Date.now() - 3 * 86_400_000 });
		variantSandbox.addScans({ count: 1900 });
		const asItems = await read({ ...paging, order });
		expect(asItems.error).toBeUndefined();
		const { items, error } = await read({ ...paging, order, outputAs: 'jsonLines' });
		expect(error).toBeUndefined();
		const written = lines(await fileText(items[0].binary.data));
		expect(items[0].json.scans).toBe(written.length);
		expect(written).toEqual(asItems.items.map((i) => i.json));
		expect(new Set(written.map((s) => s.scan.uuid)).size).toBe(written.length);
		if (paging.returnAll) expect(written.length).toBeGreaterThanOrEqual(4500);
		else expect(written).toHaveLength(paging.limit);
	});
});

test('a page whose connection is lost halfway is read again: every scan once, none of the broken page twice', async () => {
	sandbox.addScans({ count: 4200 });
	const asItems = await scans({ returnAll: true });
	sandbox.clearLog();
	sandbox.faults.set({ cut: { path: '/dashboard/scans/', nth: [2, 4], share: 0.6 } });
	const { items, error } = await scans({ returnAll: true, outputAs: 'jsonLines' });
	expect(error).toBeUndefined();
	const cut = sandbox.log.filter((entry) => entry.faulted === 'cut');
	expect(cut).toHaveLength(2);
	expect(lines(await fileText(items[0].binary.data))).toEqual(asItems.items.map((i) => i.json));
	// Each cut page was asked for again with the same query, and answered.
	for (const entry of cut) {
		const again = sandbox.log.filter((e) => e.seq > entry.seq && e.path === entry.path && JSON.stringify(e.query) === JSON.stringify(entry.query) && !e.faulted);
		expect(again.length).toBeGreaterThanOrEqual(1);
	}
});

test('Items mode too reads a page lost halfway again', async () => {
	sandbox.addScans({ count: 2500 });
	const before = await scans({ returnAll: true });
	sandbox.faults.set({ cut: { path: '/dashboard/scans/', nth: [3], share: 0.5 } });
	const { items, error } = await scans({ returnAll: true });
	expect(error).toBeUndefined();
	expect(items.map((i) => i.json)).toEqual(before.items.map((i) => i.json));
});

test('a page that is not the export (a proxy’s HTML with 200) stops the file with an error naming the item and the page', async () => {
	// A server of its own: the sandbox always answers JSON.
	const http = require('node:http');
	const server = http.createServer((req, res) => {
		res.writeHead(200, { 'Content-Type': 'text/html' });
		res.end('<html><body>Maintenance</body></html>');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		const credentials = { scantrustApi: { environment: 'custom', baseUrl: `http://127.0.0.1:${server.address().port}`, token: 'not-a-real-token' } };
		for (const outputAs of ['jsonLines', 'items']) {
			const { items, error } = await runNode({
				type: 'scantrustScan',
				parameters: { operation: 'getMany', timeRange: '1d', returnAll: true, outputAs },
				credentials,
			});
			expect(items).toHaveLength(0);
			expect(error.message).toMatch(/^Scantrust answered GET \/api\/v2\/dashboard\/scans\/ with a page of scans that cannot be read: /);
			expect(error.context.itemIndex).toBe(0);
		}
	} finally {
		server.close();
	}
});
