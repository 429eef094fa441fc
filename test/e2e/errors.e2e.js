'use strict';
/**
 * Failing calls inside a real n8n: the examples run into Scantrust's refusals (a duplicate SKU,
 * a token without the permissions, an unknown product in one row of a batch) and the execution
 * data n8n stores (and the editor shows) carries our message, the HTTP code and the item.
 */
const fs = require('fs');
const {
	useExampleEnv,
	loadExample,
	setParameter,
	setAssignment,
	nodeError,
	nodeItems,
	getNode,
	expectSuccess,
	recordTiming,
} = require('./examples-support.js');

const env = useExampleEnv({ label: 'errors' });

/** The execution as stored, with the token values nowhere in it. */
function expectNoToken(ex) {
	const text = JSON.stringify(ex);
	for (const token of Object.values(env.sandbox.tokens)) expect(text).not.toContain(token);
}

test("duplicate SKU: the product node fails with Scantrust's reason, HTTP 400 and the item; nothing else runs", async () => {
	const existing = env.sandbox.state.products.find((p) => !p.is_archived && !/GENERIC/.test(p.sku));
	const wf = loadExample('new-product-work-order.json');
	setAssignment(wf, 'Product and order', 'sku', existing.sku);
	await env.deploy(wf);
	const productsBefore = env.sandbox.state.products.length;
	const workOrdersBefore = env.sandbox.state.workorders.length;

	const run = await env.runExample(wf.id);
	recordTiming('error: duplicate SKU', run);
	expect(run.ex.status).toBe('error');
	const error = nodeError(run.ex, 'Create product');
	expect(error.message).toBe(
		'Scantrust rejected the request (HTTP 400, POST /api/v2/products/): sku: product with this sku already exists.',
	);
	expect(error.httpCode).toBe('400');
	expect(error.context).toMatchObject({ itemIndex: 0 });
	expect(error.errorResponse).toEqual({
		sku: ['product with this sku already exists.'],
		httpCode: '400',
	});
	// The workflow's error (the editor's banner, the error workflow's input) is the same.
	expect(run.ex.data.resultData.error).toMatchObject({
		message: error.message,
		node: { name: 'Create product' },
	});
	expect(run.ex.data.resultData.lastNodeExecuted).toBe('Create product');
	expect(run.ex.data.resultData.runData['Create work order']).toBeUndefined();
	expect(env.sandbox.state.products).toHaveLength(productsBefore);
	expect(env.sandbox.state.workorders).toHaveLength(workOrdersBefore);
	expectNoToken(run.ex);
});

test('token without the SCM permissions: 403 naming the permissions, nothing blacklisted', async () => {
	const readOnly = await env.createCredential(
		'Scantrust read-only',
		'scantrustApi',
		env.scantrustData(env.sandbox.tokens.readOnly),
	);
	const codes = env.sandbox.state.codes.filter((c) => c.status === 1).slice(0, 2);
	fs.writeFileSync(
		env.file('readonly.csv'),
		`extended_id\n${codes.map((c) => c.extended_id).join('\n')}\n`,
	);
	const wf = loadExample('blacklist-codes-from-file.json');
	setParameter(wf, 'Read codes-to-blacklist.csv', 'fileSelector', env.file('readonly.csv'));
	await env.deploy(wf, { scantrustApi: readOnly });

	const run = await env.runExample(wf.id);
	recordTiming('error: 403 token', run);
	expect(run.ex.status).toBe('error');
	const error = nodeError(run.ex, 'Blacklist codes');
	expect(error.message).toContain('The UAT token lacks a permission for this operation (HTTP 403');
	expect(error.httpCode).toBe('403');
	expect(error.message).toContain('POST /api/v2/scm/upload/) (batch 1 of 1, items 0–1)');
	expect(error.context).toMatchObject({ itemIndex: 0 });
	expect(error.description).toContain(
		'This operation needs the UAT permission(s): codes_view, scm_bulk_edit, scm_code_edit, product_view.',
	);
	expect(error.description).toContain('Nothing of batch 1 was applied.');
	for (const c of codes) expect(env.sandbox.state.codeByExt.get(c.extended_id).status).toBe(1);
	expectNoToken(run.ex);
});

