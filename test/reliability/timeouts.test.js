// Reliability: every request has a timeout, so a hung server gives a clear error, not a hung
// workflow. The transport's timeouts (60 s for the API, 90 s for the sync SCM upload, 300 s for
// files; nodes/shared/transport/constants.ts) are lowered to 200 ms here, and the sandbox's `hang`
// fault makes every API request wait forever; the file store is played by a server that never
// answers, reached through a proxy that hands out its links.
//
// Only the timeouts of what is hung are lowered, and only while it hangs: a request that must
// succeed (the trigger's first poll, the API calls before a file-store transfer) keeps its real
// timeout, so a busy machine that answers in 300 ms instead of 3 cannot fail it. Wall-time bounds
// are generous for the same reason: they tell "ends" from "hangs", not fast from slow.
const path = require('node:path');
const { runNode, runPoll, sandboxCredential, ROOT } = require('../harness/n8n');
const { useSandbox } = require('../helpers/sandbox');
const { useFastBackoff, apiEntries, record, startProxy, startOtherOrigin, binaryBuffer } = require('./support');

const { TIMEOUT_MS } = require(path.join(ROOT, 'dist/nodes/shared/transport/constants'));
const SHORT = 200;
/** Ends rather than hangs: a few short timeouts and backoffs, with room for a starved CPU. */
const BOUNDED_MS = 30_000;

useFastBackoff();
const saved = { ...TIMEOUT_MS };
/** Lowers the given timeouts (all by default) until the end of the test. */
function shortTimeouts(keys = Object.keys(TIMEOUT_MS), ms = SHORT) {
	for (const key of keys) TIMEOUT_MS[key] = ms;
}
afterEach(() => Object.assign(TIMEOUT_MS, saved));

const getSandbox = useSandbox({ seed: 'reliability-timeouts', jobDelayMs: 0, scanCount: 300, codeCount: 600 });
let sandbox;
beforeEach(() => {
	// No reset between tests (it rebuilds the data): nothing here changes it, and the client closes
	// the sockets of the requests it gave up on, which frees the sandbox's hung ones.
	sandbox = getSandbox();
	sandbox.faults.clear();
	sandbox.clearLog();
});

const byId = (id) => ({ __rl: true, mode: 'id', value: String(id) });
const key = (value) => ({ __rl: true, mode: 'key', value });
const code = () => sandbox.state.codes.find((c) => c.campaign === 2207);
const workOrder = () => sandbox.state.workorders[0];

/** [node type, what, parameters, input?]: every operation of every node, against a hung API. */
const OPERATIONS = [
	['scantrustProduct', 'Product: Get', () => ({ operation: 'get', product: byId(sandbox.state.products[0].id) })],
	['scantrustProduct', 'Product: Get Many', () => ({ operation: 'getMany', returnAll: true, filters: {} })],
	['scantrustProduct', 'Product: Create (read-back hangs too)', () => ({ operation: 'create', sku: 'HANG-1', name: 'Hang', brand: byId(sandbox.state.brands[0].id), additionalFields: {} })],
	['scantrustProduct', 'Product: Update', () => ({ operation: 'update', product: byId(sandbox.state.products[0].id), updateFields: { name: 'Hang' } })],
	['scantrustProduct', 'Product: Delete', () => ({ operation: 'delete', product: byId(sandbox.state.products[0].id) })],
	['scantrustScan', 'Scan: Get Many', () => ({ operation: 'getMany', returnAll: true, timeRange: '1w' })],
	['scantrustScmData', 'SCM Data: Update', () => ({ operation: 'update', dataKey: 'extended_id', extendedId: code().extended_id, mappingMode: 'defineBelow', fields: { field: [{ key: 'lot_number', value: 'HANG' }] }, options: {} })],
	['scantrustScmData', 'SCM Data: Update Async', () => ({ operation: 'updateAsync', constraints: { constraint: [{ field: 'extended_id', values: code().extended_id }] }, fields: { field: [{ key: 'lot_number', value: 'HANG' }] }, waitForCompletion: true, options: { pollInterval: 1, timeout: 5 } })],
	['scantrustScmData', 'SCM Data: Get Task', () => ({ operation: 'getTask', taskId: '00000000-0000-4000-8000-000000000000' })],
	['scantrustCode', 'Code: Activate', () => ({ operation: 'activate', dataKey: 'extended_id', extendedId: code().extended_id, options: {} })],
	['scantrustCode', 'Code: Blacklist', () => ({ operation: 'blacklist', dataKey: 'extended_id', extendedId: code().extended_id, reason: 4, options: {} })],
	['scantrustCode', 'Code: Export', () => ({ operation: 'export', filters: { status: '1' }, options: { pollInterval: 1, timeout: 5 } })],
	['scantrustWorkOrder', 'Work Order: Create (read-back hangs too)', () => ({ operation: 'create', reference: 'HANG-WO', quantity: 5, product: { __rl: true, mode: 'list', value: '' }, activateOnComplete: false, useSerialNumber: true, waitForCompletion: false, additionalFields: {} })],
	['scantrustWorkOrder', 'Work Order: Get', () => ({ operation: 'get', workOrder: byId(workOrder().id) })],
	['scantrustWorkOrder', 'Work Order: Get Many', () => ({ operation: 'getMany', returnAll: true, filters: {} })],
	['scantrustWorkOrder', 'Work Order: Get Templates', () => ({ operation: 'getTemplates', returnAll: true })],
	['scantrustWorkOrder', 'Work Order: Wait for Completion', () => ({ operation: 'waitForCompletion', workOrder: byId(workOrder().id), pollInterval: 1, timeout: 5 })],
	['scantrustWorkOrder', 'Work Order: Download Codes', () => ({ operation: 'downloadCodes', workOrder: byId(workOrder().id), binaryPropertyName: 'data', waitForCompletion: false })],
	['scantrustCodeUpload', 'Code Upload: Create from Template', () => ({ operation: 'createFromTemplate', template: key('sid-pre-print'), source: 'items', codeIdField: 'id', scmData: 'none', options: {}, waitForCompletion: false }), [{ json: { id: 'HANGCODE-0001' } }]],
	['scantrustCodeUpload', 'Code Upload: Get Record', () => ({ operation: 'getRecord', record: key('abcdefghij0123456789') })],
	['scantrustCodeUpload', 'Code Upload: Get Many Records', () => ({ operation: 'getManyRecords', returnAll: true, filters: {} })],
];

