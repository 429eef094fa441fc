// Security: the UAT token goes only to the configured base URL's origin and appears nowhere else.
//
// 1. Representative runs (successes, 4xx/5xx failures, continue on fail, dropped and hung
//    connections, binary downloads and uploads, the trigger) and then a search for every sandbox
//    token in their outputs, serialized errors and run data, the sandbox's request log, everything
//    written to the console or stdout/stderr, and every file n8n's binary data store wrote.
// 2. Foreign `next` links, redirects (to another origin, out of a path prefix, of a change) and
//    download links elsewhere are refused or fetched without the token; the second origin is the
//    sandbox's file store (whose log names any token that reaches it) or a recording server.
// 3. Base URL rules end to end: userinfo, a query, a fragment or plain http to a non-loopback host
//    are refused before anything is sent; a path prefix works through a prefix-stripping proxy.
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
// n8n's logger at its most talkative (what a self-hoster debugging with N8N_LOG_LEVEL=debug
// sees), set before n8n-core is loaded, writing to a log file as a self-hosted n8n can: the file
// is searched for tokens below. (Its console output cannot be captured reliably: in a jest worker
// winston writes to jest's own console stream.) Jest's other files keep the log silent
// (test/setup-env.js); with TEST_LOGS=1 it goes to the console too.
const echo = process.env.TEST_LOGS === '1';
const n8nLogFile = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'scantrust-security-')), 'n8n.log');
process.env.N8N_LOG_LEVEL = 'debug';
process.env.N8N_LOG_OUTPUT = echo ? 'console,file' : 'file';
process.env.N8N_LOG_FILE_LOCATION = n8nLogFile;
const { runNode, runPoll, sandboxCredential, ROOT } = require('../harness/n8n');
const { useSandbox } = require('../helpers/sandbox');
const { useFastBackoff, apiEntries, record, startProxy, startOtherOrigin, binaryBuffer } = require('./support');

const paths = { paths: [require.resolve('n8n-core')] };
const { Container } = require(require.resolve('@n8n/di', paths));
const { BinaryDataService } = require('n8n-core');
const { OutboundHttp } = require(require.resolve('@n8n/backend-network', paths));
const { ScantrustApi } = require(path.join(ROOT, 'dist/credentials/ScantrustApi.credentials'));
const constants = require(path.join(ROOT, 'dist/nodes/shared/transport/constants'));
const { TIMEOUT_MS } = constants;

useFastBackoff();
// Small pages, so every list here spans several pages and `next` links are followed many times.
const pageSizes = { list: constants.LIST_PAGE_SIZE, scan: constants.SCAN_PAGE_SIZE };
beforeAll(() => {
	constants.LIST_PAGE_SIZE = 4;
	constants.SCAN_PAGE_SIZE = 200;
});
afterAll(() => {
	constants.LIST_PAGE_SIZE = pageSizes.list;
	constants.SCAN_PAGE_SIZE = pageSizes.scan;
});
const getSandbox = useSandbox({ seed: 'reliability-security', scanCount: 1500, codeCount: 1500, jobDelayMs: 0 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.faults.clear();
	sandbox.clearLog();
});

const byId = (id) => ({ __rl: true, mode: 'id', value: String(id) });
const credentialFor = (baseUrl, token = sandbox.tokens.full) => ({ scantrustApi: { environment: 'custom', baseUrl, token } });

// ---------------------------------------------------------------------------------------------
// Everything written to the console and to stdout/stderr while this file runs.
const captured = [];
const originals = {};
beforeAll(() => {
	for (const stream of ['stdout', 'stderr']) {
		originals[stream] = process[stream].write;
		process[stream].write = function (chunk, ...rest) {
			captured.push(String(chunk));
			return echo ? originals[stream].call(this, chunk, ...rest) : true;
		};
	}
	for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
		originals[method] = console[method];
		console[method] = (...args) => {
			captured.push(util.format(...args));
			return echo ? originals[method].apply(console, args) : undefined;
		};
	}
});
afterAll(() => {
	process.stdout.write = originals.stdout;
	process.stderr.write = originals.stderr;
	for (const method of ['log', 'info', 'warn', 'error', 'debug']) console[method] = originals[method];
});

