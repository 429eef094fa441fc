// Activate, Deactivate, Blacklist and Assign to Product for whole sets of codes (a work order, a
// product, an SCM value) through the async SCM upload, run through n8n-core against the sandbox.
const { runNode, sandboxCredential } = require('../../../harness/n8n');
const { useSandbox, apiRequests } = require('../../../helpers/sandbox');

const getSandbox = useSandbox({ codeCount: 3000 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const fast = { pollInterval: 1, timeout: 60 };
const codeNode = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustCode',
		parameters: { options: fast, ...parameters },
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
	});
const asyncUploads = () => apiRequests(sandbox, 'POST', '/scm/upload/async/');
const syncUploads = () => apiRequests(sandbox, 'POST', '/scm/upload/').filter((e) => !e.path.includes('async'));
const exportsStarted = () => apiRequests(sandbox, 'GET', '/codes/download/');
const openWorkOrder = () => sandbox.state.workorders.find((w) => !w.is_archived && sandbox.state.codes.some((c) => c.workorder === w.id));

test('blacklist every code of a cancelled work order with reason WO Canceled: one node, one item out with the count', async () => {
	const workOrder = openWorkOrder();
	const codes = sandbox.state.codes.filter((c) => c.workorder === workOrder.id);
	const { items, error } = await codeNode({
		operation: 'blacklist',
		codesFrom: 'workOrder',
		workOrder: { __rl: true, mode: 'id', value: String(workOrder.id) },
		reason: 9,
	});
	expect(error).toBeUndefined();
	expect(items).toHaveLength(1);
	expect(items[0].json).toEqual({
		codes: 'workOrder',
		workorder_id: workOrder.id,
		status: 'blacklisted',
		blacklist_reason: 'WO Canceled',
		codesSelected: codes.length,
		codesAffected: codes.length,
		tasks: [{ task_id: expect.any(String), state: 'complete', codes_affected: codes.length }],
	});
	for (const c of codes) expect([c.status, c.blacklist_reason]).toEqual([2, 9]);
	expect(exportsStarted().map((e) => e.query)).toEqual([{ workorder: String(workOrder.id) }]);
	expect(asyncUploads()).toHaveLength(1);
	expect(syncUploads()).toHaveLength(0);
});

test('a work order by its reference', async () => {
	const workOrder = openWorkOrder();
	const { items, error } = await codeNode({
		operation: 'deactivate',
		codesFrom: 'workOrder',
		workOrder: { __rl: true, mode: 'reference', value: workOrder.reference },
	});
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ workorder_id: workOrder.id, status: 'inactive' });
	expect(sandbox.state.codes.filter((c) => c.workorder === workOrder.id).every((c) => c.status === 0)).toBe(true);
});

test('activate every code of a product given by SKU; other products’ codes untouched', async () => {
	const counts = new Map();
	for (const c of sandbox.state.codes) if (c.status === 0 && c.product) counts.set(c.product, (counts.get(c.product) ?? 0) + 1);
	const productId = [...counts.keys()][0];
	const product = sandbox.state.products.find((p) => p.id === productId);
	const others = sandbox.state.codes.filter((c) => c.product !== productId && c.status === 0).slice(0, 20);
	const { items, error } = await codeNode({
		operation: 'activate',
		codesFrom: 'product',
		codesOfProduct: { __rl: true, mode: 'sku', value: product.sku },
	});
	expect(error).toBeUndefined();
	const codes = sandbox.state.codes.filter((c) => c.product === productId);
	expect(items[0].json).toMatchObject({ codes: 'product', product_id: productId, status: 'active', codesSelected: codes.length, codesAffected: codes.length });
	expect(codes.every((c) => c.status === 1)).toBe(true);
	expect(others.every((c) => c.status === 0)).toBe(true);
	expect(exportsStarted()[0].query).toEqual({ products: String(productId) });
});

test('deactivate every code of a lot: the SCM value is the async constraint itself, no export', async () => {
	const lot = sandbox.state.codes.find((c) => c.scm.lot_number).scm.lot_number;
	const inLot = sandbox.state.codes.filter((c) => c.scm.lot_number === lot);
	const { items, error } = await codeNode({
		operation: 'deactivate',
		codesFrom: 'scmValue',
		setScmFieldKey: 'lot_number',
		setScmFieldValue: '={{ $json.lot }}',
	}, { input: [{ json: { lot } }] });
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ codes: 'scmValue', scm_field: 'lot_number', scm_value: lot, status: 'inactive', codesAffected: inLot.length });
	expect(items[0].json.codesSelected).toBeUndefined();
	expect(inLot.every((c) => c.status === 0)).toBe(true);
	expect(exportsStarted()).toHaveLength(0);
	expect(asyncUploads()).toHaveLength(1);
});

test('assign every code of a work order to a product', async () => {
	const workOrder = openWorkOrder();
	const target = sandbox.state.products.find((p) => !p.is_archived && p.id !== workOrder.product && !/GENERIC/.test(p.sku));
	const { items, error } = await codeNode({
		operation: 'assignToProduct',
		codesFrom: 'workOrder',
		workOrder: { __rl: true, mode: 'id', value: String(workOrder.id) },
		product: { __rl: true, mode: 'id', value: String(target.id) },
	});
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ product: String(target.id), codesAffected: expect.any(Number) });
	expect(sandbox.state.codes.filter((c) => c.workorder === workOrder.id).every((c) => c.product === target.id)).toBe(true);
});