describe('a hung API: every operation ends with a clear timeout error', () => {
	// Rows as objects: jest would take a missing fourth column for a `done` callback.
	test.each(OPERATIONS.map(([type, what, parameters, input]) => ({ type, what, parameters, input })))('$what', async ({ type, what, parameters, input }) => {
		sandbox.faults.set({ hang: {} });
		shortTimeouts();
		const started = Date.now();
		const { error } = await runNode({ type, parameters: parameters(), credentials: sandboxCredential(sandbox), input });
		const took = Date.now() - started;
		const hung = apiEntries(sandbox, (e) => e.faulted === 'hang');
		sandbox.faults.clear();

		expect(error).toBeDefined();
		expect(error.message).toMatch(/did not answer (GET|POST|PUT|PATCH|DELETE) \/api\/v2\/\S+ in time/);
		expect(error.description).toMatch(/within 200 ms/);
		expect(error.context.itemIndex).toBe(0);
		// A timed-out request is tried at most twice; a change without a read-back only once.
		expect(hung.length).toBeGreaterThan(0);
		expect(hung.length).toBeLessThanOrEqual(4);
		expect(took).toBeLessThan(BOUNDED_MS);
		if (/Create|Update|Activate|Blacklist|Delete/.test(what) && !/read-back/.test(what) && type !== 'scantrustProduct') {
			expect(error.message).toMatch(/may or may not have been applied/);
		}
		record('timeouts', { scenario: what, requests: hung.length, ms: took, message: error.message });
	});
});

describe('a hung API: the trigger', () => {
	test.each([
		['New Scan', { event: 'newScan', options: {} }],
		['Work Order Completed', { event: 'workOrderCompleted', options: {} }],
		['Code Upload Finished', { event: 'codeUploadFinished', options: {} }],
	])('%s: the poll fails with a timeout error, the stored position stays', async (what, parameters) => {
		const staticData = {};
		await runPoll({ type: 'scantrustTrigger', parameters, credentials: sandboxCredential(sandbox), staticData });
		const before = JSON.stringify(staticData);
		sandbox.faults.set({ hang: {} });
		shortTimeouts();
		const started = Date.now();
		const error = await runPoll({ type: 'scantrustTrigger', parameters, credentials: sandboxCredential(sandbox), staticData }).catch((e) => e);
		const took = Date.now() - started;
		const hung = apiEntries(sandbox, (e) => e.faulted === 'hang');
		sandbox.faults.clear();
		expect(error).toBeInstanceOf(Error);
		expect(error.message).toMatch(/did not answer GET \/api\/v2\/\S+ in time/);
		expect(took).toBeLessThan(BOUNDED_MS);
		expect(JSON.stringify(staticData)).toBe(before);
		record('timeouts', { scenario: `Trigger: ${what}`, requests: hung.length, ms: took, message: error.message });
	});
});

