// Reliability: changes under the mixed fault load. Product creation, SCM updates (sync and async),
// work-order creation and code uploads must each be applied exactly once: the sandbox's state
// holds every change, and its request log shows one applied request per change (a 2xx answer, or
// a connection dropped after the server applied it). Where the fate of a request is unknown the
// node must find out (read back) or say exactly what may or may not have been applied.
const { runNode, sandboxCredential } = require('../harness/n8n');
const { useSandbox } = require('../helpers/sandbox');
const { useFastBackoff, mixedFaults, apiEntries, faultCounts, applied, record, duplicates } = require('./support');

useFastBackoff();
const getSandbox = useSandbox({ seed: 'reliability-changes', codeCount: 4000, jobDelayMs: 0 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const run = (type, parameters, input, extra = {}) =>
	runNode({ type, parameters, credentials: sandboxCredential(sandbox), input: input.map((json) => ({ json })), ...extra });

/** Applied requests per path, with the faults while they ran. */
function outcome(pathTest) {
	const entries = apiEntries(sandbox, (e) => pathTest(e.path));
	return { entries, applied: entries.filter(applied), counts: faultCounts(apiEntries(sandbox)) };
}

describe('product creation under mixed faults', () => {
	test('100 products: each created exactly once', async () => {
		const brand = sandbox.state.brands[0].id;
		const input = Array.from({ length: 100 }, (_, i) => ({ sku: `REL-P-${String(i).padStart(3, '0')}`, name: `Reliability ${i}` }));
		const before = sandbox.state.products.length;
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());
		const { items, error } = await run(
			'scantrustProduct',
			{ operation: 'create', sku: '={{ $json.sku }}', name: '={{ $json.name }}', brand: { __rl: true, mode: 'id', value: String(brand) }, additionalFields: {} },
			input,
		);
		sandbox.faults.clear();
		const { applied: creates, counts } = outcome((p) => p === '/api/v2/products/');
		const posts = creates.filter((e) => e.method === 'POST');
		// Read-backs: the lookups by SKU after a create whose answer was lost (or refused by a gateway).
		const readBacks = apiEntries(sandbox, (e) => e.method === 'GET' && e.path === '/api/v2/products/' && e.query.sku__exact !== undefined).length;
		expect(readBacks).toBeGreaterThan(0);

		// Items that say their create may or may not have been applied, and those of them that were.
		const unknown = items.filter((item) => item.json.error);
		const unknownApplied = unknown.filter((item) => sandbox.state.products.some((p) => p.sku === input[item.pairedItem.item].sku)).length;
		expect(error).toBeUndefined();
		expect(unknown).toEqual([]);
		expect(items.map((item) => item.json.sku)).toEqual(input.map((i) => i.sku));
		const stored = sandbox.state.products.filter((p) => p.sku.startsWith('REL-P-'));
		expect(stored).toHaveLength(100);
		expect(duplicates(stored.map((p) => p.sku))).toEqual([]);
		expect(sandbox.state.products.length).toBe(before + 100);
		expect(posts).toHaveLength(100);
		record('changes', {
			scenario: 'Product: Create, 100 items',
			requests: counts.requests,
			faults: counts.faults,
			checked: 100,
			appliedOnce: stored.length,
			lost: 100 - stored.length,
			twice: posts.length - 100,
			unknownReported: unknown.length,
			unknownApplied,
			readBacks,
		});
	});
});

describe('SCM updates under mixed faults', () => {
	test('2000 codes in batches of 20: every code written, every batch applied once', async () => {
		const targets = sandbox.state.codes.filter((c) => [2207, 2208].includes(c.campaign)).slice(0, 2000);
		expect(targets).toHaveLength(2000);
		const input = targets.map((c, i) => ({ ext: c.extended_id, lot: `REL-LOT-${i}` }));
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());
		const { items, error } = await run(
			'scantrustScmData',
			{
				operation: 'update',
				dataKey: 'extended_id',
				extendedId: '={{ $json.ext }}',
				mappingMode: 'defineBelow',
				fields: { field: [{ key: 'lot_number', value: '={{ $json.lot }}' }] },
				options: { batchSize: 20 },
			},
			input,
			{ continueOnFail: true },
		);
		sandbox.faults.clear();
		const { applied: writes, counts } = outcome((p) => p === '/api/v2/scm/upload/');

		expect(error).toBeUndefined();
		expect(items).toHaveLength(2000);
		const written = targets.filter((c, i) => c.scm.lot_number === `REL-LOT-${i}`).length;
		// An item either reports success (and its code carries the value) or is an error item that
		// says its batch may or may not have been applied; never silence.
		const unknown = items.filter((item) => item.json.error);
		for (const item of unknown) expect(item.json.error).toMatch(/may or may not have been applied/);
		// Lost: an item reported as updated whose code does not carry the value.
		const lost = items.filter((item, i) => !item.json.error && targets[i].scm.lot_number !== input[i].lot).length;
		expect(lost).toBe(0);
		items.forEach((item, i) => {
			if (!item.json.error) {
				expect(item.json).toMatchObject({ extended_id: input[i].ext, updated: true });
				expect(targets[i].scm.lot_number).toBe(input[i].lot);
			}
		});
		// No batch is applied twice.
		expect(writes.length).toBeLessThanOrEqual(100);
		expect(writes.length).toBe(100 - (unknown.length / 20 - unknownApplied(unknown, targets, input)));
		record('changes', {
			scenario: 'SCM Data: Update (sync), 2000 items in batches of 20, continue on fail',
			requests: counts.requests,
			faults: counts.faults,
			checked: 2000,
			appliedOnce: written,
			lost,
			twice: Math.max(0, writes.length - 100),
			unknownReported: unknown.length,
			unknownApplied: unknownApplied(unknown, targets, input) * 20,
		});
	});

	/** Batches reported unknown whose change did reach the codes (the drop came after the write). */
	function unknownApplied(unknown, targets, input) {
		const batches = new Set(unknown.map((item) => Math.floor(item.pairedItem.item / 20)));
		let count = 0;
		for (const batch of batches) {
			const i = batch * 20;
			if (targets[i].scm.lot_number === input[i].lot) count++;
		}
		return count;
	}

	test('Update Async, 40 tasks: each task started once', async () => {
		const targets = sandbox.state.codes.filter((c) => c.campaign === 2209).slice(0, 40);
		const input = targets.map((c, i) => ({ ext: c.extended_id, pallet: `REL-PAL-${i}` }));
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());
		const { items, error } = await run(
			'scantrustScmData',
			{
				operation: 'updateAsync',
				constraints: { constraint: [{ field: 'extended_id', values: '={{ $json.ext }}' }] },
				fields: { field: [{ key: 'pallet_number', value: '={{ $json.pallet }}' }] },
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			},
			input,
			{ continueOnFail: true },
		);
		sandbox.faults.clear();
		const { applied: starts, counts } = outcome((p) => p === '/api/v2/scm/upload/async/');

		expect(error).toBeUndefined();
		const unknown = items.filter((item) => item.json.error);
		for (const item of unknown) expect(item.json.error).toMatch(/may or may not have been applied/);
		const done = items.filter((item) => !item.json.error);
		for (const item of done) expect(item.json.state).toBe('complete');
		// Lost: a task reported complete whose code does not carry the value.
		const lost = done.filter((item) => targets[item.pairedItem.item].scm.pallet_number !== input[item.pairedItem.item].pallet).length;
		expect(lost).toBe(0);
		expect(sandbox.state.scmTasks.size).toBe(starts.length);
		expect(starts.length).toBeLessThanOrEqual(40);
		const written = targets.filter((c, i) => c.scm.pallet_number === `REL-PAL-${i}`).length;
		expect(written).toBe(starts.length);
		record('changes', {
			scenario: 'SCM Data: Update Async, 40 items (one task each), continue on fail',
			requests: counts.requests,
			faults: counts.faults,
			checked: 40,
			appliedOnce: written,
			lost,
			twice: Math.max(0, starts.length - 40),
			unknownReported: unknown.length,
			unknownApplied: unknown.filter((item) => targets[item.pairedItem.item].scm.pallet_number === input[item.pairedItem.item].pallet).length,
		});
	});
});