test('without waiting: the task IDs and the number of codes selected at once; the change follows in the background', async () => {
	const workOrder = openWorkOrder();
	const { items, error } = await codeNode({
		operation: 'blacklist',
		codesFrom: 'workOrder',
		workOrder: { __rl: true, mode: 'id', value: String(workOrder.id) },
		reason: 9,
		waitForCompletion: false,
	});
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ codesSelected: expect.any(Number), tasks: [{ task_id: expect.any(String) }] });
	expect(items[0].json.codesAffected).toBeUndefined();
	const task = sandbox.state.scmTasks.get(items[0].json.tasks[0].task_id);
	expect(task.state).not.toBe('complete');
});

test('one set per input item, each output paired; a set with no codes says so', async () => {
	const lot = sandbox.state.codes.find((c) => c.scm.lot_number).scm.lot_number;
	const { items, error, hints } = await codeNode(
		{ operation: 'activate', codesFrom: 'scmValue', setScmFieldKey: 'lot_number', setScmFieldValue: '={{ $json.lot }}' },
		{ input: [{ json: { lot } }, { json: { lot: 'NO-SUCH-LOT' } }] },
	);
	expect(error).toBeUndefined();
	expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(items[1].json).toMatchObject({ codesAffected: 0, warnings: ['No code of lot_number "NO-SUCH-LOT" was changed'] });
	expect(hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringMatching(/^1 of 2 items have warnings/) })]);
});

// Values from expressions, as n8n's own required-field checks catch literal empties before the run.
test.each([
	[{ codesFrom: 'workOrder', workOrder: { __rl: true, mode: 'id', value: '={{ $json.v }}' } }, 'Item 0: "Work Order" must be a numeric work order ID (got "abc")'],
	[{ codesFrom: 'scmValue', setScmFieldKey: '={{ $json.v }}', setScmFieldValue: 'L1' }, 'Item 0: "SCM Field Key" must be a field key of letters, digits, "_" or "-" (got "abc def")'],
	[{ codesFrom: 'scmValue', setScmFieldKey: 'lot_number', setScmFieldValue: '={{ $json.none }}' }, 'Item 0: "SCM Field Value" is empty'],
	[{ codesFrom: 'scmValue', setScmFieldKey: 'extended_id', setScmFieldValue: 'x' }, 'Item 0: "SCM Field Key" "extended_id" is not an SCM field; choose "One Code per Input Item" instead'],
	[{ codesFrom: 'product', codesOfProduct: { __rl: true, mode: 'id', value: '={{ $json.none }}' } }, 'Item 0: "Product of the Codes" is empty'],
])('refused before any request: %j', async (parameters, message) => {
	const v = parameters.setScmFieldKey === '={{ $json.v }}' ? 'abc def' : 'abc';
	const { error } = await codeNode({ operation: 'blacklist', reason: 9, ...parameters }, { input: [{ json: { v } }] });
	expect(error.message).toBe(message);
	expect(apiRequests(sandbox)).toHaveLength(0);
});

test('a failed task (an unknown product found in the background) is an error naming the task', async () => {
	const workOrder = openWorkOrder();
	const { error } = await codeNode({
		operation: 'assignToProduct',
		codesFrom: 'workOrder',
		workOrder: { __rl: true, mode: 'id', value: String(workOrder.id) },
		product: { __rl: true, mode: 'sku', value: 'NO-SUCH-SKU' },
	});
	expect(error.message).toMatch(/^The SCM task scm-async-\d+ \(.+\) ended in state "failed"/);
});

test('a work order of 12,000 codes goes in two tasks of at most 10,000 extended IDs; the counts add up', async () => {
	const product = sandbox.state.products.find((p) => !p.is_archived && !/GENERIC/.test(p.sku));
	const response = await fetch(`${sandbox.apiUrl}/workorders/create-sid/`, {
		method: 'POST',
		headers: { Authorization: `UAT ${sandbox.tokens.full}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ reference: 'WO-BIG-SET', quantity: 12000, activate_on_complete: true, use_serial_number: false, product: product.id }),
	});
	const workOrder = await response.json();
	// wait on the state, not the clock: the sandbox generates the codes in the background
	while (sandbox.state.workorders.find((w) => w.id === workOrder.id).state !== 'completed') await new Promise((r) => setImmediate(r));
	sandbox.clearLog();
	const { items, error } = await codeNode({
		operation: 'blacklist',
		codesFrom: 'workOrder',
		workOrder: { __rl: true, mode: 'id', value: String(workOrder.id) },
		reason: 9,
	});
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ codesSelected: 12000, codesAffected: 12000 });
	expect(items[0].json.tasks.map((t) => t.codes_affected)).toEqual([10000, 2000]);
	expect(asyncUploads()).toHaveLength(2);
	expect(sandbox.state.codes.filter((c) => c.workorder === workOrder.id && c.status === 2)).toHaveLength(12000);
});
