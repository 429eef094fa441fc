// The Code node end to end: n8n-core's WorkflowExecute runs it against the sandbox over HTTP.
const { runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, apiRequests } = require('../../helpers/sandbox');
// n8n keeps output files in its binary data store; read them back through it (base64 in memory mode).
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
const { BinaryDataService } = require('n8n-core');

const getSandbox = useSandbox({ codeCount: 3000 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const code = (ext) => sandbox.state.codeByExt.get(ext);
const withStatus = (status) => sandbox.state.codes.filter((c) => c.status === status);
const uploads = () => apiRequests(sandbox, 'POST', '/scm/upload/');
const byExt = (codes) => codes.map((c) => ({ json: { ext: c.extended_id } }));

const codeNode = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustCode',
		parameters,
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
		workflowSettings: extra.workflowSettings,
	});

const byExtendedId = { dataKey: 'extended_id', extendedId: '={{ $json.ext }}' };

/** RFC 4180 CSV as the sandbox writes it (CRLF, quotes only where needed) → array of row objects. */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let cell = '';
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (quoted) {
			if (ch === '"' && text[i + 1] === '"') {
				cell += '"';
				i++;
			} else if (ch === '"') quoted = false;
			else cell += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			row.push(cell);
			cell = '';
		} else if (ch === '\n') {
			row.push(cell.replace(/\r$/, ''));
			rows.push(row);
			row = [];
			cell = '';
		} else cell += ch;
	}
	if (cell || row.length) rows.push([...row, cell]);
	const [header, ...body] = rows;
	return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