/** Every string form of a value: JSON, n8n's own toJSON, and a deep inspect that shows causes and hidden fields. */
function serialize(value) {
	const parts = [];
	try {
		parts.push(JSON.stringify(value));
	} catch {
		// circular: inspect below covers it
	}
	if (value && typeof value.toJSON === 'function') parts.push(JSON.stringify(value.toJSON()));
	parts.push(util.inspect(value, { depth: 12, showHidden: true, maxArrayLength: 200, maxStringLength: 100_000 }));
	if (value instanceof Error) parts.push(value.message, String(value.description ?? ''), String(value.stack ?? ''));
	return parts.join('\n');
}

function filesUnder(dir) {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? filesUnder(full) : [full];
	});
}

describe('the token appears in no output, error, log line or file', () => {
	const collected = [];
	const runs = [];
	let requestLog = '';
	const keep = (what, result) => {
		runs.push(what);
		collected.push(serialize(result.items), serialize(result.errorItems), serialize(result.error), serialize(result.run));
		return result;
	};

	test('representative runs: successes, failures, continue on fail, faults, files, the trigger', async () => {
		const credentials = sandboxCredential(sandbox);
		const codes = sandbox.state.codes.filter((c) => c.campaign === 2207);
		const product = sandbox.state.products.find((p) => !p.is_archived);
		const workOrder = sandbox.state.workorders[0];

		// Successes.
		keep('Product: Get Many', await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: true, filters: {} }, credentials }));
		keep('Product: Create', await runNode({ type: 'scantrustProduct', parameters: { operation: 'create', sku: 'SEC-1', name: 'Sec', brand: byId(sandbox.state.brands[0].id), additionalFields: {} }, credentials }));
		keep('Scan: Get Many', await runNode({ type: 'scantrustScan', parameters: { operation: 'getMany', returnAll: true, timeRange: '1m' }, credentials }));
		keep('SCM Data: Update', await runNode({ type: 'scantrustScmData', parameters: { operation: 'update', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', mappingMode: 'defineBelow', fields: { field: [{ key: 'lot_number', value: 'SEC' }] }, options: {} }, credentials, input: codes.slice(0, 3).map((c) => ({ json: { ext: c.extended_id } })) }));
		const exported = keep('Code: Export (binary)', await runNode({ type: 'scantrustCode', parameters: { operation: 'export', filters: { workorder: String(workOrder.id) }, options: { pollInterval: 1 } }, credentials }));
		const zipped = keep('Work Order: Download Codes (binary)', await runNode({ type: 'scantrustWorkOrder', parameters: { operation: 'downloadCodes', workOrder: byId(workOrder.id), binaryPropertyName: 'data', waitForCompletion: false }, credentials }));
		for (const result of [exported, zipped]) {
			expect(result.error).toBeUndefined();
			collected.push((await binaryBuffer(result.items[0].binary.data)).toString('latin1'));
		}
		keep('Code Upload: Add SIDs from a file (upload)', await runNode({
			type: 'scantrustCodeUpload',
			parameters: { operation: 'addSids', source: 'file', binaryPropertyName: 'data', fileType: 'auto', options: {}, waitForCompletion: true, pollInterval: 1, timeout: 10 },
			credentials,
			input: [{ json: {}, binary: { data: { data: Buffer.from('id\r\nSECFILE-0001\r\nSECFILE-0002\r\n').toString('base64'), mimeType: 'text/csv', fileName: 'codes.csv' } } }],
		}));
		const staticData = {};
		for (let poll = 0; poll < 3; poll++) {
			sandbox.addScans({ count: 2 });
			const { result } = await runPoll({ type: 'scantrustTrigger', parameters: { event: 'newScan', options: {} }, credentials, staticData });
			collected.push(serialize(result), serialize(staticData));
		}
		runs.push('Trigger: New Scan, 3 polls');

		// Failures: 400, 401 (a wrong token), 403, 404, continue on fail, the error output.
		keep('Product: Create, duplicate SKU (400)', await runNode({ type: 'scantrustProduct', parameters: { operation: 'create', sku: product.sku, name: 'Dup', brand: byId(sandbox.state.brands[0].id), additionalFields: {} }, credentials }));
		keep('Product: Get Many, revoked token (401)', await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: true, filters: {} }, credentials: credentialFor(sandbox.baseUrl, 'not-a-sandbox-token-0000') }));
		keep('Product: Create, read-only token (403)', await runNode({ type: 'scantrustProduct', parameters: { operation: 'create', sku: 'SEC-2', name: 'Sec', brand: byId(sandbox.state.brands[0].id), additionalFields: {} }, credentials: credentialFor(sandbox.baseUrl, sandbox.tokens.readOnly) }));
		keep('Work Order: Get, unknown ID (404), continue on fail', await runNode({ type: 'scantrustWorkOrder', parameters: { operation: 'get', workOrder: byId(999999) }, credentials, continueOnFail: true }));
		keep('Code: Blacklist, 403 to the error output', await runNode({ type: 'scantrustCode', parameters: { operation: 'blacklist', dataKey: 'extended_id', extendedId: codes[5].extended_id, reason: 4, options: {} }, credentials: credentialFor(sandbox.baseUrl, sandbox.tokens.noProduct), errorOutput: true }));
		keep('Trigger: New Scan, token without scans_download', { error: await runPoll({ type: 'scantrustTrigger', parameters: { event: 'newScan', options: {} }, credentials: credentialFor(sandbox.baseUrl, sandbox.tokens.noProduct), staticData: {} }).catch((e) => e) });

		// Faults: a dropped change, a 500, a hung request, a refused connection.
		sandbox.faults.set({ drop: { nth: [1], method: 'POST', afterApply: true } });
		keep('SCM Data: Update, connection dropped after apply', await runNode({ type: 'scantrustScmData', parameters: { operation: 'update', dataKey: 'extended_id', extendedId: codes[8].extended_id, mappingMode: 'defineBelow', fields: { field: [{ key: 'lot_number', value: 'DROP' }] }, options: {} }, credentials, continueOnFail: true }));
		sandbox.faults.set({ errors: { status: 500, nth: [1] } });
		keep('Scan: Get Many, HTTP 500', await runNode({ type: 'scantrustScan', parameters: { operation: 'getMany', returnAll: true, timeRange: '1d' }, credentials }));
		const saved = TIMEOUT_MS.default;
		TIMEOUT_MS.default = 200;
		sandbox.faults.set({ hang: { nth: [1, 2] } });
		keep('Product: Get Many, hung server', await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: true, filters: {} }, credentials }));
		TIMEOUT_MS.default = saved;
		sandbox.faults.clear();
		keep('Product: Get Many, nothing listening', await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: true, filters: {} }, credentials: credentialFor('http://127.0.0.1:9') }));

		requestLog = JSON.stringify(sandbox.log);
		expect(runs).toHaveLength(18);
	});

	test('no sandbox token in outputs, errors, run data, the request log, n8n\'s log, the console or written files', async () => {
		// n8n's log file is written asynchronously: wait until its report of the 401 run is there.
		const n8nLog = () => (fs.existsSync(n8nLogFile) ? fs.readFileSync(n8nLogFile, 'utf8') : '');
		for (let waited = 0; !/HTTP 401/.test(n8nLog()) && waited < 300; waited++) await new Promise((r) => setTimeout(r, 100));
		const tokens = [sandbox.tokens.full, sandbox.tokens.readOnly, sandbox.tokens.noProduct, 'not-a-sandbox-token-0000'];
		const binaryDir = Container.get(BinaryDataService).config.localStoragePath;
		const files = filesUnder(binaryDir);
		if (process.env.RELIABILITY_REPORT && fs.existsSync(process.env.RELIABILITY_REPORT)) files.push(process.env.RELIABILITY_REPORT);
		const sources = [
			['outputs, errors and run data', collected.join('\n')],
			['sandbox request log', requestLog],
			['console and stdout/stderr', captured.join('')],
			["n8n's log file (debug level)", n8nLog()],
			...files.map((file) => [`file ${path.relative(binaryDir, file)}`, fs.readFileSync(file).toString('latin1')]),
		];
		const leaks = [];
		for (const [where, text] of sources) for (const token of tokens) if (text.includes(token)) leaks.push(where);
		expect(leaks).toEqual([]);
		// The search did look at something: errors were raised, files written, the console used.
		expect(collected.join('').length).toBeGreaterThan(100_000);
		expect(files.length).toBeGreaterThan(0);
		expect(requestLog.length).toBeGreaterThan(10_000);
		// n8n's logger wrote its reports of the runs, failing ones with their errors, into its file.
		expect(n8nLog()).toMatch(/HTTP 401/);
		expect(n8nLog()).toMatch(/Workflow execution started/);
		record('security', {
			scenario: 'Token search',
			runs: runs.length,
			tokens: tokens.length,
			bytesSearched: sources.reduce((sum, [, text]) => sum + text.length, 0),
			files: files.length,
			leaks: leaks.length,
		});
	});
});