describe('a hung file store', () => {
	let store;
	let proxy;
	beforeEach(async () => {
		store = await startOtherOrigin();
		// Every link to the file store the API hands out points at the server that never answers.
		const swap = (value) => (typeof value === 'string' ? value.replace(sandbox.fileStoreUrl, store.url) : value);
		proxy = await startProxy(sandbox, {
			rewrite: (_path, json) => {
				for (const field of ['url', 'codegen_file']) if (field in json) json[field] = swap(json[field]);
				return json;
			},
		});
	});
	afterEach(async () => {
		await proxy.close();
		await store.close();
	});
	const credentials = () => ({ scantrustApi: { environment: 'custom', baseUrl: proxy.url, token: sandbox.tokens.full } });

	test.each([
		['Code: Export (download)', 'scantrustCode', () => ({ operation: 'export', filters: { status: '2' }, options: { pollInterval: 1 } }), undefined],
		['Work Order: Download Codes', 'scantrustWorkOrder', () => ({ operation: 'downloadCodes', workOrder: byId(workOrder().id), binaryPropertyName: 'data', waitForCompletion: false }), undefined],
		[
			'Code Upload: Add SIDs from a file (upload)',
			'scantrustCodeUpload',
			() => ({ operation: 'addSids', source: 'file', binaryPropertyName: 'data', fileType: 'auto', options: {}, waitForCompletion: false }),
			[{ json: {}, binary: { data: { data: Buffer.from('id\r\nHANGFILE-0001\r\n').toString('base64'), mimeType: 'text/csv', fileName: 'codes.csv' } } }],
		],
	])('%s: a clear timeout error, and the token never sent to the file store', async (what, type, parameters, input) => {
		shortTimeouts(['file']);
		const started = Date.now();
		const { error } = await runNode({ type, parameters: parameters(), credentials: credentials(), input });
		const took = Date.now() - started;
		expect(error).toBeDefined();
		expect(error.message).toMatch(/^The file store did not answer (GET|POST) \/scantrust-sandbox\/\S* in time/);
		expect(error.description).toMatch(/within 200 ms/);
		// Tried twice at most: a hung file store fails the item in about twice the timeout.
		expect(store.requests.length).toBeLessThanOrEqual(2);
		expect(store.requests.length).toBeGreaterThan(0);
		expect(store.requests.every((r) => r.authorization === undefined)).toBe(true);
		expect(took).toBeLessThan(BOUNDED_MS);
		record('timeouts', { scenario: `File store: ${what}`, requests: store.requests.length, ms: took, message: error.message });
	});
});

describe('a file store that stops sending mid-body (downloads are streamed into n8n’s binary store)', () => {
	let store;
	let proxy;
	let respond;
	beforeEach(async () => {
		respond = undefined;
		store = await startOtherOrigin({ respond: (req, res) => respond(req, res, store.requests.length) });
		const swap = (value) => (typeof value === 'string' ? value.replace(sandbox.fileStoreUrl, store.url) : value);
		proxy = await startProxy(sandbox, {
			rewrite: (_path, json) => {
				if ('codegen_file' in json) json.codegen_file = swap(json.codegen_file);
				return json;
			},
		});
	});
	afterEach(async () => {
		await proxy.close();
		await store.close();
	});
	const completed = () => sandbox.state.workorders.find((w) => w.state === 'completed');
	const download = () =>
		runNode({
			type: 'scantrustWorkOrder',
			parameters: { operation: 'downloadCodes', workOrder: byId(completed().id), binaryPropertyName: 'data', waitForCompletion: false },
			credentials: { scantrustApi: { environment: 'custom', baseUrl: proxy.url, token: sandbox.tokens.full } },
		});
	const SIZE = 200_000;
	// A stall is "nothing for the file timeout": 3 s, so that a chunk a busy machine delivers late
	// is not taken for one (which would add a request to the count checked below).
	beforeEach(() => shortTimeouts(['file'], 3000));

	test('a body that stalls: tried again from the start, then a named error in bounded time, no file passed on', async () => {
		// Headers and the first 50 KB, then nothing: the connection stays open.
		respond = (_req, res) => {
			res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': SIZE });
			res.write(Buffer.alloc(50_000, 1));
		};
		const started = Date.now();
		const { items, error } = await download();
		const took = Date.now() - started;
		expect(items).toHaveLength(0);
		expect(error.message).toMatch(/^The file store stopped sending GET \/scantrust-sandbox\/\S+ after 0 MB of 0.2 MB: nothing arrived for 3 s$/);
		expect(error.description).toMatch(/tried again from the start/);
		expect(error.context.itemIndex).toBe(0);
		// Two stalls end it, like two timeouts.
		expect(store.requests).toHaveLength(2);
		expect(store.requests.every((r) => r.authorization === undefined)).toBe(true);
		expect(took).toBeLessThan(BOUNDED_MS);
		record('timeouts', { scenario: 'File store: a download that stalls mid-body', requests: store.requests.length, ms: took, message: error.message });
	});

	test('a body cut off short of its Content-Length is downloaded again; the file passed on is whole', async () => {
		const body = Buffer.alloc(SIZE, 7);
		respond = (req, res, count) => {
			res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': SIZE });
			if (count === 1) {
				res.write(body.subarray(0, 60_000));
				setTimeout(() => req.socket.destroy(), 20);
			} else res.end(body);
		};
		const { items, error } = await download();
		expect(error).toBeUndefined();
		expect(store.requests).toHaveLength(2);
		expect(items[0].json.fileSize).toBe(SIZE);
		const stored = await binaryBuffer(items[0].binary.data);
		expect(stored.equals(body)).toBe(true);
	});
});
