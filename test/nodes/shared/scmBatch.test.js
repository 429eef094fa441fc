// The SCM batching's pure logic (splitting, result mapping, messages) against a scripted HTTP helper.
// The real behaviour against the sandbox is covered by the SCM Data and Code node tests.
const { fakeContext } = require('./transport/fakeContext');
const { describeItems, updateCodesInBatches } = require('../../../dist/nodes/shared/scmBatch');

const context = (script, continueOnFail = false) =>
	Object.assign(fakeContext(script, { credentialId: `batch-${Math.random()}` }), { continueOnFail: () => continueOnFail });
const update = (itemIndex, key, data = { lot_number: 'L1' }, dataKey = 'extended_id') => ({ itemIndex, dataKey, key, data });
const options = { batchSize: 2, timeoutHint: (dataKey) => `Use Update Async (${dataKey}).` };

describe('describeItems', () => {
	test.each([
		[[4], 'item 4'],
		[[0, 1, 2, 3], 'items 0–3'],
		[[9, 0, 1, 2, 3, 7], 'items 0–3, 7, 9'],
		[Array.from({ length: 12 }, (_, i) => i * 2), 'items 0, 2, 4, 6, 8, 10, 12, 14, 16, 18 and 2 more ranges'],
	])('%j → %s', (indexes, text) => {
		expect(describeItems(indexes.map((itemIndex) => ({ itemIndex })))).toBe(text);
	});
});