describe('the token goes only to the configured origin', () => {
	const fileStoreHits = () => sandbox.log.filter((e) => e.origin === 'files');

	test.each([
		['Product: Get Many (limit/offset)', 'scantrustProduct', { operation: 'getMany', returnAll: true, filters: {} }],
		['Scan: Get Many (cursor)', 'scantrustScan', { operation: 'getMany', returnAll: true, timeRange: '1y' }],
	])('%s: `next` links naming another origin (the file store) are followed on the configured one', async (what, type, parameters) => {
		sandbox.setOptions({ publicOrigin: sandbox.fileStoreUrl });
		try {
			const { items, error } = await runNode({ type, parameters, credentials: sandboxCredential(sandbox) });
			expect(error).toBeUndefined();
			expect(items.length).toBeGreaterThan(0);
		} finally {
			sandbox.setOptions({ publicOrigin: null });
		}
		const pages = apiEntries(sandbox);
		expect(pages.length).toBeGreaterThan(1);
		expect(pages.every((e) => e.token === 'full')).toBe(true);
		expect(fileStoreHits()).toEqual([]);
		record('security', { scenario: `Foreign next links: ${what}`, requests: pages.length, leaks: fileStoreHits().length });
	});

	test('download links on the file store are fetched without the token', async () => {
		const workOrder = sandbox.state.workorders[0];
		const credentials = sandboxCredential(sandbox);
		await runNode({ type: 'scantrustWorkOrder', parameters: { operation: 'downloadCodes', workOrder: byId(workOrder.id), binaryPropertyName: 'data', waitForCompletion: false }, credentials });
		await runNode({ type: 'scantrustCode', parameters: { operation: 'export', filters: { status: '2' }, options: { pollInterval: 1 } }, credentials });
		const downloads = fileStoreHits();
		expect(downloads.length).toBe(2);
		// A leak: a download that carried an Authorization header, or a token the file store recognised.
		const leaks = downloads.filter((e) => e.authorizationHeaderSeen !== false || e.token !== null).length;
		expect(leaks).toBe(0);
		expect(downloads.every((e) => e.status === 200)).toBe(true);
		record('security', { scenario: 'Download links (file store)', requests: downloads.length, leaks });
	});

	describe('redirects', () => {
		let other;
		let proxy;
		afterEach(async () => {
			await proxy?.close();
			await other?.close();
			proxy = undefined;
			other = undefined;
		});
		const redirecting = async (location, { status = 302, when = () => true } = {}) => {
			other = await startOtherOrigin({ respond: (_req, res) => res.end('{"results":[]}') });
			proxy = await startProxy(sandbox, {
				intercept: (req, res, target) => {
					if (!when(req, target)) return false;
					res.writeHead(status, { Location: typeof location === 'function' ? location(target) : location });
					res.end();
					return true;
				},
			});
		};

		test.each([
			['301', 301],
			['302', 302],
			['307', 307],
			['308', 308],
		])('a %s from the API to another origin: refused, the other origin never hears from us', async (_, status) => {
			await redirecting(() => `${other.url}/collect`, { status });
			const { error } = await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: true, filters: {} }, credentials: credentialFor(proxy.url) });
			expect(error.message).toMatch(new RegExp(`redirect \\(HTTP ${status}\\) to ${other.url}/collect; it was not followed`));
			expect(other.requests).toEqual([]);
			record('security', { scenario: `Redirect ${status} to another origin`, requests: proxy.requests.length, leaks: other.requests.length });
		});

		test('a redirect to the file store mid-pagination: refused, the file store sees no request', async () => {
			let pages = 0;
			await redirecting((target) => `${sandbox.fileStoreUrl}${target}`, { when: (req) => req.method === 'GET' && ++pages === 2 });
			const { error } = await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: true, filters: {} }, credentials: credentialFor(proxy.url) });
			expect(error.message).toMatch(/not followed/);
			expect(fileStoreHits()).toEqual([]);
		});

		test('a same-origin redirect of a GET (Django adding a slash) is followed, with the token', async () => {
			await redirecting((target) => target.replace('/api/v2/products/', '/api/v2/products/?moved=1&'), {
				when: (req, target) => target.startsWith('/api/v2/products/') && !target.includes('moved=1'),
			});
			const { items, error } = await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: false, limit: 3, filters: {} }, credentials: credentialFor(proxy.url) });
			expect(error).toBeUndefined();
			expect(items).toHaveLength(3);
			expect(proxy.requests.map((r) => r.authorization)).toEqual([true, true]);
		});

		test('a redirected change is refused: a POST would arrive as a GET and not be applied', async () => {
			await redirecting((target) => target, { status: 301, when: (req) => req.method === 'POST' });
			const { error } = await runNode({ type: 'scantrustProduct', parameters: { operation: 'create', sku: 'SEC-R', name: 'R', brand: byId(sandbox.state.brands[0].id), additionalFields: {} }, credentials: credentialFor(proxy.url) });
			expect(error.description).toMatch(/arrive as a GET and not be applied/);
			expect(sandbox.state.products.some((p) => p.sku === 'SEC-R')).toBe(false);
		});

		test('a download link that redirects elsewhere is followed without the token', async () => {
			// The work order's file link points at a server that redirects to the real file store.
			other = await startOtherOrigin({
				respond: (req, res) => {
					res.writeHead(302, { Location: `${sandbox.fileStoreUrl}${req.url}` });
					res.end();
				},
			});
			proxy = await startProxy(sandbox, {
				rewrite: (_path, json) => (typeof json.codegen_file === 'string' ? { ...json, codegen_file: json.codegen_file.replace(sandbox.fileStoreUrl, other.url) } : json),
			});
			const { items, error } = await runNode({ type: 'scantrustWorkOrder', parameters: { operation: 'downloadCodes', workOrder: byId(sandbox.state.workorders[0].id), binaryPropertyName: 'data', waitForCompletion: false }, credentials: credentialFor(proxy.url) });
			expect(error).toBeUndefined();
			expect(items[0].binary.data.mimeType).toBe('application/zip');
			expect(other.requests).toHaveLength(1);
			expect(other.requests[0].authorization).toBeUndefined();
			expect(fileStoreHits().every((e) => e.authorizationHeaderSeen === false)).toBe(true);
		});

		test('the credential keeps n8n from carrying the token across a redirect (the HTTP Request node uses it too)', async () => {
			await redirecting(() => `${other.url}/collect`);
			const credential = new ScantrustApi();
			const options = await credential.authenticate(
				{ environment: 'custom', baseUrl: proxy.url, token: sandbox.tokens.full },
				{ method: 'GET', url: `${proxy.url}/api/v2/me/` },
			);
			const client = Container.get(OutboundHttp).requests();
			await client.request(options);
			await client.requestLegacy({ method: 'GET', uri: options.url, headers: options.headers, sendCredentialsOnCrossOriginRedirect: options.sendCredentialsOnCrossOriginRedirect });
			// n8n followed both redirects, but without the Authorization header.
			expect(other.requests).toHaveLength(2);
			expect(other.requests.map((r) => r.authorization)).toEqual([undefined, undefined]);
		});
	});
});