describe('activate, deactivate, blacklist', () => {
	test('activate: inactive codes become active, each output paired and saying what was written', async () => {
		const targets = withStatus(0).slice(0, 3);
		const { items, error } = await codeNode({ operation: 'activate', ...byExtendedId, options: {} }, { input: byExt(targets) });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		items.forEach((item, i) =>
			expect(item.json).toEqual({
				extended_id: targets[i].extended_id,
				status: 'active',
				updated: true,
				codeFound: true,
				fieldsWritten: ['activation_status'],
				fieldsNotWritten: [],
			}),
		);
		for (const c of targets) {
			expect(c.status).toBe(1);
			expect(c.activated_at).not.toBeNull();
		}
		expect(uploads()).toHaveLength(1);
	});

	test('activate by serial number', async () => {
		const target = withStatus(0)[5];
		const { items } = await codeNode({ operation: 'activate', dataKey: 'serial_number', serialNumber: target.serial_number, options: {} });
		expect(items[0].json).toMatchObject({ serial_number: target.serial_number, updated: true });
		expect(target.status).toBe(1);
	});

	test('deactivate: active codes become inactive', async () => {
		const targets = withStatus(1).slice(0, 4);
		const { items } = await codeNode({ operation: 'deactivate', ...byExtendedId, options: {} }, { input: byExt(targets) });
		expect(items.every((i) => i.json.updated)).toBe(true);
		expect(targets.every((c) => c.status === 0)).toBe(true);
	});

	test('blacklist: status 2 with the reason, per item from an expression', async () => {
		const targets = withStatus(1).slice(10, 13);
		const input = targets.map((c, i) => ({ json: { ext: c.extended_id, reason: [4, 7, 10][i] } }));
		const { items, error } = await codeNode(
			{ operation: 'blacklist', ...byExtendedId, reason: '={{ $json.reason }}', options: {} },
			{ input },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.fieldsWritten).toEqual(['activation_status', 'blacklist_reason']);
		expect(targets.map((c) => [c.status, c.blacklist_reason])).toEqual([
			[2, 4],
			[2, 7],
			[2, 10],
		]);
	});

	test('a code that does not exist is reported as not updated', async () => {
		const target = withStatus(0)[9];
		const input = [{ json: { ext: 'NoSuchCode01' } }, { json: { ext: target.extended_id } }];
		const { items } = await codeNode({ operation: 'activate', ...byExtendedId, options: {} }, { input });
		expect(items[0].json).toMatchObject({ updated: false, codeFound: false, reason: 'No code has extended_id "NoSuchCode01"' });
		expect(items[1].json.updated).toBe(true);
	});

	test('45 codes with batch size 20: three requests', async () => {
		const targets = withStatus(1).slice(0, 45);
		const { items } = await codeNode({ operation: 'deactivate', ...byExtendedId, options: { batchSize: 20 } }, { input: byExt(targets) });
		expect(items).toHaveLength(45);
		expect(uploads()).toHaveLength(3);
		expect(targets.every((c) => c.status === 0)).toBe(true);
	});

	test('1,000 codes at batch size 25: 40 paced requests, zero 429s', async () => {
		const targets = sandbox.state.codes.slice(0, 1000);
		const { items, error } = await codeNode(
			{ operation: 'blacklist', ...byExtendedId, reason: 9, options: { batchSize: 25 } },
			{ input: byExt(targets) },
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1000);
		expect(uploads()).toHaveLength(40);
		expect(uploads().filter((e) => e.status === 429)).toHaveLength(0);
		expect(targets.every((c) => c.status === 2 && c.blacklist_reason === 9)).toBe(true);
	});

	test('a 429 storm still completes with every item exactly once', async () => {
		sandbox.faults.set({ throttle: { every: 2, durationMs: 1000, path: '/scm/upload/' } });
		const targets = withStatus(0).slice(0, 40);
		const { items, error } = await codeNode({ operation: 'activate', ...byExtendedId, options: { batchSize: 10 } }, { input: byExt(targets) });
		expect(error).toBeUndefined();
		expect(uploads().filter((e) => e.status === 429).length).toBeGreaterThan(0);
		expect(uploads().filter((e) => e.status === 200)).toHaveLength(4);
		expect(items.map((i) => i.pairedItem.item)).toEqual(targets.map((_, i) => i));
		expect(targets.every((c) => c.status === 1)).toBe(true);
	});

	test('a token without scm_code_edit gets a 403 naming the permissions; nothing changes', async () => {
		const token = sandbox.createToken(['codes_view', 'scm_bulk_edit', 'product_view'], 'noCodeEdit');
		const targets = withStatus(0).slice(0, 2);
		const { error } = await codeNode({ operation: 'activate', ...byExtendedId, options: {} }, { token, input: byExt(targets) });
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/scm_code_edit/);
		expect(targets.every((c) => c.status === 0)).toBe(true);
	});

	test.each([
		['an empty extended ID', 'activate', { extendedId: '={{ $json.missing }}' }, /Item 0: "Extended ID" is empty/],
		['an extended ID with a line break', 'activate', { extendedId: 'ABC\nDEF' }, /"Extended ID" must not contain spaces, line breaks/],
		['an empty serial number', 'deactivate', { dataKey: 'serial_number', serialNumber: '  ' }, /"Serial Number" is empty/],
		['a blacklist reason out of range', 'blacklist', { reason: '={{ 11 }}' }, /Item 0: "Reason" must be a whole number from 1 to 10 \(got "11"\)/],
		['blacklist reason 0', 'blacklist', { reason: '={{ 0 }}' }, /"Reason" must be a whole number from 1 to 10/],
		['a batch size of 0', 'activate', { options: { batchSize: '={{ 0 }}' } }, /"Batch Size" must be a whole number from 1 to 1000/],
	])('%s is refused before any request', async (_, operation, override, pattern) => {
		const { error } = await codeNode(
			{ operation, ...byExtendedId, reason: 1, options: {}, ...override },
			{ input: byExt(withStatus(1).slice(0, 1)) },
		);
		expect(error.message).toMatch(pattern);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('continue on fail: a bad item is an error item, the others are blacklisted', async () => {
		const targets = withStatus(1).slice(20, 22);
		const input = [{ json: { ext: targets[0].extended_id } }, { json: { ext: 'https://qr.example/q/X' } }, { json: { ext: targets[1].extended_id } }];
		const { items } = await codeNode({ operation: 'blacklist', ...byExtendedId, reason: 4, options: {} }, { input, continueOnFail: true });
		expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2]);
		expect(items[1].json.error).toMatch(/Item 1: "Extended ID" looks like a URL/);
		expect(targets.every((c) => c.status === 2 && c.blacklist_reason === 4)).toBe(true);
	});
});