test('one bad row in a batch: the error names the item, its code and the field; nothing of the batch applied', async () => {
	const codes = env.sandbox.state.codes
		.filter((c) => c.status === 1 && c.campaign === 2207)
		.slice(0, 3);
	const csv =
		'extended_id,lot_number,product\n' +
		codes
			.map((c, i) => `${c.extended_id},LOT-ERR-${i},${i === 2 ? 'NO-SUCH-SKU' : ''}`)
			.join('\n') +
		'\n';
	fs.writeFileSync(env.file('scm-bad.csv'), csv);
	const wf = loadExample('scm-data-from-csv.json');
	setParameter(wf, 'Read scm-data.csv', 'fileSelector', env.file('scm-bad.csv'));
	await env.deploy(wf);

	const run = await env.runExample(wf.id);
	recordTiming('error: bad row in a batch', run);
	expect(run.ex.status).toBe('error');
	const error = nodeError(run.ex, 'Write SCM data to codes');
	expect(error.message).toContain(`Item 2 (extended_id "${codes[2].extended_id}")`);
	expect(error.message).toContain('product: Product "NO-SUCH-SKU" does not exist.');
	expect(error.message).toMatch(/^Scantrust rejected 1 of 3 items in batch 1 of 1, items 0–2: /);
	expect(error.httpCode).toBe('400');
	expect(error.context).toMatchObject({ itemIndex: 2 });
	expect(error.description).toContain('Nothing of batch 1 was applied.');
	for (const c of codes) {
		expect(String(env.sandbox.state.codeByExt.get(c.extended_id).scm.lot_number ?? '')).not.toMatch(
			/^LOT-ERR/,
		);
	}
});

test('the same bad row with On Error → Continue (using error output): the others are applied, the bad one is an error item paired with its row', async () => {
	const codes = env.sandbox.state.codes
		.filter((c) => c.status === 1 && c.campaign === 2207)
		.slice(3, 6);
	const csv =
		'extended_id,lot_number,product\n' +
		codes
			.map((c, i) => `${c.extended_id},LOT-COF-${i},${i === 1 ? 'NO-SUCH-SKU' : ''}`)
			.join('\n') +
		'\n';
	fs.writeFileSync(env.file('scm-continue.csv'), csv);
	const wf = loadExample('scm-data-from-csv.json');
	setParameter(wf, 'Read scm-data.csv', 'fileSelector', env.file('scm-continue.csv'));
	getNode(wf, 'Write SCM data to codes').onError = 'continueErrorOutput';
	await env.deploy(wf);

	const run = await env.runExample(wf.id);
	recordTiming('error: bad row, continue on fail', run);
	expectSuccess(run.ex);
	const items = nodeItems(run.ex, 'Write SCM data to codes', 0);
	expect(items.map((i) => i.json.extended_id)).toEqual([
		codes[0].extended_id,
		codes[2].extended_id,
	]);
	expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
	for (const i of items)
		expect(i.json).toMatchObject({ updated: true, fieldsWritten: ['lot_number'] });
	const failed = nodeItems(run.ex, 'Write SCM data to codes', 1);
	expect(failed).toHaveLength(1);
	expect(failed[0].pairedItem).toEqual({ item: 1 });
	expect(failed[0].error).toMatchObject({ name: 'NodeApiError', context: { itemIndex: 1 } });
	expect(failed[0].error.description).toContain('Nothing was written for this item.');
	expect(failed[0].json.error).toBe(
		`Scantrust rejected the update of extended_id "${codes[1].extended_id}": product: Product "NO-SUCH-SKU" does not exist.`,
	);
	expect(env.sandbox.state.codeByExt.get(codes[0].extended_id).scm.lot_number).toBe('LOT-COF-0');
	expect(env.sandbox.state.codeByExt.get(codes[2].extended_id).scm.lot_number).toBe('LOT-COF-2');
	expect(
		String(env.sandbox.state.codeByExt.get(codes[1].extended_id).scm.lot_number ?? ''),
	).not.toBe('LOT-COF-1');
});