describe('base URL rules end to end', () => {
	test.each([
		['a user name and password', (base) => base.replace('http://', 'http://user:secret@'), /must not contain a user name or password/],
		['a query string', (base) => `${base}/?tenant=1`, /must not contain a query string/],
		['a fragment', (base) => `${base}/#api`, /must not contain a fragment/],
		['plain http to a non-loopback host', () => 'http://scantrust.example.com', /plain http to scantrust\.example\.com.*clear text/],
		['another scheme', () => 'ftp://127.0.0.1/', /must start with https:\/\//],
	])('%s: refused with a clear message before anything is sent', async (_, baseUrl, pattern) => {
		const { error } = await runNode({
			type: 'scantrustProduct',
			parameters: { operation: 'getMany', returnAll: true, filters: {} },
			credentials: credentialFor(baseUrl(sandbox.baseUrl)),
		});
		expect(error.message).toMatch(pattern);
		expect(apiEntries(sandbox)).toEqual([]);
	});

	describe('a path prefix: a proxy in front of the API', () => {
		let proxy;
		beforeAll(async () => {
			proxy = await startProxy(getSandbox(), { prefix: '/gateway/scantrust' });
		});
		afterAll(async () => {
			await proxy.close();
		});
		const credentials = () => credentialFor(proxy.url);

		test('lists page through (the API’s links name the proxy without its prefix), changes apply, files download', async () => {
			const products = await runNode({ type: 'scantrustProduct', parameters: { operation: 'getMany', returnAll: true, filters: {} }, credentials: credentials() });
			expect(products.error).toBeUndefined();
			expect(products.items).toHaveLength(sandbox.state.products.filter((p) => !p.is_archived).length);
			const scans = await runNode({ type: 'scantrustScan', parameters: { operation: 'getMany', returnAll: true, timeRange: '1y' }, credentials: credentials() });
			expect(scans.error).toBeUndefined();
			expect(scans.items).toHaveLength(sandbox.state.scans.length);
			const target = sandbox.state.codes.find((c) => c.campaign === 2207);
			const update = await runNode({ type: 'scantrustScmData', parameters: { operation: 'update', dataKey: 'extended_id', extendedId: target.extended_id, mappingMode: 'defineBelow', fields: { field: [{ key: 'lot_number', value: 'PROXIED' }] }, options: {} }, credentials: credentials() });
			expect(update.error).toBeUndefined();
			expect(target.scm.lot_number).toBe('PROXIED');
			const exported = await runNode({ type: 'scantrustCode', parameters: { operation: 'export', filters: { status: '2' }, options: { pollInterval: 1 } }, credentials: credentials() });
			expect(exported.error).toBeUndefined();
			const staticData = {};
			await runPoll({ type: 'scantrustTrigger', parameters: { event: 'newScan', options: {} }, credentials: credentials(), staticData });
			const created = sandbox.addScans({ count: 3 }).map((s) => s.uuid);
			const { result } = await runPoll({ type: 'scantrustTrigger', parameters: { event: 'newScan', options: {} }, credentials: credentials(), staticData });
			expect(result[0].map((i) => i.json.scan.uuid).sort()).toEqual(created.sort());

			// Every API request went through the proxy, under its prefix, with the token. A leak: a
			// request with the token that reached the API around the proxy, or left its prefix.
			const bypassed = Math.max(0, apiEntries(sandbox).length - proxy.requests.length);
			const leaks = bypassed + proxy.requests.filter((r) => !r.path.startsWith('/gateway/scantrust/api/v2/')).length;
			expect(leaks).toBe(0);
			expect(proxy.requests.length).toBe(apiEntries(sandbox).length);
			expect(proxy.requests.every((r) => r.authorization)).toBe(true);
			record('security', { scenario: 'Path prefix through a proxy', requests: proxy.requests.length, leaks });
		});
	});
});
