// The "From List" dropdowns: what the editor shows when a user searches for a product, brand,
// work order or upload instead of copying IDs from the portal.
const { runListSearch, sandboxCredential } = require('../../harness/n8n');
const { useSandbox } = require('../../helpers/sandbox');

const getSandbox = useSandbox({ productCount: 120 });

const search = (type, method, filter, paginationToken) =>
	runListSearch({ type, method, filter, paginationToken, credentials: sandboxCredential(getSandbox()) });

test('products: every node that picks a product pages through all of them, 50 at a time', async () => {
	const sandbox = getSandbox();
	const active = sandbox.state.products.filter((p) => !p.is_archived);
	for (const type of ['scantrustProduct', 'scantrustCode', 'scantrustScan', 'scantrustTrigger', 'scantrustWorkOrder']) {
		const seen = [];
		let token;
		do {
			const page = await search(type, 'searchProducts', undefined, token);
			seen.push(...page.results);
			token = page.paginationToken;
			expect(token === undefined || typeof token === 'string').toBe(true);
		} while (token);
		expect(seen.map((r) => r.value).sort()).toEqual(active.map((p) => String(p.id)).sort());
		expect(seen[0].name).toMatch(/\(.+\)$/); // "name (SKU)"
	}
});

test('products: the filter narrows the list on the server (SKU or name)', async () => {
	const target = getSandbox().state.products.filter((p) => !p.is_archived)[10];
	const page = await search('scantrustProduct', 'searchProducts', target.sku);
	expect(page.results.map((r) => r.value)).toContain(String(target.id));
	expect(page.results.length).toBeLessThan(10);
});

test('brands', async () => {
	const sandbox = getSandbox();
	const page = await search('scantrustProduct', 'searchBrands');
	expect(page.results.map((r) => r.value).sort()).toEqual(sandbox.state.brands.map((b) => String(b.id)).sort());
	const one = await search('scantrustProduct', 'searchBrands', sandbox.state.brands[1].name);
	expect(one.results.map((r) => r.value)).toEqual([String(sandbox.state.brands[1].id)]);
});

/** A code upload started through the API itself, so the records list has something to show. */
async function startUpload(description, prefix) {
	const sandbox = getSandbox();
	const response = await fetch(`${sandbox.apiUrl}/ingestion/codes/add-sids/`, {
		method: 'POST',
		headers: { Authorization: `UAT ${sandbox.tokens.full}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ mode: 'api', description, codes: [{ id: `${prefix}-0001` }, { id: `${prefix}-0002` }] }),
	});
	expect(response.status).toBe(201);
	return (await response.json()).record_key;
}

test('work orders, upload templates and upload records', async () => {
	const sandbox = getSandbox();
	const workOrders = await search('scantrustWorkOrder', 'searchWorkOrders');
	expect(workOrders.results.map((r) => r.value).sort()).toEqual(
		sandbox.state.workorders.filter((w) => !w.is_archived).map((w) => String(w.id)).sort(),
	);
	const templates = await search('scantrustCodeUpload', 'searchIngestionTemplates');
	expect(templates.results.map((r) => r.value).sort()).toEqual(sandbox.state.ingestionTemplates.map((t) => t.key).sort());
	expect(templates.results[0].name).toMatch(/\(.+\)$/); // "name (key)"

	const first = await startUpload('Spring batch', 'LS-A');
	const second = await startUpload('', 'LS-B');
	const records = await search('scantrustCodeUpload', 'searchIngestionRecords');
	// Newest first, chosen by key, named by the description (or the key when there is none).
	expect(records.results.map((r) => r.value)).toEqual([second, first]);
	expect(records.results[0].name).toMatch(new RegExp(`^${second} \\([a-z_]+, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\)$`));
	expect(records.results[1].name).toMatch(/^Spring batch \(/);
	const filtered = await search('scantrustCodeUpload', 'searchIngestionRecords', 'spring');
	expect(filtered.results.map((r) => r.value)).toEqual([first]);
});

test('a token without the view permission gets the 403 explained', async () => {
	const sandbox = getSandbox();
	const error = await runListSearch({
		type: 'scantrustProduct',
		method: 'searchProducts',
		credentials: sandboxCredential(sandbox, sandbox.tokens.noProduct),
	}).catch((e) => e);
	expect(error.httpCode).toBe('403');
});

describe('a filter keeps what the server found', () => {
	test('work orders found by their remarks (not shown in the label) stay in the list', async () => {
		const sandbox = getSandbox();
		const target = sandbox.state.workorders.find((w) => !w.is_archived && w.remarks);
		const word = target.remarks.split(' ').find((w) => !target.reference.toLowerCase().includes(w.toLowerCase()));
		const page = await search('scantrustWorkOrder', 'searchWorkOrders', word);
		expect(page.results.map((r) => r.value)).toContain(String(target.id));
		expect(page.results.length).toBeGreaterThan(0);
	});

	test('brands found by their reference stay in the list', async () => {
		const brand = getSandbox().state.brands[1];
		const page = await search('scantrustProduct', 'searchBrands', brand.reference);
		expect(page.results.map((r) => r.value)).toEqual([String(brand.id)]);
	});

	test('a search of several words, in another order than the name, finds the entry', async () => {
		const sandbox = getSandbox();
		const target = sandbox.state.workorders.find((w) => !w.is_archived && w.remarks.split(' ').length >= 3);
		const words = target.remarks.split(' ');
		const page = await search('scantrustWorkOrder', 'searchWorkOrders', `${words[words.length - 1]} ${words[0]}`);
		expect(page.results.map((r) => r.value)).toContain(String(target.id));
		const products = await search('scantrustProduct', 'searchProducts', `${sandbox.state.products[3].sku} ${sandbox.state.products[3].name.split(' ')[0]}`);
		expect(products.results.map((r) => r.value)).toContain(String(sandbox.state.products[3].id));
	});

	test('a list filtered here never hands the editor an empty page while more pages follow', async () => {
		// Upload records are filtered here (the sandbox ignores `search` on them, as Scantrust may):
		// the only match is the oldest record, behind a full page of newer ones.
		const oldest = await startUpload('Needle in the records', 'LS-N');
		for (let i = 0; i < 55; i++) await startUpload(`Other upload ${i}`, `LS-O${i}`);
		let token;
		const seen = [];
		do {
			const page = await search('scantrustCodeUpload', 'searchIngestionRecords', 'needle records', token);
			if (page.paginationToken) expect(page.results.length).toBeGreaterThan(0);
			seen.push(...page.results.map((r) => r.value));
			token = page.paginationToken;
		} while (token);
		expect(seen).toEqual([oldest]);
	});
});

test('an upload template list the server does not offer (404) says so in the list and points to By Key', async () => {
	const sandbox = getSandbox();
	sandbox.setOptions({ ingestionTemplates: false });
	try {
		const page = await search('scantrustCodeUpload', 'searchIngestionTemplates');
		expect(page.results).toHaveLength(1);
		expect(page.results[0].name).toMatch(/offers no list here \(GET \/api\/v2\/ingestion\/templates\/ answered 404\): choose "By Key"/);
		expect(page.paginationToken).toBeUndefined();
		const direct = await fetch(`${sandbox.apiUrl}/ingestion/templates/`, { headers: { Authorization: `UAT ${sandbox.tokens.full}` } });
		expect(direct.status).toBe(404);
	} finally {
		sandbox.setOptions({ ingestionTemplates: true });
	}
});
