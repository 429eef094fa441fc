// The SCM Data node end to end: n8n-core's WorkflowExecute runs it against the sandbox over HTTP.
const { runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, apiRequests } = require('../../helpers/sandbox');

const getSandbox = useSandbox({ codeCount: 4000 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const DAIRY = 2207; // campaign with production_date, intended_market, lot_number, case_number, rfid
const codesOf = (campaign) => sandbox.state.codes.filter((c) => c.campaign === campaign);
const code = (ext) => sandbox.state.codeByExt.get(ext);
const uploads = () => apiRequests(sandbox, 'POST', '/scm/upload/').filter((e) => !e.path.includes('async'));
const asyncUploads = () => apiRequests(sandbox, 'POST', '/scm/upload/async/');

const scm = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustScmData',
		parameters,
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
	});

/** Update by extended ID, writing lot_number from the input item. */
const updateLots = (options = {}) => ({
	operation: 'update',
	dataKey: 'extended_id',
	extendedId: '={{ $json.ext }}',
	mappingMode: 'defineBelow',
	fields: { field: [{ key: 'lot_number', value: '={{ $json.lot }}' }] },
	options,
});

describe('update', () => {
	test('writes the mapped fields per item, paired; the codes carry the new values', async () => {
		const targets = codesOf(DAIRY).slice(0, 3);
		const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `LOT-N8N-${i}` } }));
		const { items, error } = await scm(
			{
				...updateLots(),
				fields: {
					field: [
						{ key: 'lot_number', value: '={{ $json.lot }}' },
						{ key: 'production_date', value: '2026-01-15' },
					],
				},
			},
			{ input },
		);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		items.forEach((item, i) => {
			expect(item.json).toEqual({
				extended_id: targets[i].extended_id,
				status: 'updated',
				updated: true,
				codeFound: true,
				fieldsWritten: ['lot_number', 'production_date'],
				fieldsNotWritten: [],
			});
			expect(code(targets[i].extended_id).scm).toMatchObject({ lot_number: `LOT-N8N-${i}`, production_date: '2026-01-15' });
		});
		expect(uploads()).toHaveLength(1);
	});

	test('auto-mapping writes every input field; fields outside the campaign are reported as not written', async () => {
		const target = codesOf(DAIRY)[5];
		const input = [{ json: { extended_id: target.extended_id, lot_number: 'AUTO-1', farm_name: 'Not here', comment: 'skip me' } }];
		const { items, error } = await scm(
			{
				operation: 'update',
				dataKey: 'extended_id',
				extendedId: '={{ $json.extended_id }}',
				mappingMode: 'autoMapInputData',
				fieldsToIgnore: 'comment',
				options: {},
			},
			{ input },
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			updated: true,
			fieldsWritten: ['lot_number'],
			fieldsNotWritten: ['farm_name'],
		});
		expect(items[0].json.reason).toMatch(/farm_name.*not set up in the code’s campaign/);
		expect(code(target.extended_id).scm.lot_number).toBe('AUTO-1');
		expect(code(target.extended_id).scm.farm_name).toBeUndefined();
		expect(code(target.extended_id).scm.comment).toBeUndefined();
	});

	test('a key that matches no code is reported as not updated, never dropped', async () => {
		const target = codesOf(DAIRY)[1];
		const input = [
			{ json: { ext: 'NoSuchCode01', lot: 'X' } },
			{ json: { ext: target.extended_id, lot: 'FOUND-1' } },
		];
		const { items } = await scm(updateLots(), { input });
		expect(items).toHaveLength(2);
		expect(items[0].json).toEqual({
			extended_id: 'NoSuchCode01',
			status: 'notFound',
			updated: false,
			codeFound: false,
			fieldsWritten: [],
			fieldsNotWritten: ['lot_number'],
			reason: 'No code has extended_id "NoSuchCode01"',
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].json.updated).toBe(true);
		expect(code(target.extended_id).scm.lot_number).toBe('FOUND-1');
	});

	test('selects codes by serial number', async () => {
		const target = codesOf(DAIRY)[7];
		const { items } = await scm({
			operation: 'update',
			dataKey: 'serial_number',
			serialNumber: target.serial_number,
			mappingMode: 'defineBelow',
			fields: { field: [{ key: 'intended_market', value: 'JP' }] },
			options: {},
		});
		expect(items[0].json).toMatchObject({ serial_number: target.serial_number, updated: true });
		expect(code(target.extended_id).scm.intended_market).toBe('JP');
	});

	test('selects by an SCM field: every code with that value is updated', async () => {
		const caseNumber = codesOf(DAIRY).find((c) => c.scm.case_number).scm.case_number;
		const inCase = sandbox.state.codes.filter((c) => c.scm.case_number === caseNumber);
		expect(inCase.length).toBeGreaterThan(1);
		const { items } = await scm({
			operation: 'update',
			dataKey: 'scmField',
			scmFieldKey: 'case_number',
			keyValue: caseNumber,
			mappingMode: 'defineBelow',
			fields: { field: [{ key: 'intended_market', value: 'BR' }] },
			options: {},
		});
		expect(items[0].json).toMatchObject({ case_number: caseNumber, updated: true, fieldsWritten: ['intended_market'] });
		expect(inCase.every((c) => c.scm.intended_market === 'BR')).toBe(true);
	});

	test('numbers and booleans are sent as text; empty values are skipped unless asked to clear', async () => {
		const [a, b] = codesOf(DAIRY).filter((c) => c.scm.lot_number);
		const input = [
			{ json: { extended_id: a.extended_id, lot_number: 42, intended_market: '' } },
			{ json: { extended_id: b.extended_id, lot_number: 43, intended_market: '' } },
		];
		const parameters = {
			operation: 'update',
			dataKey: 'extended_id',
			extendedId: '={{ $json.extended_id }}',
			mappingMode: 'autoMapInputData',
		};
		const kept = await scm({ ...parameters, options: {} }, { input: input.slice(0, 1) });
		expect(kept.items[0].json.fieldsWritten).toEqual(['lot_number']);
		expect(code(a.extended_id).scm).toMatchObject({ lot_number: '42', intended_market: a.scm.intended_market });
		const cleared = await scm({ ...parameters, options: { emptyValues: 'clear' } }, { input: input.slice(1) });
		expect(cleared.items[0].json.fieldsWritten).toEqual(['lot_number', 'intended_market']);
		expect(code(b.extended_id).scm.intended_market).toBeUndefined();
	});

	test('250 items with batch size 100: three requests, every item once and in order', async () => {
		const targets = sandbox.state.codes.slice(0, 250);
		const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `B-${i}` } }));
		const { items, error } = await scm(
			{ ...updateLots({ batchSize: 100 }), fields: { field: [{ key: 'intended_market', value: '={{ $json.lot }}' }] } },
			{ input },
		);
		expect(error).toBeUndefined();
		expect(uploads()).toHaveLength(3);
		expect(items.map((i) => i.pairedItem.item)).toEqual(targets.map((_, i) => i));
		expect(items.every((i) => i.json.updated)).toBe(true);
		expect(targets.every((c, i) => c.scm.intended_market === `B-${i}`)).toBe(true);
	});

	test('default batch size is 100', async () => {
		const input = sandbox.state.codes.slice(0, 150).map((c) => ({ json: { ext: c.extended_id, lot: 'D' } }));
		await scm({ ...updateLots(), fields: { field: [{ key: 'intended_market', value: 'DE' }] } }, { input });
		expect(uploads()).toHaveLength(2);
	});

	test('1,000 codes in batches of 20 are paced: 50 requests, zero 429s', async () => {
		const targets = sandbox.state.codes.slice(0, 1000);
		const input = targets.map((c) => ({ json: { ext: c.extended_id } }));
		const started = Date.now();
		const { items, error } = await scm(
			{ ...updateLots({ batchSize: 20 }), fields: { field: [{ key: 'intended_market', value: 'CH' }] } },
			{ input },
		);
		const took = Date.now() - started;
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1000);
		expect(items.every((i) => i.json.updated)).toBe(true);
		const sent = uploads();
		expect(sent).toHaveLength(50);
		expect(sent.filter((e) => e.status === 429)).toHaveLength(0);
		expect(sent.every((e) => e.status === 200)).toBe(true);
		// 10 per second is the documented limit; 50 requests cannot take less than ~4.5 s at 9 per second.
		expect(took).toBeGreaterThan(4400);
		expect(targets.every((c) => c.scm.intended_market === 'CH')).toBe(true);
		global.scmFigures = { ...(global.scmFigures ?? {}), paced: { codes: 1000, requests: sent.length, ms: took } };
	});

	test('a 429 storm still completes with every item exactly once', async () => {
		sandbox.faults.set({ throttle: { every: 3, durationMs: 1200, path: '/scm/upload/' } });
		const targets = sandbox.state.codes.slice(0, 60);
		const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `S-${i}` } }));
		const { items, error } = await scm(
			{ ...updateLots({ batchSize: 10 }), fields: { field: [{ key: 'intended_market', value: '={{ $json.lot }}' }] } },
			{ input },
		);
		expect(error).toBeUndefined();
		const throttled = uploads().filter((e) => e.status === 429);
		expect(throttled.length).toBeGreaterThan(0);
		expect(uploads().filter((e) => e.status === 200)).toHaveLength(6);
		expect(items.map((i) => i.pairedItem.item)).toEqual(targets.map((_, i) => i));
		expect(items.every((i) => i.json.updated)).toBe(true);
		expect(targets.every((c, i) => c.scm.intended_market === `S-${i}`)).toBe(true);
	});

	test('a connection dropped after the batch was applied: not sent again, the error says it may or may not be applied', async () => {
		sandbox.faults.set({ drop: { nth: [1], method: 'POST', path: '/scm/upload/', afterApply: true } });
		const targets = codesOf(DAIRY).slice(0, 4);
		const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `DROP-${i}` } }));
		const { error } = await scm(updateLots(), { input });
		expect(error.message).toMatch(/POST \/api\/v2\/scm\/upload\/.*batch 1 of 1, items 0–3/);
		expect(error.description).toMatch(/Batch 1 may or may not have been applied/);
		expect(uploads()).toHaveLength(1);
		expect(uploads()[0].dropped).toBe(true);
		// Applied once, by the one request that was sent.
		expect(targets.every((c, i) => c.scm.lot_number === `DROP-${i}`)).toBe(true);
	});

	test('a 503 is retried: Scantrust refused the batch before handling it', async () => {
		sandbox.faults.set({ errors: { status: 503, nth: [1], method: 'POST', path: '/scm/upload/' } });
		const targets = codesOf(DAIRY).slice(4, 8);
		const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `BUSY-${i}` } }));
		const { items, error } = await scm(updateLots(), { input });
		expect(error).toBeUndefined();
		expect(uploads().map((e) => e.status)).toEqual([503, 200]);
		expect(items.every((i) => i.json.updated)).toBe(true);
		expect(targets.every((c, i) => c.scm.lot_number === `BUSY-${i}`)).toBe(true);
	});

	test('a 504 (slow SCM-field lookup) is an error that recommends Update Async; nothing applied', async () => {
		sandbox.faults.set({ scmSlow: { msPerItem: 100, timeoutMs: 400 } });
		const cases = [...new Set(codesOf(DAIRY).map((c) => c.scm.case_number).filter(Boolean))].slice(0, 6);
		const before = sandbox.state.codes.filter((c) => cases.includes(c.scm.case_number)).map((c) => c.scm.intended_market);
		const input = cases.map((value) => ({ json: { value } }));
		const { error } = await scm(
			{
				operation: 'update',
				dataKey: 'scmField',
				scmFieldKey: 'case_number',
				keyValue: '={{ $json.value }}',
				mappingMode: 'defineBelow',
				fields: { field: [{ key: 'intended_market', value: 'XX' }] },
				options: {},
			},
			{ input },
		);
		expect(error.httpCode).toBe('504');
		expect(error.message).toMatch(/timed out on the synchronous SCM update/);
		expect(error.description).toMatch(/Update Async/);
		expect(error.description).toMatch(/Nothing of batch 1 was applied/);
		expect(uploads()).toHaveLength(1); // a 504 is not retried: it would time out again
		const after = sandbox.state.codes.filter((c) => cases.includes(c.scm.case_number)).map((c) => c.scm.intended_market);
		expect(after).toEqual(before);
	});

	test('an SCM-field update that is slow but under the timeout succeeds', async () => {
		sandbox.faults.set({ scmSlow: { msPerItem: 20, timeoutMs: 5000 } });
		const rfid = codesOf(DAIRY).find((c) => c.scm.rfid);
		const { items } = await scm({
			operation: 'update',
			dataKey: 'scmField',
			scmFieldKey: 'rfid',
			keyValue: rfid.scm.rfid,
			mappingMode: 'defineBelow',
			fields: { field: [{ key: 'lot_number', value: 'RFID-LOT' }] },
			options: {},
		});
		expect(items[0].json).toMatchObject({ rfid: rfid.scm.rfid, updated: true });
		expect(rfid.scm.lot_number).toBe('RFID-LOT');
	});

	describe('a batch that fails after others were applied', () => {
		const five = () => codesOf(DAIRY).slice(10, 15);
		const withBadProduct = (targets) =>
			targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `P-${i}`, product: i === 2 ? 'NO-SUCH-SKU' : 'AD-GENERIC' } }));
		const parameters = {
			...updateLots({ batchSize: 2 }),
			fields: {
				field: [
					{ key: 'lot_number', value: '={{ $json.lot }}' },
					{ key: 'product', value: '={{ $json.product }}' },
				],
			},
		};

		test('the error names the rejected item and says which items were applied and which never sent', async () => {
			const targets = five();
			const before = targets.map((c) => c.scm.lot_number);
			const { error, items } = await scm(parameters, { input: withBadProduct(targets) });
			expect(items).toHaveLength(0);
			expect(error.httpCode).toBe('400');
			expect(error.context.itemIndex).toBe(2);
			expect(error.message).toMatch(/rejected 1 of 2 items in batch 2 of 3, items 2–3: Item 2 \(extended_id "\w+"\): product: Product "NO-SUCH-SKU" does not exist/);
			expect(error.description).toMatch(/Nothing of batch 2 was applied/);
			expect(error.description).toMatch(/Already applied: batch 1 \(items 0–1\)/);
			expect(error.description).toMatch(/Not sent: batch 3 \(item 4\)/);
			expect(uploads()).toHaveLength(2);
			// state: the first batch is written, the rest is untouched
			expect(targets.slice(0, 2).map((c) => c.scm.lot_number)).toEqual(['P-0', 'P-1']);
			expect(targets.slice(2).map((c) => c.scm.lot_number)).toEqual(before.slice(2));
		});

		test('continue on fail: only the rejected item is an error item; its batch neighbour is sent again', async () => {
			const targets = five();
			const { items } = await scm(parameters, { input: withBadProduct(targets), continueOnFail: true });
			expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2, 3, 4]);
			expect(items[2].json.error).toMatch(/rejected the update of extended_id "\w+": product: Product "NO-SUCH-SKU" does not exist/);
			// n8n keeps only the message in an error item's JSON; the description travels on item.error
			expect(Object.keys(items[2].json)).toEqual(['error']);
			expect(items[2].error.description).toMatch(/the other items of its batch were sent without it/);
			for (const i of [0, 1, 3, 4]) expect(items[i].json.updated).toBe(true);
			expect(uploads()).toHaveLength(4); // 3 batches + batch 2 again without item 2
			const product = sandbox.state.products.find((p) => p.sku === 'AD-GENERIC');
			for (const i of [0, 1, 3, 4]) {
				expect(targets[i].scm.lot_number).toBe(`P-${i}`);
				expect(targets[i].product).toBe(product.id);
			}
			expect(targets[2].scm.lot_number).not.toBe('P-2');
		});

		test('continue on fail with a whole-batch failure: only that batch’s items are error items', async () => {
			sandbox.faults.set({ errors: { status: 500, nth: [2], method: 'POST', path: '/scm/upload/' } });
			const targets = five();
			const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `W-${i}` } }));
			const { items } = await scm(updateLots({ batchSize: 2 }), { input, continueOnFail: true });
			expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2, 3, 4]);
			expect(items[2].json.error).toMatch(/HTTP 500/);
			expect(items[3].json.error).toMatch(/HTTP 500/);
			for (const i of [0, 1, 4]) expect(items[i].json.updated).toBe(true);
			expect([0, 1, 4].map((i) => targets[i].scm.lot_number)).toEqual(['W-0', 'W-1', 'W-4']);
		});

		test('continue on fail: each item of a failed batch has its own error naming its own item', async () => {
			sandbox.faults.set({ errors: { status: 502, nth: [2], method: 'POST', path: '/scm/upload/' } });
			const targets = five();
			const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `E-${i}` } }));
			const { items } = await scm(updateLots({ batchSize: 2 }), { input, continueOnFail: true });
			expect(items[2].error).toBeDefined();
			expect(items[3].error).toBeDefined();
			expect(items[2].error).not.toBe(items[3].error);
			expect(items[2].error.context.itemIndex).toBe(2);
			expect(items[3].error.context.itemIndex).toBe(3);
			expect(items[3].error.message).toBe(items[2].error.message);
			expect(items[3].error.httpCode).toBe('502');
		});

		describe.each(['list', 'indexed'])('per-item errors in DRF\'s %s shape', (shape) => {
			beforeEach(() => sandbox.setOptions({ scmItemErrors: shape }));
			afterEach(() => sandbox.setOptions({ scmItemErrors: 'list' }));
			const withTwoBad = (targets) =>
				targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `S-${i}`, product: i === 1 || i === 3 ? 'NO-SUCH-SKU' : 'AD-GENERIC' } }));

			test('continue on fail: the rejected items are paired errors, the others are sent again and applied', async () => {
				const targets = five();
				const { items } = await scm({ ...parameters, options: { batchSize: 5 } }, { input: withTwoBad(targets), continueOnFail: true });
				expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2, 3, 4]);
				const byItem = new Map(items.map((i) => [i.pairedItem.item, i]));
				for (const i of [1, 3]) {
					expect(byItem.get(i).json.error).toMatch(/product: Product "NO-SUCH-SKU" does not exist/);
					expect(byItem.get(i).error.context.itemIndex).toBe(i);
				}
				for (const i of [0, 2, 4]) {
					expect(byItem.get(i).json.updated).toBe(true);
					expect(targets[i].scm.lot_number).toBe(`S-${i}`);
				}
				expect(targets[1].scm.lot_number).not.toBe('S-1');
				expect(uploads().map((e) => e.status)).toEqual([400, 200]);
			});

			test('the sandbox answers in this shape', async () => {
				const [good, bad] = five();
				const response = await fetch(`${sandbox.apiUrl}/scm/upload/`, {
					method: 'POST',
					headers: { Authorization: `UAT ${sandbox.tokens.full}`, 'Content-Type': 'application/json' },
					body: JSON.stringify({ data_key: 'extended_id', items: [{ extended_id: good.extended_id }, { extended_id: bad.extended_id, product: 'NO-SUCH-SKU' }] }),
				});
				expect(response.status).toBe(400);
				const { items } = await response.json();
				if (shape === 'list') expect(items).toEqual([{}, { product: [expect.any(String)] }]);
				else expect(items).toEqual({ 1: { product: [expect.any(String)] } });
			});

			test('without continue on fail: the error names the first rejected item; nothing was applied', async () => {
				const targets = five();
				const before = targets.map((c) => c.scm.lot_number);
				const { error } = await scm({ ...parameters, options: { batchSize: 5 } }, { input: withTwoBad(targets) });
				expect(error.message).toMatch(/rejected 2 of 5 items in batch 1 of 1/);
				expect(error.context.itemIndex).toBe(1);
				expect(targets.map((c) => c.scm.lot_number)).toEqual(before);
			});
		});

		test('an answer that never came: the error says the batch may or may not be applied', async () => {
			sandbox.faults.set({ errors: { status: 500, nth: [2], method: 'POST', path: '/scm/upload/' } });
			const targets = five();
			const input = targets.map((c, i) => ({ json: { ext: c.extended_id, lot: `U-${i}` } }));
			const { error } = await scm(updateLots({ batchSize: 2 }), { input });
			expect(error.message).toMatch(/HTTP 500.*batch 2 of 3, items 2–3/);
			expect(error.description).toMatch(/Batch 2 may or may not have been applied/);
			expect(error.description).toMatch(/Already applied: batch 1 \(items 0–1\)/);
		});
	});

	test('a token without scm_bulk_edit gets a 403 naming the permissions; nothing applied', async () => {
		const token = sandbox.createToken(['codes_view', 'scm_code_edit', 'product_view'], 'noBulkEdit');
		const target = codesOf(DAIRY)[20];
		const before = target.scm.lot_number;
		const { error } = await scm(updateLots(), { token, input: [{ json: { ext: target.extended_id, lot: 'NOPE' } }] });
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/scm_bulk_edit/);
		expect(error.description).toMatch(/Nothing of batch 1 was applied/);
		expect(JSON.stringify(error)).not.toContain(token);
		expect(target.scm.lot_number).toBe(before);
	});

	describe('bad input is refused before any request', () => {
		const ext = () => codesOf(DAIRY)[0].extended_id;
		test.each([
			['an empty extended ID', { extendedId: '={{ $json.ext === "B" ? $json.nothing : $json.ext }}' }, /Item 1: "Extended ID" is empty/],
			['an extended ID with a space', { extendedId: '={{ $json.ext === "B" ? "AB CD" : $json.ext }}' }, /Item 1: "Extended ID" must not contain spaces/],
			['a scan URL instead of the ID', { extendedId: '={{ $json.ext === "B" ? "https://qr.example/q/ABC" : $json.ext }}' }, /Item 1: "Extended ID" looks like a URL/],
			['an activation status out of range', { fields: { field: [{ key: 'activation_status', value: '5' }] } }, /Item 0: "activation_status" must be a whole number from 0 to 2/],
			['a blacklist reason out of range', { fields: { field: [{ key: 'blacklist_reason', value: '11' }] } }, /Item 0: "blacklist_reason" must be a whole number from 0 to 10/],
			['a field key with spaces', { fields: { field: [{ key: 'lot number', value: 'x' }] } }, /Item 0: "Field Key \(row 1\)" must be a field key/],
			['the key field as a field to write', { fields: { field: [{ key: 'extended_id', value: 'x' }] } }, /selects codes and cannot be written/],
			['a field listed twice', { fields: { field: [{ key: 'lot_number', value: 'a' }, { key: 'lot_number', value: 'b' }] } }, /"lot_number" is listed twice/],
			['nothing to write', { fields: { field: [{ key: 'lot_number', value: '' }] } }, /Item 0: "Fields to Write" has no field to write/],
			['a batch size above 1,000', { options: { batchSize: '={{ 2000 }}' } }, /"Batch Size" must be a whole number from 1 to 1000/],
		])('%s', async (_, override, pattern) => {
			const input = [{ json: { ext: ext(), lot: 'A' } }, { json: { ext: 'B', lot: 'B' } }];
			const { error } = await scm({ ...updateLots(), ...override }, { input });
			expect(error.message).toMatch(pattern);
			expect(apiRequests(sandbox)).toHaveLength(0);
		});

		test('auto-mapping an input field that cannot be an SCM key', async () => {
			const { error } = await scm(
				{ operation: 'update', dataKey: 'extended_id', extendedId: ext(), mappingMode: 'autoMapInputData', options: {} },
				{ input: [{ json: { 'Lot Number': 'x' } }] },
			);
			expect(error.message).toMatch(/Item 0: "Lot Number" is not a valid SCM field key/);
			expect(apiRequests(sandbox)).toHaveLength(0);
		});

		test('auto-mapping an object value', async () => {
			const { error } = await scm(
				{ operation: 'update', dataKey: 'extended_id', extendedId: ext(), mappingMode: 'autoMapInputData', options: {} },
				{ input: [{ json: { lot_number: { nested: true } } }] },
			);
			expect(error.message).toMatch(/Item 0: "lot_number" must be text, a number or true\/false \(got an object\)/);
		});

		test('continue on fail: the bad item is an error item, the others are updated', async () => {
			const good = codesOf(DAIRY).slice(30, 32);
			const input = [
				{ json: { ext: good[0].extended_id, lot: 'G-0' } },
				{ json: { ext: '', lot: 'bad' } },
				{ json: { ext: good[1].extended_id, lot: 'G-2' } },
			];
			const { items } = await scm(updateLots(), { input, continueOnFail: true });
			expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2]);
			expect(items[1].json.error).toMatch(/Item 1: "Extended ID" is empty/);
			expect(items[0].json.updated && items[2].json.updated).toBe(true);
			expect(uploads()).toHaveLength(1);
			expect(good.map((c) => c.scm.lot_number)).toEqual(['G-0', 'G-2']);
		});
	});
});