describe('work-order creation under mixed faults', () => {
	test('40 work orders: each created exactly once', async () => {
		const input = Array.from({ length: 40 }, (_, i) => ({ ref: `REL-WO-${i}` }));
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());
		const { items, error } = await run(
			'scantrustWorkOrder',
			{
				operation: 'create',
				reference: '={{ $json.ref }}',
				quantity: 5,
				product: { __rl: true, mode: 'list', value: '' },
				activateOnComplete: false,
				useSerialNumber: true,
				waitForCompletion: false,
				additionalFields: {},
			},
			input,
		);
		sandbox.faults.clear();
		const { applied: creates, counts } = outcome((p) => p === '/api/v2/workorders/create-sid/');
		const readBacks = apiEntries(sandbox, (e) => e.method === 'GET' && e.path === '/api/v2/workorders/' && e.query.search !== undefined && e.query.is_archived === '0').length;

		const unknown = items.filter((item) => item.json.error);
		const unknownApplied = unknown.filter((item) => sandbox.state.workorders.some((w) => w.reference === input[item.pairedItem.item].ref)).length;
		expect(error).toBeUndefined();
		expect(unknown).toEqual([]);
		expect(items.map((item) => item.json.reference)).toEqual(input.map((i) => i.ref));
		const stored = sandbox.state.workorders.filter((w) => w.reference.startsWith('REL-WO-'));
		expect(stored).toHaveLength(40);
		expect(creates).toHaveLength(40);
		record('changes', {
			scenario: 'Work Order: Create, 40 items',
			requests: counts.requests,
			faults: counts.faults,
			checked: 40,
			appliedOnce: stored.length,
			lost: 40 - stored.length,
			twice: creates.length - 40,
			unknownReported: unknown.length,
			unknownApplied,
			readBacks,
		});
	});
});

