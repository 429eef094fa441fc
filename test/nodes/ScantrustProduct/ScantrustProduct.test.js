// The Product node end to end: n8n-core's WorkflowExecute runs it against the sandbox over HTTP.
const { runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, useInsertingSandbox, apiRequests } = require('../../helpers/sandbox');

const getSandbox = useSandbox({ productCount: 45 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const activeProducts = () => sandbox.state.products.filter((p) => !p.is_archived);
const brandId = () => sandbox.state.brands[0].id;
const product = (params, extra = {}) =>
	runNode({
		type: 'scantrustProduct',
		parameters: params,
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
	});

describe('create', () => {
	test('creates one product per input item, SKU and name from expressions, paired', async () => {
		const input = [
			{ json: { sku: 'N8N-001', name: 'Olive oil 1L' } },
			{ json: { sku: 'N8N-002', name: 'Olive oil 5L' } },
		];
		const { items, error } = await product(
			{
				operation: 'create',
				sku: '={{ $json.sku }}',
				name: '={{ $json.name }}',
				brand: { __rl: true, mode: 'list', value: String(brandId()) },
				additionalFields: { description: 'Cold pressed', client_url: 'https://brand.example.com/oil' },
			},
			{ input },
		);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.sku)).toEqual(['N8N-001', 'N8N-002']);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const stored = sandbox.state.products.find((p) => p.sku === 'N8N-002');
		expect(stored).toMatchObject({ name: 'Olive oil 5L', description: 'Cold pressed' });
		expect(stored.brand).toBe(brandId());
		expect(apiRequests(sandbox, 'POST', '/products/')).toHaveLength(2);
	});

	test('a duplicate SKU shows the server’s field message, with the item index', async () => {
		const taken = activeProducts()[0].sku;
		const { error } = await product({
			operation: 'create',
			sku: taken,
			name: 'Again',
			brand: { __rl: true, mode: 'id', value: String(brandId()) },
		});
		expect(error.message).toContain('sku: product with this sku already exists.');
		expect(error.httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(0);
	});

	test('continue on fail: the failing item becomes a paired error item, the others go on', async () => {
		const taken = activeProducts()[0].sku;
		const input = [{ json: { sku: 'FRESH-1' } }, { json: { sku: taken } }, { json: { sku: 'FRESH-2' } }];
		const { items } = await product(
			{
				operation: 'create',
				sku: '={{ $json.sku }}',
				name: 'Thing',
				brand: { __rl: true, mode: 'id', value: String(brandId()) },
			},
			{ input, continueOnFail: true },
		);
		expect(items).toHaveLength(3);
		expect(items[0].json.sku).toBe('FRESH-1');
		expect(items[1].json.error).toMatch(/product with this sku already exists/);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[2].json.sku).toBe('FRESH-2');
	});

	test.each([
		['an empty SKU', { sku: '  ', name: 'x' }, /Item 0: "SKU" is empty/],
		['a blank name', { sku: 'OK-1', name: '   ' }, /Item 0: "Name" is empty/],
		['an empty name (n8n itself refuses the required field)', { sku: 'OK-1', name: '' }, /"Name" is required/],
		['an expression that resolves to nothing', { sku: '={{ $json.missing }}', name: 'x' }, /"SKU" is empty/],
	])('%s is rejected before any request', async (_, fields, pattern) => {
		const { error } = await product({
			operation: 'create',
			...fields,
			brand: { __rl: true, mode: 'id', value: String(brandId()) },
		});
		expect(error.message).toMatch(pattern);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('a SKU used twice in one batch is rejected before any request, naming both items', async () => {
		const input = [{ json: { sku: 'A-1' } }, { json: { sku: 'B-1' } }, { json: { sku: 'a-1' } }];
		const { error } = await product(
			{
				operation: 'create',
				sku: '={{ $json.sku }}',
				name: 'x',
				brand: { __rl: true, mode: 'id', value: String(brandId()) },
			},
			{ input },
		);
		expect(error.message).toMatch(/Item 2: "SKU" "a-1" is also used by item 0/);
		expect(error.context.itemIndex).toBe(2);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('continue on fail: SKUs used twice become paired error items, the other items are created', async () => {
		const input = [{ json: { sku: 'DUP-1' } }, { json: { sku: 'UNIQ-1' } }, { json: { sku: 'dup-1' } }, { json: { sku: 'DUP-1' } }];
		const { error, items } = await product(
			{
				operation: 'create',
				sku: '={{ $json.sku }}',
				name: 'x',
				brand: { __rl: true, mode: 'id', value: String(brandId()) },
			},
			{ input, continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.pairedItem.item)).toEqual([0, 1, 2, 3]);
		expect(items[0].json.sku).toBe('DUP-1');
		expect(items[1].json.sku).toBe('UNIQ-1');
		expect(items[2].json.error).toMatch(/Item 2: "SKU" "dup-1" is also used by item 0/);
		expect(items[3].json.error).toMatch(/Item 3: "SKU" "DUP-1" is also used by item 0/);
		expect(items[3].error.context.itemIndex).toBe(3);
		expect(apiRequests(sandbox, 'POST', '/products/')).toHaveLength(2);
		expect(sandbox.state.products.filter((p) => p.sku.toLowerCase() === 'dup-1')).toHaveLength(1);
	});

	test('a token without product permissions gets a 403 that names what is missing', async () => {
		const { error } = await product(
			{ operation: 'create', sku: 'P-403', name: 'x', brand: { __rl: true, mode: 'id', value: String(brandId()) } },
			{ token: sandbox.tokens.noProduct },
		);
		expect(error.httpCode).toBe('403');
		// All four the table (and the README) lists for Product Create, not a subset.
		expect(error.description).toContain('needs the UAT permission(s): product_create, product_edit, product_delete, product_view.');
		expect(JSON.stringify(error)).not.toContain(sandbox.tokens.noProduct);
	});

	test('a wrong token gets a 401 that says to renew the UAT token', async () => {
		const { error } = await product(
			{ operation: 'get', product: { __rl: true, mode: 'id', value: '1' } },
			{ token: 'not-a-real-token' },
		);
		expect(error.httpCode).toBe('401');
		expect(error.description).toMatch(/Create a new UAT token/);
	});
});

describe('get, update, delete', () => {
	test('get by ID and by SKU', async () => {
		const target = activeProducts()[3];
		const byId = await product({ operation: 'get', product: { __rl: true, mode: 'id', value: String(target.id) } });
		expect(byId.items[0].json).toMatchObject({ id: target.id, sku: target.sku });
		const bySku = await product({ operation: 'get', product: { __rl: true, mode: 'sku', value: target.sku } });
		expect(bySku.items[0].json.id).toBe(target.id);
	});

	test('an unknown ID is a 404 naming the item; an unknown SKU says so before fetching', async () => {
		const missing = await product({ operation: 'get', product: { __rl: true, mode: 'id', value: '999999' } });
		expect(missing.error.httpCode).toBe('404');
		expect(missing.error.context.itemIndex).toBe(0);
		const noSku = await product({ operation: 'get', product: { __rl: true, mode: 'sku', value: 'NOPE-404' } });
		expect(noSku.error.message).toMatch(/no product with SKU "NOPE-404"/);
	});

	test('a non-numeric product ID is rejected before any request', async () => {
		const { error } = await product({ operation: 'get', product: { __rl: true, mode: 'id', value: 'abc' } });
		// n8n checks the locator's ID format itself, before the node runs
		expect(error.message).toMatch(/A product ID is a number/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('update changes only the given fields', async () => {
		const target = activeProducts()[5];
		const { items } = await product({
			operation: 'update',
			product: { __rl: true, mode: 'sku', value: target.sku },
			updateFields: { name: 'Renamed', description: 'New text' },
		});
		expect(items[0].json).toMatchObject({ id: target.id, name: 'Renamed', sku: target.sku });
		const stored = sandbox.state.products.find((p) => p.id === target.id);
		expect(stored).toMatchObject({ name: 'Renamed', description: 'New text' });
		expect(apiRequests(sandbox, 'PATCH')).toHaveLength(1);
	});

	test('update with nothing to change is rejected before any request', async () => {
		const { error } = await product({
			operation: 'update',
			product: { __rl: true, mode: 'id', value: '1' },
			updateFields: {},
		});
		expect(error.message).toMatch(/at least one field/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('delete removes the product', async () => {
		const target = activeProducts()[7];
		const { items } = await product({ operation: 'delete', product: { __rl: true, mode: 'id', value: String(target.id) } });
		expect(items[0].json).toEqual({ id: target.id, deleted: true });
		expect(sandbox.state.products.find((p) => p.id === target.id)).toBeUndefined();
	});
});

describe('get many', () => {
	// Several pages: see 'pagination over many pages' below (260 products).
	test('Return All when everything fits on one page: every product once, one request', async () => {
		const { items } = await product({ operation: 'getMany', returnAll: true, filters: {} });
		expect(activeProducts().length).toBeLessThan(100);
		expect(items.map((i) => i.json.id).sort()).toEqual(activeProducts().map((p) => p.id).sort());
		expect(apiRequests(sandbox, 'GET', '/products/')).toHaveLength(1);
	});

	test('Limit asks for no more than needed', async () => {
		const { items } = await product({ operation: 'getMany', returnAll: false, limit: 5, filters: {} });
		expect(items).toHaveLength(5);
		const requests = apiRequests(sandbox, 'GET', '/products/');
		expect(requests).toHaveLength(1);
		expect(requests[0].query.limit).toBe('5');
	});

	test('SKU and archived filters', async () => {
		const target = activeProducts()[2];
		const one = await product({ operation: 'getMany', returnAll: true, filters: { sku: target.sku } });
		expect(one.items.map((i) => i.json.id)).toEqual([target.id]);
		const archived = await product({ operation: 'getMany', returnAll: true, filters: { archived: 'archived' } });
		const expected = sandbox.state.products.filter((p) => p.is_archived).length;
		expect(archived.items).toHaveLength(expected);
		expect(archived.items.every((i) => i.json.is_archived === true)).toBe(true);
	});
});

describe('pagination over many pages', () => {
	const getBig = useSandbox({ productCount: 260, publicOrigin: 'http://api.scantrust.com' });

	test('Return All: every product once, one request per page of 100, next links rebased', async () => {
		const big = getBig();
		big.clearLog();
		const { items, error } = await runNode({
			type: 'scantrustProduct',
			parameters: { operation: 'getMany', returnAll: true, filters: { ordering: 'sku' } },
			credentials: sandboxCredential(big),
		});
		expect(error).toBeUndefined();
		const active = big.state.products.filter((p) => !p.is_archived);
		const expected = active.length;
		expect(expected).toBeGreaterThan(200); // three pages at least
		expect(items.map((i) => i.json.id).sort()).toEqual(active.map((p) => p.id).sort());
		const pages = apiRequests(big, 'GET', '/products/');
		expect(pages).toHaveLength(Math.ceil(expected / 100));
		expect(pages.map((p) => Number(p.query.offset ?? 0))).toEqual(pages.map((_, k) => k * 100));
		// the `next` links name http://api.scantrust.com; every request still went to the sandbox
		expect(pages.every((p) => p.token === 'full')).toBe(true);
		global.paginationFigures = { ...(global.paginationFigures ?? {}), returnAll: { items: expected, requests: pages.length } };
	});

	test('Limit 150 stops after the second page', async () => {
		const big = getBig();
		big.clearLog();
		const { items } = await runNode({
			type: 'scantrustProduct',
			parameters: { operation: 'getMany', returnAll: false, limit: 150, filters: {} },
			credentials: sandboxCredential(big),
		});
		expect(items).toHaveLength(150);
		expect(apiRequests(big, 'GET', '/products/')).toHaveLength(2);
	});
});

describe('Return All while products are added (an offset list)', () => {
	const { getLive, returnAllWhileInserting } = useInsertingSandbox({ productCount: 260 });

	test('a product inserted before the current page does not come twice: repeats are dropped by id', async () => {
		const live = getLive();
		live.reset();
		const before = live.state.products.filter((p) => !p.is_archived).map((p) => p.id);
		// A product named to sort first (ordering by name), as if someone created it in the portal.
		const model = live.state.products.find((p) => !p.is_archived);
		const { error, keys, pages } = await returnAllWhileInserting({
			pathEnd: '/products/',
			insert: (n) => {
				const id = live.state.nextIds.product++;
				live.state.products.push({ ...model, id, uuid: `inserted-${n}`, sku: `INS-${n}`, name: `!!! inserted ${n}` });
			},
			run: () =>
				runNode({
					type: 'scantrustProduct',
					parameters: { operation: 'getMany', returnAll: true, filters: { ordering: 'name' } },
					credentials: sandboxCredential(live),
				}),
		});
		expect(error).toBeUndefined();
		expect(new Set(keys).size).toBe(keys.length);
		// Every product that existed before the read is there once (two inserted ones shifted the
		// offsets and made the last product of pages 1 and 2 come again, which is dropped).
		expect(keys).toEqual(expect.arrayContaining(before));
		expect(pages).toBeGreaterThanOrEqual(3);
	});
});

describe('version 1.1: Simplify and the brand list in Update', () => {
	const v11 = (params) => runNode({ type: 'scantrustProduct', typeVersion: 1.1, parameters: params, credentials: sandboxCredential(sandbox) });

	test('Get Many and Get give flat products by default; brand and campaign as ID and name', async () => {
		const { items, error } = await v11({ operation: 'getMany', limit: 5, filters: {} });
		expect(error).toBeUndefined();
		const full = (await v11({ operation: 'getMany', limit: 5, filters: {}, simplify: false })).items;
		items.forEach((item, k) => {
			const record = full[k].json;
			expect(item.json).toMatchObject({
				id: record.id,
				sku: record.sku,
				name: record.name,
				brand_id: record.brand.id,
				brand_name: record.brand.name,
				code_count: record.code_count,
			});
			expect(Object.values(item.json).every((value) => value === null || typeof value !== 'object')).toBe(true);
		});
		const one = await v11({ operation: 'get', product: { __rl: true, mode: 'id', value: String(items[0].json.id) } });
		expect(one.items[0].json).toEqual(items[0].json);
	});

	test('version 1 Get Many still gives the full records', async () => {
		const { items } = await product({ operation: 'getMany', limit: 2, filters: {} });
		expect(items[0].json.brand).toEqual(expect.objectContaining({ id: expect.any(Number), name: expect.any(String) }));
	});

	test('Update picks the brand from the same list as Create; version 1’s text field keeps working', async () => {
		const [target, other] = activeProducts();
		const brand = sandbox.state.brands[1];
		const picked = await v11({
			operation: 'update',
			product: { __rl: true, mode: 'id', value: String(target.id) },
			updateFields: { brand: { __rl: true, mode: 'list', value: String(brand.id) } },
		});
		expect(picked.error).toBeUndefined();
		expect(sandbox.state.products.find((p) => p.id === target.id).brand).toBe(brand.id);
		const typed = await product({ operation: 'update', product: { __rl: true, mode: 'id', value: String(other.id) }, updateFields: { brand: String(brand.id) } });
		expect(typed.error).toBeUndefined();
		expect(sandbox.state.products.find((p) => p.id === other.id).brand).toBe(brand.id);
	});

	test('Update with the Brand field added but nothing picked is refused before any request', async () => {
		const [target] = activeProducts();
		const { error } = await v11({ operation: 'update', product: { __rl: true, mode: 'id', value: String(target.id) }, updateFields: { brand: { __rl: true, mode: 'list', value: '' } } });
		expect(error.message).toMatch(/Item 0: "Brand" is empty/);
		expect(apiRequests(sandbox, 'PATCH', '/products/')).toHaveLength(0);
	});
});
