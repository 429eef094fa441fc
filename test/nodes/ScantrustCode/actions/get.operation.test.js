// Code → Get: codes looked up through the code export filtered by ID, batched into few exports,
// run through n8n-core against the sandbox under both readings of `extended_id=a,b`.
const { runNode, sandboxCredential } = require('../../../harness/n8n');
const { useSandbox, apiRequests } = require('../../../helpers/sandbox');

const getSandbox = useSandbox({ codeCount: 1500 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
	sandbox.setOptions({ exportIdLists: false });
});

const exportsStarted = () => apiRequests(sandbox, 'GET', '/codes/download/');
const getCodes = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustCode',
		parameters: { operation: 'get', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', ...parameters },
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
	});
const byExt = (codes) => codes.map((c) => ({ json: { ext: c.extended_id } }));

describe.each([
	['IDs as a list', true],
	['one literal ID per filter', false],
])('when the export takes %s', (_name, lists) => {
	beforeEach(() => sandbox.setOptions({ exportIdLists: lists }));

	test('status in words, product, SCM fields and activation for each input item, paired', async () => {
		const blacklisted = sandbox.state.codes.find((c) => c.status === 2);
		const active = sandbox.state.codes.find((c) => c.status === 1 && Object.keys(c.scm).length);
		const inactive = sandbox.state.codes.find((c) => c.status === 0);
		const { items, error } = await getCodes({ options: {} }, { input: byExt([blacklisted, active, inactive]) });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const product = sandbox.state.products.find((p) => p.id === blacklisted.product);
		expect(items[0].json).toMatchObject({
			extended_id: blacklisted.extended_id,
			serial_number: blacklisted.serial_number,
			found: true,
			status: 'blacklisted',
			status_code: 2,
			blacklisted: true,
			blacklist_reason_code: blacklisted.blacklist_reason,
			product: { id: product.id, sku: product.sku },
			workorder_id: blacklisted.workorder,
		});
		expect(typeof items[0].json.blacklist_reason).toBe('string');
		expect(items[1].json).toMatchObject({ status: 'active', blacklisted: false, blacklist_reason: null, scm: active.scm });
		expect(items[1].json.activated_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
		expect(items[2].json).toMatchObject({ status: 'inactive', activated_at: null });
	});

	test('an unknown code is an error naming the item and the field by default', async () => {
		const known = sandbox.state.codes[0];
		const { error } = await getCodes({}, { input: [{ json: { ext: known.extended_id } }, { json: { ext: 'NoSuchCode123' } }] });
		expect(error.message).toBe('Item 1: "Extended ID" matches no code: Scantrust knows no code with extended ID "NoSuchCode123"');
	});

	test('with "Unknown Code: Output notFound" the unknown code is an item an IF can test', async () => {
		const known = sandbox.state.codes[5];
		const { items, error } = await getCodes(
			{ options: { ifNotFound: 'output' } },
			{ input: [{ json: { ext: 'NoSuchCode123' } }, { json: { ext: known.extended_id } }] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ extended_id: 'NoSuchCode123', found: false, status: 'notFound' });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].json).toMatchObject({ extended_id: known.extended_id, found: true });
	});

	test('by serial number', async () => {
		const target = sandbox.state.codes.find((c) => c.serial_number);
		const { items, error } = await getCodes(
			{ dataKey: 'serial_number', serialNumber: '={{ $json.sn }}' },
			{ input: [{ json: { sn: target.serial_number } }] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ extended_id: target.extended_id, serial_number: target.serial_number });
		expect(apiRequests(sandbox, 'GET', '/codes/download/')[0].query).toEqual({ serial_number: target.serial_number });
	});
});

test('lists work: 300 codes (some repeated) take two exports of 150 IDs', async () => {
	sandbox.setOptions({ exportIdLists: true });
	const codes = sandbox.state.codes.slice(0, 300);
	const input = [...byExt(codes), ...byExt(codes.slice(0, 5))];
	const { items, error } = await getCodes({}, { input });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(305);
	items.forEach((item, i) => expect(item.json.extended_id).toBe(input[i].json.ext));
	const started = exportsStarted();
	expect(started).toHaveLength(2);
	expect(started.map((e) => e.query.extended_id.split(',').length)).toEqual([150, 150]);
});

test('lists not taken: a list that found nothing is asked code by code, and a known code is still found', async () => {
	const codes = sandbox.state.codes.slice(0, 3);
	const { items, error } = await getCodes({}, { input: byExt(codes) });
	expect(error).toBeUndefined();
	expect(items.map((i) => i.json.extended_id)).toEqual(codes.map((c) => c.extended_id));
	const [list, ...single] = exportsStarted().map((e) => e.query.extended_id);
	expect(list).toBe(codes.map((c) => c.extended_id).join(','));
	// started side by side: the log holds them in the order their answers went out
	expect(single.sort()).toEqual(codes.map((c) => c.extended_id).sort());
});

test('a URL pasted instead of the ID is refused before any request', async () => {
	const { error } = await getCodes({}, { input: [{ json: { ext: 'https://qr.example.test/q/abc' } }] });
	expect(error.message).toMatch(/^Item 0: "Extended ID" looks like a URL/);
	expect(exportsStarted()).toHaveLength(0);
});

test('continue on fail: the unknown code is an error item, the known one an item', async () => {
	const known = sandbox.state.codes[2];
	const { items, errorItems, error } = await getCodes(
		{},
		{ input: [{ json: { ext: 'NoSuchCode123' } }, { json: { ext: known.extended_id } }], continueOnFail: true },
	);
	expect(error).toBeUndefined();
	const all = [...items, ...errorItems];
	expect(all.find((i) => i.pairedItem.item === 0).json.error).toMatch(/matches no code/);
	expect(all.find((i) => i.pairedItem.item === 1).json.found).toBe(true);
});