describe('assign to product', () => {
	const productBySku = (sku) => sandbox.state.products.find((p) => p.sku === sku);

	test('by SKU: the codes move to the product and its campaign', async () => {
		const target = productBySku('CC-GENERIC'); // coffee campaign
		const codes = sandbox.state.codes.filter((c) => c.campaign !== target.campaign).slice(0, 3);
		const { items, error } = await codeNode(
			{ operation: 'assignToProduct', ...byExtendedId, product: { __rl: true, mode: 'sku', value: 'CC-GENERIC' }, options: {} },
			{ input: byExt(codes) },
		);
		expect(error).toBeUndefined();
		expect(items.every((i) => i.json.fieldsWritten.includes('product'))).toBe(true);
		expect(codes.every((c) => c.product === target.id && c.campaign === target.campaign)).toBe(true);
		expect(apiRequests(sandbox, 'GET', '/products/')).toHaveLength(0); // the SKU is sent as it is
	});

	test('by ID, per item from an expression', async () => {
		const [a, b] = sandbox.state.products.filter((p) => !p.is_archived).slice(4, 6);
		const codes = sandbox.state.codes.slice(100, 102);
		const input = [
			{ json: { ext: codes[0].extended_id, product: a.id } },
			{ json: { ext: codes[1].extended_id, product: b.id } },
		];
		await codeNode(
			{ operation: 'assignToProduct', ...byExtendedId, product: { __rl: true, mode: 'id', value: '={{ $json.product }}' }, options: {} },
			{ input },
		);
		expect(codes.map((c) => c.product)).toEqual([a.id, b.id]);
	});

	test('an SKU made of digits is looked up and sent as the ID, so it cannot be taken for another product’s ID', async () => {
		const clash = sandbox.state.products[1]; // its ID, as text, becomes the new product's SKU
		const created = await runNode({
			type: 'scantrustProduct',
			parameters: {
				operation: 'create',
				sku: String(clash.id),
				name: 'Digits only',
				brand: { __rl: true, mode: 'id', value: String(sandbox.state.brands[0].id) },
			},
			credentials: sandboxCredential(sandbox),
		});
		const newId = created.items[0].json.id;
		const target = sandbox.state.codes[200];
		const { items } = await codeNode({
			operation: 'assignToProduct',
			dataKey: 'extended_id',
			extendedId: target.extended_id,
			product: { __rl: true, mode: 'sku', value: String(clash.id) },
			options: {},
		});
		expect(items[0].json.updated).toBe(true);
		expect(target.product).toBe(newId);
	});

	test('an unknown SKU: Scantrust rejects the item; with continue on fail the others still move', async () => {
		const codes = sandbox.state.codes.slice(300, 303);
		const generic = productBySku('HH-GENERIC');
		const input = codes.map((c, i) => ({ json: { ext: c.extended_id, sku: i === 1 ? 'NO-SUCH-SKU' : 'HH-GENERIC' } }));
		const parameters = {
			operation: 'assignToProduct',
			...byExtendedId,
			product: { __rl: true, mode: 'sku', value: '={{ $json.sku }}' },
			options: {},
		};
		const before = codes.map((c) => c.product);
		const failed = await codeNode(parameters, { input });
		expect(failed.error.message).toMatch(/Item 1 \(extended_id "\w+"\): product: Product "NO-SUCH-SKU" does not exist/);
		expect(failed.error.description).toMatch(/Nothing of batch 1 was applied/);
		expect(failed.error.description).toMatch(/No earlier batch: nothing was applied before it/);
		expect(codes.map((c) => c.product)).toEqual(before);

		const { items } = await codeNode(parameters, { input, continueOnFail: true });
		expect(items[1].json.error).toMatch(/Product "NO-SUCH-SKU" does not exist/);
		expect([codes[0].product, codes[2].product]).toEqual([generic.id, generic.id]);
	});

	test('an empty product is refused before any request', async () => {
		const { error } = await codeNode(
			{ operation: 'assignToProduct', ...byExtendedId, product: { __rl: true, mode: 'sku', value: '={{ $json.none }}' }, options: {} },
			{ input: byExt(sandbox.state.codes.slice(0, 1)) },
		);
		expect(error.message).toMatch(/Item 0: "Product" is empty/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});
});

describe('update fields', () => {
	test('manual mapping by serial number; the code carries the values', async () => {
		const target = sandbox.state.codes.find((c) => c.campaign === 2208);
		const { items } = await codeNode({
			operation: 'updateFields',
			dataKey: 'serial_number',
			serialNumber: target.serial_number,
			mappingMode: 'defineBelow',
			fields: {
				field: [
					{ key: 'farm_name', value: 'Finca Nueva' },
					{ key: 'organic', value: 'true' },
				],
			},
			options: {},
		});
		expect(items[0].json).toMatchObject({ serial_number: target.serial_number, updated: true, fieldsWritten: ['farm_name', 'organic'] });
		expect(target.scm).toMatchObject({ farm_name: 'Finca Nueva', organic: 'true' });
	});

	test('automatic mapping from the input item, including special fields', async () => {
		const targets = sandbox.state.codes.filter((c) => c.campaign === 2209 && c.status === 0).slice(0, 2);
		const input = targets.map((c, i) => ({
			json: { extended_id: c.extended_id, pallet_number: `PAL-${i}`, activation_status: 1 },
		}));
		const { items, error } = await codeNode(
			{
				operation: 'updateFields',
				dataKey: 'extended_id',
				extendedId: '={{ $json.extended_id }}',
				mappingMode: 'autoMapInputData',
				options: {},
			},
			{ input },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.fieldsWritten.sort()).toEqual(['activation_status', 'pallet_number']);
		expect(targets.map((c) => [c.status, c.scm.pallet_number])).toEqual([
			[1, 'PAL-0'],
			[1, 'PAL-1'],
		]);
	});

	test('an activation status out of range is refused before any request', async () => {
		const { error } = await codeNode(
			{
				operation: 'updateFields',
				...byExtendedId,
				mappingMode: 'defineBelow',
				fields: { field: [{ key: 'activation_status', value: '3' }] },
				options: {},
			},
			{ input: byExt(sandbox.state.codes.slice(0, 2)) },
		);
		expect(error.message).toMatch(/Item 0: "activation_status" must be a whole number from 0 to 2 \(got "3"\)/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});
});

describe('export', () => {
	const exportCodes = (filters, options = {}, extra = {}) =>
		codeNode({ operation: 'export', filters, options: { pollInterval: 1, ...options } }, extra);
	const decode = async (item, property = 'data') => {
		const binary = item.binary[property];
		const buffer = binary.id ? await Container.get(BinaryDataService).getAsBuffer(binary) : Buffer.from(binary.data, 'base64');
		return buffer.toString('utf8');
	};

	test('a work order’s active codes as a CSV file whose rows match the sandbox', async () => {
		const workorder = sandbox.state.workorders[1];
		const { items, error } = await exportCodes({ workorder: String(workorder.id), status: '1' });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [item] = items;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary.data).toMatchObject({ mimeType: 'text/csv', fileExtension: 'csv' });
		expect(item.binary.data.fileName).toBe(`scantrust-codes-${item.json.key}.csv`);
		expect(item.json).toMatchObject({ status: 'completed', fileName: item.binary.data.fileName });
		expect(JSON.stringify(item.json)).not.toMatch(/X-Amz-Signature|signature=/i);

		const csv = parseCsv(await decode(item));
		expect(csv.header.slice(0, 12)).toEqual([
			'extended_id', 'serial_number', 'brand', 'product', 'sku', 'status', 'blacklist_reason',
			'scm_updated_by', 'scm_updated_at', 'activated_by', 'activated_at', 'workorder_id',
		]);
		const expected = sandbox.state.codes.filter((c) => c.workorder === workorder.id && c.status === 1);
		expect(csv.rows.map((r) => r.extended_id).sort()).toEqual(expected.map((c) => c.extended_id).sort());
		expect(item.json.row_count).toBe(expected.length);
		expect(csv.rows.every((r) => r.status === '1' && r.workorder_id === String(workorder.id))).toBe(true);

		// the export was started with the filters, and the file came from the file store without the token
		const started = apiRequests(sandbox, 'GET', '/codes/download/');
		expect(started[0].query).toEqual({ workorder: String(workorder.id), status: '1' });
		const downloads = sandbox.log.filter((e) => e.origin === 'files');
		expect(downloads).toHaveLength(1);
		expect(downloads[0].authorizationHeaderSeen).toBe(false);
	});

	test('after a blacklist the export shows the new status, reason and SCM values', async () => {
		const target = sandbox.state.codes.find((c) => c.status === 1 && c.campaign === 2207);
		await codeNode({ operation: 'blacklist', dataKey: 'extended_id', extendedId: target.extended_id, reason: 4, options: {} });
		await codeNode({
			operation: 'updateFields',
			dataKey: 'extended_id',
			extendedId: target.extended_id,
			mappingMode: 'defineBelow',
			fields: { field: [{ key: 'lot_number', value: 'EXPORTED-LOT' }] },
			options: {},
		});
		const { items } = await exportCodes({ extendedId: target.extended_id });
		const { rows } = parseCsv(await decode(items[0]));
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ extended_id: target.extended_id, status: '2', blacklist_reason: '4', lot_number: 'EXPORTED-LOT' });
		expect(rows[0].scm_updated_by).toBe('integration@sandbox-foods.test');
	});

	test('SCM field, status and activation range filters; the file goes in the chosen binary field', async () => {
		const lot = sandbox.state.codes.find((c) => c.scm.lot_number).scm.lot_number;
		const inLot = sandbox.state.codes.filter((c) => c.scm.lot_number === lot && c.activated_at !== null);
		const times = inLot.map((c) => c.activated_at).sort((a, b) => a - b);
		const from = new Date(times[0]).toISOString();
		const to = new Date(times[Math.floor(times.length / 2)]).toISOString();
		const { items, error } = await exportCodes(
			{ scmFields: { field: [{ key: 'lot_number', value: lot }] }, activatedFrom: from, activatedTo: to },
			{ binaryPropertyName: 'codesCsv' },
		);
		expect(error).toBeUndefined();
		expect(Object.keys(items[0].binary)).toEqual(['codesCsv']);
		const expected = inLot.filter((c) => c.activated_at >= Date.parse(from) && c.activated_at <= Date.parse(to));
		const { rows } = parseCsv(await decode(items[0], 'codesCsv'));
		expect(rows.map((r) => r.extended_id).sort()).toEqual(expected.map((c) => c.extended_id).sort());
		expect(apiRequests(sandbox, 'GET', '/codes/download/')[0].query).toEqual({
			scm_lot_number: lot,
			activated_at: `${from},${to}`,
		});
	});

	test('a start date alone is sent as a range up to now', async () => {
		const { items } = await exportCodes({ activatedFrom: '2020-01-01', status: '2' }, {}, { workflowSettings: { timezone: 'UTC' } });
		const query = apiRequests(sandbox, 'GET', '/codes/download/')[0].query;
		expect(query.activated_at).toMatch(/^2020-01-01T00:00:00\.000Z,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		const { rows } = parseCsv(await decode(items[0]));
		expect(rows).toHaveLength(sandbox.state.codes.filter((c) => c.status === 2 && c.activated_at !== null).length);
	});

	test.each([
		// The instants are worked out by hand, not by code like the node's.
		['Europe/Berlin', { activatedFrom: '2026-01-31T00:00:00' }, '2026-01-30T23:00:00.000Z,'],
		['Europe/Berlin', { activatedFrom: '2026-07-01T08:30:00', activatedTo: '2026-07-02T00:00:00' }, '2026-07-01T06:30:00.000Z,2026-07-01T22:00:00.000Z'],
		['America/New_York', { updatedFrom: '2026-01-15', updatedTo: '2026-01-15' }, '2026-01-15T05:00:00.000Z,2026-01-16T04:59:59.999Z'],
		['Asia/Kolkata', { activatedFrom: '2026-01-15T00:00:00Z' }, '2026-01-15T00:00:00.000Z,'],
	])('a picked date without offset is read in the workflow time zone (%s, %j)', async (timezone, filters, expected) => {
		await exportCodes({ ...filters, status: '2' }, {}, { workflowSettings: { timezone } });
		const query = apiRequests(sandbox, 'GET', '/codes/download/')[0].query;
		const value = query.activated_at ?? query.updated_at;
		if (expected.endsWith(',')) expect(value.startsWith(expected)).toBe(true);
		else expect(value).toBe(expected);
	});

	test('one export per input item, each paired', async () => {
		const [a, b] = sandbox.state.workorders;
		const { items } = await codeNode(
			{ operation: 'export', filters: { workorder: '={{ $json.wo }}' }, options: { pollInterval: 1 } },
			{ input: [{ json: { wo: a.id } }, { json: { wo: b.id } }] },
		);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.key).not.toBe(items[1].json.key);
		for (const [item, wo] of [[items[0], a], [items[1], b]]) {
			const { rows } = parseCsv(await decode(item));
			expect(rows).toHaveLength(sandbox.state.codes.filter((c) => c.workorder === wo.id).length);
		}
	});

	test.each([
		['a dropped answer (the export was started)', { drop: { path: '/codes/download/', afterApply: true, times: 1 } }],
		['a 502 from a gateway', { errors: { status: 502, path: '/codes/download/', times: 1 } }],
	])('the start creates a job: after %s it is not sent again, and says so', async (_, faults) => {
		sandbox.faults.set(faults);
		try {
			const { error, items } = await exportCodes({ status: '2' }, {}, { continueOnFail: true });
			expect(error).toBeUndefined();
			expect(apiRequests(sandbox, 'GET', '/codes/download/')).toHaveLength(1);
			expect(items).toHaveLength(1);
			expect(items[0].pairedItem).toEqual({ item: 0 });
			expect(items[0].json.error).toMatch(/may or may not have been applied, and was not sent again/);
		} finally {
			sandbox.faults.clear();
		}
	});

	test('a token without codes_view gets a 403 naming it', async () => {
		const token = sandbox.createToken(['product_view'], 'productOnly');
		const { error } = await exportCodes({ status: '1' }, {}, { token });
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/codes_view/);
	});

	test('a wait that times out says the export goes on', async () => {
		sandbox.setOptions({ jobDelayMs: 5000 });
		try {
			const { error } = await exportCodes({ status: '2' }, { timeout: 2 });
			expect(error.message).toMatch(/Timed out after \d+ s waiting for the code export \w+/);
			expect(error.description).toMatch(/Last state: (pending|processing)/);
		} finally {
			sandbox.setOptions({ jobDelayMs: 200 });
		}
	});

	test.each([
		['an end date without a start', { activatedTo: '2024-02-01' }, /"Activated Before" needs "Activated After" too/],
		['a date in the wrong format', { updatedFrom: '01/02/2024' }, /"SCM Updated After" must be a date like 2026-01-31 \(got "01\/02\/2024"\)/],
		['a start after the end', { activatedFrom: '2024-03-01', activatedTo: '2024-02-01' }, /"Activated After" is after "Activated Before"/],
		['a campaign ID that is not a number', { campaign: 'dairy' }, /"Campaign ID" must be a positive whole number \(got "dairy"\)/],
		['several work orders', { workorder: '5101,5102' }, /"Work Order ID" takes a single ID/],
		['an SCM field key with a space', { scmFields: { field: [{ key: 'lot number', value: 'x' }] } }, /"SCM Fields: Field Key \(row 1\)" must be a field key/],
		['an illegal extended ID', { extendedId: 'abc def' }, /"Extended ID" must not contain spaces/],
	])('%s is refused before any request', async (_, filters, pattern) => {
		const { error } = await exportCodes(filters);
		expect(error.message).toMatch(pattern);
		expect(error.message).toMatch(/^Item 0: /);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('a binary field name with spaces is refused before any request', async () => {
		const { error } = await exportCodes({}, { binaryPropertyName: 'my file' });
		expect(error.message).toMatch(/"Put Output File in Field" must be a field name without spaces/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});
});

describe('results in words, and version 2', () => {
	const v11 = (parameters, extra = {}) =>
		runNode({
			type: 'scantrustCode',
			typeVersion: 2,
			parameters,
			credentials: sandboxCredential(sandbox),
			input: extra.input,
			continueOnFail: extra.continueOnFail,
		});

	test('each operation says what the code is now: active, inactive, blacklisted, assigned, updated', async () => {
		const [a, b, c, d] = withStatus(1).slice(20, 24);
		const product = sandbox.state.products.find((p) => !p.is_archived);
		const runs = [
			[{ operation: 'deactivate' }, a, 'inactive'],
			[{ operation: 'activate' }, a, 'active'],
			[{ operation: 'blacklist', reason: 9 }, b, 'blacklisted'],
			[{ operation: 'assignToProduct', product: { __rl: true, mode: 'id', value: String(product.id) } }, c, 'assigned'],
			// (version 1's field list: version 2 maps a campaign's fields, tested with the mapper)
			[{ operation: 'updateFields', fields: { field: [{ key: 'lot_number', value: 'L-WORDS' }] } }, d, 'updated', codeNode],
		];
		for (const [parameters, target, status, run = v11] of runs) {
			const { items, error } = await run({ ...parameters, dataKey: 'extended_id', extendedId: target.extended_id, options: {} });
			expect(error).toBeUndefined();
			expect([parameters.operation, items[0].json.status]).toEqual([parameters.operation, status]);
		}
		expect([b.status, b.blacklist_reason]).toEqual([2, 9]);
	});

	test('an unknown code: status notFound by default, for an IF node to test', async () => {
		const target = withStatus(1)[30];
		const input = [{ json: { ext: 'NoSuchCode02' } }, { json: { ext: target.extended_id } }];
		const { items } = await v11({ operation: 'deactivate', ...byExtendedId, options: {} }, { input });
		expect(items.map((i) => i.json.status)).toEqual(['notFound', 'inactive']);
	});

	test('Unknown Code = Stop With an Error: an error naming the code and item, and what was applied', async () => {
		const target = withStatus(1)[31];
		const input = [{ json: { ext: target.extended_id } }, { json: { ext: 'NoSuchCode03' } }];
		const { error } = await v11({ operation: 'deactivate', ...byExtendedId, options: { ifNotFound: 'error' } }, { input });
		expect(error.message).toBe('No code has extended_id "NoSuchCode03"');
		expect(error.context.itemIndex).toBe(1);
		expect(error.description).toMatch(/Batch 1 was applied to the codes Scantrust has/);
		expect(target.status).toBe(0);
	});

	test('Stop With an Error and continue on fail: the unknown code is a paired error item, the others go on', async () => {
		const target = withStatus(1)[32];
		const input = [{ json: { ext: 'NoSuchCode04' } }, { json: { ext: target.extended_id } }];
		const { items, error } = await v11(
			{ operation: 'activate', ...byExtendedId, options: { ifNotFound: 'error' } },
			{ input, continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items[0]).toMatchObject({ json: { error: 'No code has extended_id "NoSuchCode04"' }, pairedItem: { item: 0 } });
		expect(items[1]).toMatchObject({ json: { status: 'active' }, pairedItem: { item: 1 } });
	});

	test('2: Blacklist has no preselected reason; without one nothing is sent', async () => {
		const target = withStatus(1)[33];
		const { error } = await v11({ operation: 'blacklist', dataKey: 'extended_id', extendedId: target.extended_id, options: {} });
		// n8n itself refuses a required parameter left empty, before the node runs.
		expect(error).toBeDefined();
		expect(String(error.message)).toMatch(/Reason/);
		expect(uploads()).toHaveLength(0);
		expect(target.status).toBe(1);
	});

	test('1: a saved Blacklist that never set the reason keeps its old default, Counterfeits Detected', async () => {
		const target = withStatus(1)[34];
		const { items, error } = await codeNode({ operation: 'blacklist', dataKey: 'extended_id', extendedId: target.extended_id, options: {} });
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('blacklisted');
		expect([target.status, target.blacklist_reason]).toEqual([2, 1]);
	});

	test('2: Export puts the file in the field named outside Options; version 1 reads it from Options', async () => {
		const workorder = sandbox.state.workorders[1];
		const filters = { workorder: String(workorder.id) };
		const now = await v11({ operation: 'export', filters, binaryPropertyName: 'codes', options: { pollInterval: 1 } });
		expect(Object.keys(now.items[0].binary)).toEqual(['codes']);
		const before = await codeNode({ operation: 'export', filters, options: { pollInterval: 1, binaryPropertyName: 'old' } });
		expect(Object.keys(before.items[0].binary)).toEqual(['old']);
	});
});