describe('update async', () => {
	const lotOf = () => codesOf(DAIRY).find((c) => c.scm.lot_number).scm.lot_number;
	const asyncParams = (constraint, fields, extra = {}) => ({
		operation: 'updateAsync',
		constraints: { constraint },
		fields: { field: fields },
		waitForCompletion: true,
		options: { pollInterval: 1, timeout: 30 },
		...extra,
	});

	test('waits for the task and outputs its final state; the matched codes carry the data', async () => {
		const lot = lotOf();
		const matched = sandbox.state.codes.filter((c) => c.scm.lot_number === lot);
		const { items, error } = await scm(
			asyncParams([{ field: 'scmField', scmFieldKey: 'lot_number', values: lot }], [
				{ key: 'production_date', value: '2026-02-02' },
			]),
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ state: 'complete', codes_affected: matched.length });
		expect(items[0].json.task_id).toBe(items[0].json.id);
		expect(matched.every((c) => c.scm.production_date === '2026-02-02')).toBe(true);
		expect(asyncUploads()).toHaveLength(1);
		expect(apiRequests(sandbox, 'GET', '/scm/tasks/').length).toBeGreaterThanOrEqual(2);
	});

	test('extended IDs as a comma list, several constraints ANDed', async () => {
		const [a, b, c] = codesOf(DAIRY).filter((x) => x.scm.intended_market);
		const { items } = await scm(
			asyncParams(
				[
					{ field: 'extended_id', values: `${a.extended_id}, ${b.extended_id},${c.extended_id}` },
					{ field: 'scmField', scmFieldKey: 'intended_market', values: a.scm.intended_market },
				],
				[{ key: 'lot_number', value: 'ASYNC-AND' }],
			),
		);
		const expected = [a, b, c].filter((x) => x.scm.intended_market === a.scm.intended_market);
		expect(items[0].json.codes_affected).toBe(expected.length);
		for (const x of [a, b, c]) expect(x.scm.lot_number === 'ASYNC-AND').toBe(expected.includes(x));
	});

	test('without waiting: the task ID at once; Get Task reports the state later', async () => {
		const target = codesOf(DAIRY)[40];
		const started = await scm(
			asyncParams([{ field: 'serial_number', values: target.serial_number }], [{ key: 'lot_number', value: 'LATER' }], {
				waitForCompletion: false,
			}),
		);
		const taskId = started.items[0].json.task_id;
		expect(started.items[0].json).toEqual({ task_id: taskId });
		expect(apiRequests(sandbox, 'GET', '/scm/tasks/')).toHaveLength(0);
		// "Later": once the sandbox has run the task (a state to wait for, not a time).
		while (sandbox.state.scmTasks.get(taskId)?.state !== 'complete') await new Promise((resolve) => setTimeout(resolve, 20));
		const { items } = await scm({ operation: 'getTask', taskId: '={{ $json.task_id }}' }, { input: [{ json: { task_id: taskId } }] });
		expect(items[0].json).toMatchObject({ id: taskId, state: 'complete', codes_affected: 1 });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(target.scm.lot_number).toBe('LATER');
	});

	test('a failed task is an error; nothing applied', async () => {
		const lot = lotOf();
		const matched = sandbox.state.codes.filter((c) => c.scm.lot_number === lot);
		const { error } = await scm(
			asyncParams([{ field: 'scmField', scmFieldKey: 'lot_number', values: lot }], [{ key: 'product', value: 'NO-SUCH-SKU' }]),
		);
		expect(error.message).toMatch(/The SCM task scm-async-\d+ \([\w-]+\) ended in state "failed"/);
		expect(error.description).toMatch(/Code Transactions/);
		expect(matched.every((c) => c.scm.lot_number === lot)).toBe(true);
	});

	test('continue on fail: a failed task is a paired error item, the other item goes on', async () => {
		const lot = lotOf();
		const target = codesOf(DAIRY)[41];
		const input = [{ json: { product: 'NO-SUCH-SKU', lot } }, { json: { product: 'AD-GENERIC', lot: target.scm.lot_number } }];
		const { items } = await scm(
			asyncParams([{ field: 'extended_id', values: '={{ $itemIndex === 0 ? "NoSuchCode01" : "' + target.extended_id + '" }}' }], [
				{ key: 'product', value: '={{ $json.product }}' },
			]),
			{ input, continueOnFail: true },
		);
		expect(items[0].json.error).toMatch(/ended in state "failed"/);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].json.state).toBe('complete');
	});

	test('a wait that times out says the task goes on', async () => {
		sandbox.setOptions({ jobDelayMs: 5000 });
		try {
			const target = codesOf(DAIRY)[42];
			const { error } = await scm(
				asyncParams([{ field: 'extended_id', values: target.extended_id }], [{ key: 'lot_number', value: 'SLOW' }], {
					options: { pollInterval: 1, timeout: 2 },
				}),
			);
			expect(error.message).toMatch(/Timed out after \d+ s waiting for SCM task/);
			expect(error.description).toMatch(/Last state: (pending|in-progress)/);
		} finally {
			sandbox.setOptions({ jobDelayMs: 200 });
		}
	});

	test('a token without SCM permissions gets a 403', async () => {
		const { error } = await scm(
			asyncParams([{ field: 'extended_id', values: codesOf(DAIRY)[0].extended_id }], [{ key: 'lot_number', value: 'x' }]),
			{ token: sandbox.tokens.readOnly },
		);
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/scm_bulk_edit/);
		expect(sandbox.state.scmTasks.size).toBe(0);
	});

	test.each([
		['no constraint', [], [{ key: 'lot_number', value: 'x' }], /"Constraints" is empty/],
		['an illegal extended ID in the list', [{ field: 'extended_id', values: 'GoodOne1234, bad one' }], [{ key: 'lot_number', value: 'x' }], /"Constraint 1: value 2" must not contain spaces/],
		['the same constraint twice', [{ field: 'extended_id', values: 'A1' }, { field: 'extended_id', values: 'B2' }], [{ key: 'lot_number', value: 'x' }], /"Constraint 2" selects by "extended_id" again/],
		['empty values', [{ field: 'scmField', scmFieldKey: 'lot_number', values: ' , ' }], [{ key: 'lot_number', value: 'x' }], /"Constraint 1: Values" is empty/],
		['no data', [{ field: 'extended_id', values: 'A1' }], [], /"Fields to Write" has no field to write/],
		['a blacklist reason out of range', [{ field: 'extended_id', values: 'A1' }], [{ key: 'blacklist_reason', value: '12' }], /"blacklist_reason" must be a whole number from 0 to 10/],
	])('%s is refused before any request', async (_, constraint, fields, pattern) => {
		const { error } = await scm(asyncParams(constraint, fields));
		expect(error.message).toMatch(pattern);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});
});

describe('get task', () => {
	test('an unknown task ID is a 404 naming the item', async () => {
		const { error } = await scm({ operation: 'getTask', taskId: '00000000-0000-4000-8000-000000000000' });
		expect(error.httpCode).toBe('404');
		expect(error.context.itemIndex).toBe(0);
	});

	test('a task ID that is not one path segment is refused before any request', async () => {
		const { error } = await scm({ operation: 'getTask', taskId: '../me' });
		expect(error.message).toMatch(/Item 0: "Task ID" must be the task_id Scantrust returned/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('a token without codes_view gets a 403 naming it', async () => {
		const token = sandbox.createToken(['product_view'], 'productOnly');
		const { error } = await scm({ operation: 'getTask', taskId: '00000000-0000-4000-8000-000000000000' }, { token });
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/codes_view/);
	});
});