describe('code uploads under mixed faults', () => {
	const ids = (prefix, count) => Array.from({ length: count }, (_, n) => `${prefix}-${String(n).padStart(4, '0')}`);

	test('24 uploads from input items (create from template): each code created once, one record per upload', async () => {
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());
		const outcomes = [];
		for (let u = 0; u < 24; u++) {
			const list = ids(`REL-UP${String(u).padStart(2, '0')}`, 40);
			const result = await run(
				'scantrustCodeUpload',
				{
					operation: 'createFromTemplate',
					template: { __rl: true, mode: 'key', value: 'sid-pre-print' },
					source: 'items',
					codeIdField: 'id',
					scmData: 'none',
					options: { description: `reliability upload ${u}` },
					waitForCompletion: true,
					pollInterval: 1,
					timeout: 30,
				},
				list.map((id) => ({ id })),
			);
			outcomes.push({ list, ...result });
		}
		sandbox.faults.clear();
		const { applied: creates, counts } = outcome((p) => p === '/api/v2/ingestion/codes/create-from-template/');

		let createdOnce = 0;
		let unknown = 0;
		let unknownApplied = 0;
		// Lost: an upload reported completed whose codes are not all there.
		let lost = 0;
		for (const [u, { list, items, error }] of outcomes.entries()) {
			const records = sandbox.state.ingestions.filter((r) => r.description === `reliability upload ${u}`);
			const codes = list.map((id) => sandbox.state.codes.filter((c) => c.extended_id === id).length);
			if (!error && codes.some((n) => n === 0)) lost++;
			if (error) {
				// A failed upload must say whether it may have been applied, and must not be half-applied.
				expect(error.message + error.description).toMatch(/may or may not|not sent again|nothing was applied/i);
				unknown++;
				expect(codes.every((n) => n <= 1)).toBe(true);
				if (records.length) unknownApplied++;
			} else {
				expect(items[0].json.status).toBe('completed');
				expect(codes.every((n) => n === 1)).toBe(true);
				createdOnce++;
			}
			expect(records.length).toBeLessThanOrEqual(1);
		}
		expect(lost).toBe(0);
		expect(creates.length).toBeLessThanOrEqual(24);
		record('changes', {
			scenario: 'Code Upload: Create from Template, 24 uploads × 40 codes from input items',
			requests: counts.requests,
			faults: counts.faults,
			checked: 24,
			appliedOnce: creates.length,
			lost,
			twice: Math.max(0, creates.length - 24),
			unknownReported: unknown,
			unknownApplied,
		});
	});

	test('12 uploads of CSV files (add SIDs): each file processed once', async () => {
		sandbox.clearLog();
		sandbox.faults.set(mixedFaults());
		const outcomes = [];
		for (let u = 0; u < 12; u++) {
			const list = ids(`REL-FILE${String(u).padStart(2, '0')}`, 30);
			const csv = `id\r\n${list.join('\r\n')}\r\n`;
			const result = await runNode({
				type: 'scantrustCodeUpload',
				parameters: {
					operation: 'addSids',
					source: 'file',
					binaryPropertyName: 'data',
					fileType: 'auto',
					options: {},
					waitForCompletion: true,
					pollInterval: 1,
					timeout: 30,
				},
				credentials: sandboxCredential(sandbox),
				input: [{ json: {}, binary: { data: { data: Buffer.from(csv).toString('base64'), mimeType: 'text/csv', fileName: `codes-${u}.csv` } } }],
			});
			outcomes.push({ list, ...result });
		}
		sandbox.faults.clear();
		const { applied: creates, counts } = outcome((p) => p === '/api/v2/ingestion/codes/add-sids/');
		const processed = apiEntries(sandbox, (e) => e.path === '/api/v2/ingestion/codes/process-from-file/').filter(applied);

		let unknown = 0;
		let unknownApplied = 0;
		// Lost: a file reported completed whose codes are not all there.
		let lost = 0;
		for (const { list, items, error } of outcomes) {
			const codes = list.map((id) => sandbox.state.codes.filter((c) => c.extended_id === id).length);
			if (!error && codes.some((n) => n === 0)) lost++;
			expect(codes.every((n) => n <= 1)).toBe(true);
			if (error) {
				expect(error.message + error.description).toMatch(/may or may not|not sent again|nothing was applied|waits for its file/i);
				unknown++;
				if (codes.some((n) => n === 1)) unknownApplied++;
			} else {
				expect(items[0].json.status).toBe('completed');
				expect(codes.every((n) => n === 1)).toBe(true);
			}
		}
		expect(lost).toBe(0);
		expect(creates.length).toBeLessThanOrEqual(12);
		expect(processed.length).toBeLessThanOrEqual(12);
		record('changes', {
			scenario: 'Code Upload: Add SIDs, 12 CSV files × 30 codes (file mode)',
			requests: counts.requests,
			faults: counts.faults,
			checked: 12,
			appliedOnce: processed.length,
			lost,
			twice: Math.max(0, creates.length - 12),
			unknownReported: unknown,
			unknownApplied,
		});
	});
});