describe('updateCodesInBatches', () => {
	test('splits by batch size and by data key, in input order, one request per batch', async () => {
		const ctx = context([{ status: 200, body: { items: {} } }]);
		const updates = [update(0, 'A'), update(1, 'B'), update(2, 'C'), update(3, 'S1', {}, 'serial_number'), update(4, 'D')];
		await updateCodesInBatches.call(ctx, updates, options);
		expect(ctx.calls.map((c) => [c.body.data_key, c.body.items.length])).toEqual([
			['extended_id', 2],
			['extended_id', 1],
			['serial_number', 1],
			['extended_id', 1],
		]);
		expect(ctx.calls[0].body.items[0]).toEqual({ extended_id: 'A', lot_number: 'L1' });
	});

	test('maps the server’s items map onto each update', async () => {
		const ctx = context([
			{
				status: 200,
				body: { items: { A: ['lot_number'], B: ['activation_status'], C: [] }, codes_affected: 3 },
			},
		]);
		const out = await updateCodesInBatches.call(
			ctx,
			[update(0, 'A', { lot_number: 'x', farm: 'y' }), update(1, 'B', { status: '1' }), update(2, 'C')],
			{ ...options, batchSize: 10 },
		);
		expect(out.map((o) => o.json)).toEqual([
			{
				extended_id: 'A',
				status: 'partlyWritten',
				updated: true,
				codeFound: true,
				fieldsWritten: ['lot_number'],
				fieldsNotWritten: ['farm'],
				reason: 'Not written: farm. Scantrust discards fields that are not set up in the code’s campaign.',
				// a field not written is a warning: the item is not plain success
				warnings: ['Not written: farm. Scantrust discards fields that are not set up in the code’s campaign.'],
			},
			// another spelling on the server side: its list is trusted
			{
				extended_id: 'B',
				status: 'updated',
				updated: true,
				codeFound: true,
				fieldsWritten: ['activation_status'],
				fieldsNotWritten: [],
			},
			{
				extended_id: 'C',
				status: 'notWritten',
				updated: false,
				codeFound: true,
				fieldsWritten: [],
				fieldsNotWritten: ['lot_number'],
				reason: 'Not written: lot_number. Scantrust discards fields that are not set up in the code’s campaign.',
				warnings: ['Not written: lot_number. Scantrust discards fields that are not set up in the code’s campaign.'],
			},
		]);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('an answer without an items map is reported, not taken as success', async () => {
		const ctx = context([{ status: 200, body: { codes_affected: 1 } }]);
		const [out] = await updateCodesInBatches.call(ctx, [update(0, 'A')], options);
		expect(out.json).toMatchObject({
			status: 'unconfirmed',
			updated: false,
			reason: 'Scantrust’s answer did not list the updated codes',
		});
	});

	test('a 504 is not retried and recommends the caller’s way out', async () => {
		const ctx = context([{ status: 504, body: '<html>504 Gateway Time-out</html>' }]);
		const failure = await updateCodesInBatches.call(ctx, [update(0, 'A'), update(1, 'B'), update(2, 'C')], options).catch((e) => e);
		expect(ctx.calls).toHaveLength(1);
		expect(failure.httpCode).toBe('504');
		expect(failure.message).toMatch(/\(batch 1 of 2, items 0–1\)$/);
		expect(failure.description).toMatch(/Use Update Async \(extended_id\)\./);
		expect(failure.description).toMatch(/Not sent: batch 2 \(item 2\)/);
	});

	test('a 400 that is not per item is rendered like any other 400', async () => {
		const ctx = context([{ status: 400, body: { data_key: ['"nope" is not a valid choice.'] } }]);
		const failure = await updateCodesInBatches.call(ctx, [update(0, 'A', {}, 'nope')], options).catch((e) => e);
		expect(failure.message).toMatch(/data_key: "nope" is not a valid choice\./);
		expect(failure.description).toMatch(/Nothing of batch 1 was applied/);
	});

	test('continue on fail: rejected twice, the rest of the batch is reported as not applied', async () => {
		const ctx = context(
			[
				{ status: 400, body: { items: [{}, { product: ['bad'] }, {}] } },
				{ status: 400, body: { items: [{ product: ['bad too'] }, {}] } },
			],
			true,
		);
		const out = await updateCodesInBatches.call(ctx, [update(0, 'A'), update(1, 'B'), update(2, 'C')], {
			...options,
			batchSize: 3,
		});
		expect(ctx.calls).toHaveLength(2);
		expect(ctx.calls[1].body.items.map((i) => i.extended_id)).toEqual(['A', 'C']);
		const byItem = Object.fromEntries(out.map((o) => [o.pairedItem.item, o.json.error]));
		expect(byItem[1]).toMatch(/extended_id "B": product: bad/);
		expect(byItem[0]).toMatch(/extended_id "A": product: bad too/);
		expect(byItem[2]).toMatch(/Not applied: Scantrust rejected this item’s batch twice/);
	});

	test('continue on fail: a batch refused as a whole gives each item its own error object with its own item index', async () => {
		const ctx = context([{ status: 403, body: { detail: 'You do not have permission to perform this action.' } }], true);
		const out = await updateCodesInBatches.call(ctx, [update(4, 'A'), update(5, 'B'), update(6, 'C')], { ...options, batchSize: 3 });
		expect(out.map((o) => o.pairedItem.item)).toEqual([4, 5, 6]);
		expect(out.map((o) => o.error.context.itemIndex)).toEqual([4, 5, 6]);
		expect(new Set(out.map((o) => o.error)).size).toBe(3);
		expect(out.every((o) => o.error.httpCode === '403')).toBe(true);
	});

	test.each([
		['a list aligned with the items', { items: [{}, { product: ['bad'] }, {}] }],
		['an object keyed by index (ListField)', { items: { 1: { product: ['bad'] } } }],
	])('per-item errors as %s: the rejected item is an error, the others are sent again', async (_, body) => {
		const ctx = context([{ status: 400, body }, { status: 200, body: { items: { A: ['lot_number'], C: ['lot_number'] } } }], true);
		const out = await updateCodesInBatches.call(ctx, [update(0, 'A'), update(1, 'B'), update(2, 'C')], { ...options, batchSize: 3 });
		expect(ctx.calls[1].body.items.map((i) => i.extended_id)).toEqual(['A', 'C']);
		const byItem = new Map(out.map((o) => [o.pairedItem.item, o]));
		expect(byItem.get(1).json.error).toMatch(/extended_id "B": product: bad/);
		expect(byItem.get(0).json.updated).toBe(true);
		expect(byItem.get(2).json.updated).toBe(true);
	});

	test.each([
		['a list of another length', { items: [{ product: ['bad'] }] }],
		['an object with keys that are not item indexes', { items: { B: { product: ['bad'] } } }],
		['an index past the batch', { items: { 7: { product: ['bad'] } } }],
	])('per-item errors in a shape the node cannot read (%s): the whole batch is "not applied", saying why', async (_, body) => {
		const ctx = context([{ status: 400, body }], true);
		const out = await updateCodesInBatches.call(ctx, [update(0, 'A'), update(1, 'B'), update(2, 'C')], { ...options, batchSize: 3 });
		expect(ctx.calls).toHaveLength(1);
		expect(out.map((o) => o.pairedItem.item)).toEqual([0, 1, 2]);
		for (const o of out) {
			expect(o.json.error).toMatch(/not applied; its per-item errors could not be matched to the items/);
			expect(o.error.description).toMatch(/neither a list of 3 entries nor an object keyed by item index/);
		}
	});
});
