// Reliability: what users will type. Every bad input gets an error that names the item and the
// field before anything is sent; a large input (100,000 items) gives a bounded and correct run;
// and a run that stops half way says exactly which items were applied and which were not.
const { runNode, sandboxCredential } = require('../harness/n8n');
const { useSandbox } = require('../helpers/sandbox');
const { apiEntries, record, applied } = require('./support');

// The large inputs spend most of their time in n8n's expression evaluation (about 0.3 ms each).
jest.setTimeout(240_000);
const getSandbox = useSandbox({ seed: 'reliability-input', scanCount: 500, codeCount: 4000, jobDelayMs: 0 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.faults.clear();
	sandbox.clearLog();
});

const byId = (id) => ({ __rl: true, mode: 'id', value: String(id) });
const brand = () => byId(sandbox.state.brands[0].id);
const ext = (n) => sandbox.state.codes[n].extended_id;
const items = (list) => list.map((json) => ({ json }));
const file = (content, mimeType, fileName, extra = {}) => ({ data: { data: Buffer.from(content).toString('base64'), mimeType, fileName, ...extra } });
const MiB = 1024 * 1024;

const createProducts = { operation: 'create', sku: '={{ $json.sku }}', name: '={{ $json.name }}', brand: { __rl: true, mode: 'id', value: '={{ $json.brand ?? 1115 }}' }, additionalFields: {} };
const fromTemplate = { operation: 'createFromTemplate', template: { __rl: true, mode: 'key', value: 'sid-pre-print' }, source: 'items', codeIdField: 'id', scmData: 'none', options: {}, waitForCompletion: false };
const fromFile = { operation: 'addSids', source: 'file', binaryPropertyName: 'data', fileType: 'auto', options: {}, waitForCompletion: false };
const scmUpdate = (fields, options = {}) => ({ operation: 'update', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', mappingMode: 'defineBelow', fields: { field: fields }, options });
const codeOp = (operation, extra = {}) => ({ operation, dataKey: 'extended_id', extendedId: '={{ $json.ext }}', options: {}, ...extra });

/**
 * [class, case, node, parameters, input items, item the error must name, what the message must say].
 * Nothing may be sent to Scantrust for any of them.
 */
const CASES = [
	// Code IDs
	['Code ID', 'shorter than 8 characters (upload)', 'scantrustCodeUpload', fromTemplate, () => items([{ id: 'GOODCODE-01' }, { id: 'GOODCODE-02' }, { id: 'abc' }]), 2, /Item 2: code ID "abc" is shorter than 8 characters/],
	['Code ID', 'illegal characters (upload)', 'scantrustCodeUpload', fromTemplate, () => items([{ id: 'bad id!!x' }]), 0, /Item 0: code ID "bad id!!x" may only hold letters/],
	['Code ID', 'missing field (upload)', 'scantrustCodeUpload', fromTemplate, () => items([{ id: 'GOODCODE-01' }, { code: 'GOODCODE-02' }]), 1, /Item 1: has no code ID in field "id" \(its fields: code\)/],
	['Code ID', 'duplicated within one upload', 'scantrustCodeUpload', fromTemplate, () => items([{ id: 'GOODCODE-01' }, { id: 'GOODCODE-02' }, { id: 'GOODCODE-01' }]), 2, /Item 2: code ID "GOODCODE-01" is also in item 0/],
	['Code ID', 'a space inside (activate)', 'scantrustCode', codeOp('activate'), () => items([{ ext: ext(0) }, { ext: 'ABC DEF12345' }]), 1, /Item 1: "Extended ID" must not contain spaces/],
	['Code ID', 'a scan URL instead of the ID (blacklist)', 'scantrustCode', codeOp('blacklist', { reason: 1 }), () => items([{ ext: `https://qr.example.test/q/${ext(0)}` }]), 0, /Item 0: "Extended ID" looks like a URL/],
	['Code ID', 'a line break (SCM update)', 'scantrustScmData', scmUpdate([{ key: 'lot_number', value: 'L1' }]), () => items([{ ext: `${ext(0)}\n` + 'x' }]), 0, /Item 0: "Extended ID" must not contain spaces, line breaks/],
	// SKUs
	['SKU', 'empty in one item of a batch', 'scantrustProduct', createProducts, () => items([{ sku: 'IN-1', name: 'a' }, { sku: 'IN-2', name: 'b' }, { sku: '  ', name: 'c' }]), 2, /Item 2: "SKU" is empty/],
	['SKU', 'duplicated within one batch', 'scantrustProduct', createProducts, () => items([{ sku: 'IN-1', name: 'a' }, { sku: 'IN-2', name: 'b' }, { sku: 'in-1', name: 'c' }]), 2, /Item 2: "SKU" "in-1" is also used by item 0/],
	['Reference', 'a work-order reference used twice in one batch', 'scantrustWorkOrder', { operation: 'create', reference: '={{ $json.ref }}', quantity: 5, product: { __rl: true, mode: 'list', value: '' }, activateOnComplete: false, useSerialNumber: true, waitForCompletion: false, additionalFields: {} }, () => items([{ ref: 'TWICE-1' }, { ref: 'TWICE-2' }, { ref: 'TWICE-1' }]), 2, /Item 2: "Reference" "TWICE-1" is also used by item 0/],
	// Files
	['File', 'missing binary property', 'scantrustCodeUpload', fromFile, () => [{ json: {}, binary: { file: file('id\r\nGOODCODE-01\r\n', 'text/csv', 'codes.csv').data } }], 0, /Item 0: "Input Binary Field" names "data", but the item's files are in "file"/],
	['File', 'no file at all', 'scantrustCodeUpload', fromFile, () => [{ json: {} }], 0, /Item 0: "Input Binary Field" names "data", but the item has no file/],
	['File', 'wrong type (PNG)', 'scantrustCodeUpload', fromFile, () => [{ json: {}, binary: file('\x89PNG\r\n', 'image/png', 'codes.png') }], 0, /Item 0: "Input Binary Field" holds a image\/png \(codes\.png\) file; only CSV or JSON/],
	['File', 'wrong type (Excel)', 'scantrustCodeUpload', fromFile, () => [{ json: {}, binary: file('PK', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'codes.xlsx') }], 0, /only CSV or JSON files can be uploaded/],
	['File', 'empty file', 'scantrustCodeUpload', fromFile, () => [{ json: {}, binary: { data: { data: '', mimeType: 'text/csv', fileName: 'codes.csv' } } }], 0, /Item 0: "Input Binary Field" holds an empty file/],
	['File', 'over 100 MB (n8n metadata)', 'scantrustCodeUpload', fromFile, () => [{ json: {}, binary: file('id\r\n', 'text/csv', 'big.csv', { bytes: 100 * MiB + 1 }) }], 0, /Item 0: "Input Binary Field" holds a file of 100\.0 MB; Scantrust accepts files of up to 100 MB/],
	// Dates
	['Date', 'day/month/year (scan date range)', 'scantrustScan', { operation: 'getMany', returnAll: true, timeRange: 'dateRange', dateFrom: '31/01/2026' }, () => items([{}]), 0, /Item 0: "From" must be a date and time like 2026-01-31T08:00:00 \(got "31\/01\/2026"\)/],
	['Date', '"To" before "From"', 'scantrustScan', { operation: 'getMany', returnAll: true, timeRange: 'dateRange', dateFrom: '2026-02-01T00:00:00Z', dateTo: '2026-01-01T00:00:00Z' }, () => items([{}]), 0, /Item 0: "To" is before "From"/],
	['Date', 'a word (code export)', 'scantrustCode', { operation: 'export', filters: { activatedFrom: 'yesterday' }, options: {} }, () => items([{}]), 0, /Item 0: "Activated After" must be a date like 2026-01-31 \(got "yesterday"\)/],
	['Date', 'a timeframe in words', 'scantrustScan', { operation: 'getMany', returnAll: true, timeRange: 'custom', timeframe: '3 weeks' }, () => items([{}]), 0, /Item 0: "Timeframe" must be a number and a unit/],
	// Ranges
	['Range', 'activation status 3', 'scantrustScmData', scmUpdate([{ key: 'activation_status', value: '={{ $json.status }}' }]), () => items([{ ext: ext(0), status: 1 }, { ext: ext(1), status: 3 }]), 1, /Item 1: "activation_status" must be a whole number from 0 to 2 \(got "3"\)/],
	['Range', 'blacklist reason 11 (Code node)', 'scantrustCode', codeOp('blacklist', { reason: '={{ $json.reason }}' }), () => items([{ ext: ext(0), reason: 4 }, { ext: ext(1), reason: 11 }]), 1, /Item 1: "Reason" must be a whole number from 1 to 10 \(got "11"\)/],
	['Range', 'blacklist reason 0 (Code node)', 'scantrustCode', codeOp('blacklist', { reason: '={{ $json.reason }}' }), () => items([{ ext: ext(0), reason: 0 }]), 0, /Item 0: "Reason" must be a whole number from 1 to 10 \(got "0"\)/],
	['Range', 'blacklist reason "four" (SCM update)', 'scantrustScmData', scmUpdate([{ key: 'blacklist_reason', value: 'four' }]), () => items([{ ext: ext(0) }]), 0, /Item 0: "blacklist_reason" must be a whole number from 0 to 10 \(got "four"\)/],
	['Range', 'work-order quantity 0', 'scantrustWorkOrder', { operation: 'create', reference: '={{ $json.ref }}', quantity: '={{ $json.qty }}', product: { __rl: true, mode: 'list', value: '' }, activateOnComplete: false, useSerialNumber: true, waitForCompletion: false, additionalFields: {} }, () => items([{ ref: 'IN-WO-1', qty: 5 }, { ref: 'IN-WO-2', qty: 0 }]), 1, /Item 1: "Quantity" must be a positive whole number \(got "0"\)/],
	['Range', 'batch size 5000', 'scantrustScmData', scmUpdate([{ key: 'lot_number', value: 'L' }], { batchSize: 5000 }), () => items([{ ext: ext(0) }]), 0, /Item 0: "Batch Size" must be a whole number from 1 to 1000/],
	['Range', 'a product ID that is not a number', 'scantrustProduct', { operation: 'get', product: { __rl: true, mode: 'id', value: '={{ $json.id }}' } }, () => items([{ id: 'olive-oil' }]), 0, /Item 0: "Product" must be a numeric product ID \(got "olive-oil"\)/],
	// Expressions that resolve to nothing
	['Empty expression', 'SKU', 'scantrustProduct', createProducts, () => items([{ sku: 'IN-1', name: 'a' }, { name: 'b' }]), 1, /Item 1: "SKU" is empty/],
	['Empty expression', 'extended ID (activate)', 'scantrustCode', codeOp('activate'), () => items([{ ext: ext(0) }, { other: 1 }]), 1, /Item 1: "Extended ID" is empty/],
	['Empty expression', 'every SCM value', 'scantrustScmData', scmUpdate([{ key: 'lot_number', value: '={{ $json.lot }}' }]), () => items([{ ext: ext(0), lot: 'L1' }, { ext: ext(1) }]), 1, /Item 1: "Fields to Write" has no field to write/],
	['Empty expression', 'work-order reference', 'scantrustWorkOrder', { operation: 'create', reference: '={{ $json.ref }}', quantity: 5, product: { __rl: true, mode: 'list', value: '' }, activateOnComplete: false, useSerialNumber: true, waitForCompletion: false, additionalFields: {} }, () => items([{}]), 0, /Item 0: "Reference" is empty/],
	['Empty expression', 'async constraint values', 'scantrustScmData', { operation: 'updateAsync', constraints: { constraint: [{ field: 'extended_id', values: '={{ $json.ids }}' }] }, fields: { field: [{ key: 'lot_number', value: 'L' }] }, waitForCompletion: false, options: {} }, () => items([{ ids: [] }]), 0, /Item 0: "Constraint 1: Values" is empty/],
	['Empty expression', 'scan filter product SKU', 'scantrustScan', { operation: 'getMany', returnAll: true, timeRange: '1w', filters: { product: { __rl: true, mode: 'sku', value: '={{ $json.sku }}' } } }, () => items([{}]), 0, /Item 0: "Product" is empty/],
];

describe('bad input is refused before anything is sent, naming the item and the field', () => {
	const rows = CASES.map(([kind, what, type, parameters, input, item, message]) => ({ kind, what, type, parameters, input, item, message }));
	test.each(rows)('$kind: $what', async ({ kind, what, type, parameters, input, item, message }) => {
		const { error } = await runNode({ type, parameters, credentials: sandboxCredential(sandbox), input: input() });
		expect(error).toBeDefined();
		expect(error.message).toMatch(message);
		expect(error.context.itemIndex).toBe(item);
		expect(apiEntries(sandbox)).toEqual([]);
		record('input', { kind, scenario: what, item, sent: apiEntries(sandbox).length, message: error.message });
	});

	test('with "continue on fail" only the bad items become error items; the good ones are applied', async () => {
		const input = items([{ sku: 'COF-1', name: 'a' }, { sku: '', name: 'b' }, { sku: 'COF-3', name: 'c' }]);
		const { items: out, error } = await runNode({ type: 'scantrustProduct', parameters: createProducts, credentials: sandboxCredential(sandbox), input, continueOnFail: true });
		expect(error).toBeUndefined();
		expect(out.map((i) => i.json.sku ?? i.json.error)).toEqual(['COF-1', 'Item 1: "SKU" is empty', 'COF-3']);
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(apiEntries(sandbox, (e) => e.method === 'POST')).toHaveLength(2);
	});
});

describe('a file over 100 MB held in memory', () => {
	test('is refused from its size alone, before anything is sent', async () => {
		// n8n's in-memory binary mode: base64 text with no size metadata; the node must not decode 140 MB to find out.
		const bytes = 100 * MiB + 3;
		const data = 'QUFB'.repeat(bytes / 3);
		const { error } = await runNode({ type: 'scantrustCodeUpload', parameters: fromFile, credentials: sandboxCredential(sandbox), input: [{ json: {}, binary: { data: { data, mimeType: 'text/csv', fileName: 'huge.csv' } } }] });
		expect(error.message).toMatch(/Item 0: "Input Binary Field" holds a file of 100\.0 MB; Scantrust accepts files of up to 100 MB/);
		expect(apiEntries(sandbox)).toEqual([]);
		record('input', { kind: 'File', scenario: 'over 100 MB in memory (base64, no metadata)', item: 0, sent: apiEntries(sandbox).length, message: error.message });
	});
});

describe('stopping half way says which items were applied', () => {
	test('Product Create: a SKU Scantrust already has, at item 6 of 10', async () => {
		const taken = sandbox.state.products.find((p) => !p.is_archived).sku;
		const input = items(Array.from({ length: 10 }, (_, i) => ({ sku: i === 6 ? taken : `HALF-${i}`, name: `Half ${i}` })));
		const { error } = await runNode({ type: 'scantrustProduct', parameters: createProducts, credentials: sandboxCredential(sandbox), input });
		expect(error.message).toMatch(/HTTP 400.*sku: product with this sku already exists/);
		expect(error.context.itemIndex).toBe(6);
		expect(error.description).toMatch(/The node stopped at item 6: items 0–5 had already run, and any change they made stays applied in Scantrust\. items 7–9 were not sent\./);
		expect(sandbox.state.products.filter((p) => p.sku.startsWith('HALF-')).map((p) => p.sku)).toEqual(['HALF-0', 'HALF-1', 'HALF-2', 'HALF-3', 'HALF-4', 'HALF-5']);
		record('input', { kind: 'Half applied', scenario: 'Product Create stops at item 6 of 10', item: 6, sent: apiEntries(sandbox, (e) => e.method === 'POST').length, message: error.description.split('\n').pop() });
	});
});

describe('large inputs', () => {
	// n8n evaluates an expression in about a third of a millisecond, so the node's own time is
	// dwarfed by it: these runs use one expression per item (the extended ID) and map the data
	// fields automatically from the item. With the workflow in UTC: for other time zones n8n's
	// expression set-up (luxon's $now) costs about twice as much, which only slows the test.
	const { getGlobalState, setGlobalState } = require('n8n-workflow');
	let timezone;
	beforeAll(() => {
		timezone = getGlobalState().defaultTimezone;
		setGlobalState({ ...getGlobalState(), defaultTimezone: 'UTC' });
	});
	afterAll(() => setGlobalState({ ...getGlobalState(), defaultTimezone: timezone }));
	const lots = (n, prefix) => Array.from({ length: n }, (_, i) => ({ json: { extended_id: sandbox.state.codes[i % 4000].extended_id, lot_number: `${prefix}-${i}` } }));
	const autoMap = (options = {}) => ({ operation: 'update', dataKey: 'extended_id', extendedId: '={{ $json.extended_id }}', mappingMode: 'autoMapInputData', fieldsToIgnore: '', options: { batchSize: 1000, ...options } });

	test('100,000 items: a bounded, correct run (100 requests of 1,000, every item paired, the last write to each code wins)', async () => {
		const N = 100_000;
		const started = Date.now();
		const { items: out, error } = await runNode({ type: 'scantrustScmData', parameters: autoMap(), credentials: sandboxCredential(sandbox), input: lots(N, 'BIG') });
		const ms = Date.now() - started;
		expect(error).toBeUndefined();
		expect(out).toHaveLength(N);
		for (let i = 0; i < N; i += 997) expect(out[i].pairedItem).toEqual({ item: i });
		const writes = apiEntries(sandbox, (e) => e.path === '/api/v2/scm/upload/');
		expect(writes).toHaveLength(100);
		expect(writes.every((e) => e.status === 200)).toBe(true);
		// Batches go in input order, so each code carries the value of the last item that names it
		// (codes of a campaign without lot_number keep none).
		const wrong = sandbox.state.codes.slice(0, 4000).filter((c, n) => c.scm.lot_number !== undefined && c.scm.lot_number !== `BIG-${N - 4000 + n}`);
		expect(wrong).toEqual([]);
		const written = out.filter((item) => item.json.updated).length;
		expect(written).toBe(out.filter((item, i) => sandbox.state.codes[i % 4000].scm.lot_number !== undefined).length);
		record('input', { kind: '100,000 items', scenario: 'SCM Data Update, 100,000 items in batches of 1,000', item: null, sent: writes.length, ms, message: `${written} items written; ${N - written} reported "not written" (lot_number is not a field of their code's campaign)` });
	});

	test('10,000 items, the last one bad: refused before anything is sent, naming item 9,999', async () => {
		const input = lots(10_000, 'BAD');
		input[9_999].json.extended_id = 'HAS SPACE-1';
		const started = Date.now();
		const { error } = await runNode({ type: 'scantrustScmData', parameters: autoMap(), credentials: sandboxCredential(sandbox), input });
		expect(error.message).toMatch(/Item 9999: "Extended ID" must not contain spaces/);
		expect(apiEntries(sandbox)).toEqual([]);
		record('input', { kind: 'Large input', scenario: '10,000 items, the last one bad', item: 9_999, sent: apiEntries(sandbox).length, ms: Date.now() - started, message: error.message });
	});

	test('20,000 items, a server-side rejection in batch 11: batches 1–10 applied, 11 not, 12–20 never sent, and the error says so', async () => {
		const input = lots(20_000, 'MID');
		// An unknown product is only found by Scantrust, which refuses the whole batch.
		input[10_123].json.product = 'NO-SUCH-PRODUCT';
		const { error } = await runNode({ type: 'scantrustScmData', parameters: autoMap(), credentials: sandboxCredential(sandbox), input });
		expect(error.message).toMatch(/Scantrust rejected 1 of 1000 items in batch 11 of 20, items 10000–10999: Item 10123/);
		expect(error.description).toMatch(/Nothing of batch 11 was applied/);
		expect(error.description).toMatch(/Already applied: batches 1–10 \(items 0–9999\)/);
		expect(error.description).toMatch(/Not sent: batches 12–20 \(items 11000–19999\)/);
		const writes = apiEntries(sandbox, (e) => e.path === '/api/v2/scm/upload/');
		expect(writes).toHaveLength(11);
		expect(writes.filter(applied)).toHaveLength(10);
		// The codes agree: no code carries a value from item 10,000 on.
		const stale = sandbox.state.codes.slice(0, 4000).filter((c) => /^MID-/.test(c.scm.lot_number ?? '') && Number(c.scm.lot_number.slice(4)) >= 10_000);
		expect(stale).toEqual([]);
		expect(sandbox.state.codes.slice(0, 4000).filter((c) => /^MID-/.test(c.scm.lot_number ?? '')).length).toBeGreaterThan(0);
		record('input', { kind: 'Half applied', scenario: '20,000 items, rejection in batch 11 of 20', item: 10_123, sent: writes.length, message: error.description.split('\n').filter((l) => /Already applied|Not sent|Nothing of/.test(l)).join(' ') });
	});

	test('100,000 codes as one upload: Scantrust refuses the upload as a whole, nothing is created', async () => {
		const input = Array.from({ length: 100_000 }, (_, i) => ({ json: { id: `BIGUPLOAD-${String(i).padStart(6, '0')}` } }));
		const { error } = await runNode({ type: 'scantrustCodeUpload', parameters: { ...fromTemplate, operation: 'addSids' }, credentials: sandboxCredential(sandbox), input });
		expect(error.message).toMatch(/HTTP 400.*codes: Ensure this field has no more than 50000 elements/);
		expect(apiEntries(sandbox)).toHaveLength(1);
		expect(sandbox.state.ingestions.filter((r) => r.status !== 'completed')).toEqual([]);
		expect(sandbox.state.codes.some((c) => c.extended_id.startsWith('BIGUPLOAD-'))).toBe(false);
		record('input', { kind: '100,000 items', scenario: 'Code Upload (items), 100,000 codes in one upload', item: 0, sent: apiEntries(sandbox).length, message: error.message });
	});
});
