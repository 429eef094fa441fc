// The Code Upload node end to end: n8n-core's WorkflowExecute runs it against the sandbox over HTTP,
// including the file store that takes file-mode uploads on its own origin.
const { runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, useInsertingSandbox, apiRequests } = require('../../helpers/sandbox');

// Uploads are processed 100 ms after they start, so waits end at the first or second poll.
const getSandbox = useSandbox({ jobDelayMs: 100 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const codeUpload = (params, extra = {}) =>
	runNode({
		type: 'scantrustCodeUpload',
		parameters: params,
		credentials: sandboxCredential(sandbox, extra.token),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
	});

const template = (key) => ({ __rl: true, mode: 'key', value: key });
const record = (key) => ({ __rl: true, mode: 'key', value: key });
const ids = (prefix, count) => Array.from({ length: count }, (_, n) => `${prefix}-${String(n).padStart(4, '0')}`);
const itemsWithIds = (list, extra = () => ({})) => list.map((id, n) => ({ json: { id, ...extra(n) } }));
const wait = { waitForCompletion: true, pollInterval: 1, timeout: 20 };
const fromItems = (extra = {}) => ({ source: 'items', codeIdField: 'id', scmData: 'none', options: {}, ...extra });
const fromFile = (extra = {}) => ({ source: 'file', binaryPropertyName: 'data', fileType: 'auto', options: {}, ...extra });
const fileItem = (content, { mimeType = 'text/csv', fileName = 'codes.csv', property = 'data', json = {} } = {}) => ({
	json,
	binary: { [property]: { data: Buffer.from(content).toString('base64'), mimeType, fileName } },
});

const codesByIds = (list) => list.map((id) => sandbox.state.codeByExt.get(id)).filter(Boolean);
const ingestionByKey = (key) => sandbox.state.ingestions.find((r) => r.key === key);
const filesLog = () => sandbox.log.filter((entry) => entry.origin === 'files');
const productOfCampaign = (id) => sandbox.state.products.find((p) => !p.is_archived && p.campaign === id);

/** A code upload started without the node (for lists), through the API itself. */
async function startUploadDirectly(codes) {
	const response = await fetch(`${sandbox.apiUrl}/ingestion/codes/add-sids/`, {
		method: 'POST',
		headers: { Authorization: `UAT ${sandbox.tokens.full}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ mode: 'api', codes: codes.map((id) => ({ id })) }),
	});
	expect(response.status).toBe(201);
	return (await response.json()).record_key;
}

describe('create from template, codes from input items', () => {
	test('all input items become ONE upload; waiting gives the new work order with the codes', async () => {
		const list = ids('TPL-A', 12);
		const product = sandbox.state.products.find((p) => !p.is_archived);
		const { items, error } = await codeUpload(
			{
				operation: 'createFromTemplate',
				template: template('sid-pre-print'),
				...fromItems({
					options: {
						description: 'n8n test batch',
						defaultScmData: { fields: [{ key: 'product', value: product.sku }] },
					},
				}),
				...wait,
			},
			{ input: itemsWithIds(list) },
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual(list.map((_, item) => ({ item })));
		const out = items[0].json;
		expect(out).toMatchObject({ status: 'completed', ingestion_mode: 'api', description: 'n8n test batch' });
		const workOrderId = out.result_data.workorder_id;
		expect(workOrderId).toEqual(expect.any(Number));

		// Scantrust's state: the work order exists and holds exactly the uploaded codes, on the product.
		const workOrder = sandbox.state.workorders.find((w) => w.id === workOrderId);
		expect(workOrder).toMatchObject({ state: 'completed', quantity: 12 });
		const codes = codesByIds(list);
		expect(codes).toHaveLength(12);
		expect(codes.every((c) => c.workorder === workOrderId && c.product === product.id)).toBe(true);
		expect(ingestionByKey(out.key).status).toBe('completed');
		expect(apiRequests(sandbox, 'POST', '/ingestion/codes/create-from-template/')).toHaveLength(1);
	});

	test('other fields as SCM data: all of them, or only the selected ones', async () => {
		const product = productOfCampaign(sandbox.state.campaigns[0].id);
		const allIds = ids('SCM-ALL', 3);
		const all = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems({ scmData: 'all' }), ...wait },
			{ input: itemsWithIds(allIds, (n) => ({ product: product.sku, lot_number: `LOT-${n}`, empty: '' })) },
		);
		expect(all.error).toBeUndefined();
		const allCodes = codesByIds(allIds);
		expect(allCodes.map((c) => c.scm.lot_number)).toEqual(['LOT-0', 'LOT-1', 'LOT-2']);
		expect(allCodes.every((c) => c.product === product.id)).toBe(true);

		const someIds = ids('SCM-SEL', 2);
		const some = await codeUpload(
			{
				operation: 'createFromTemplate',
				template: template('sid-pre-print'),
				...fromItems({ codeIdField: 'code', scmData: 'selected', scmFields: 'product, lot_number' }),
				...wait,
			},
			{
				input: someIds.map((code) => ({
					json: { code, product: product.sku, lot_number: 'L-9', case_number: 'NOT-SENT', id: 'ignored' },
				})),
			},
		);
		expect(some.error).toBeUndefined();
		const someCodes = codesByIds(someIds);
		expect(someCodes).toHaveLength(2);
		expect(someCodes.every((c) => c.scm.lot_number === 'L-9' && c.scm.case_number === undefined)).toBe(true);
	});

	test('without waiting: the record as it stands, with its key', async () => {
		const { items, error } = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems(), waitForCompletion: false },
			{ input: itemsWithIds(ids('NOWAIT', 2)) },
		);
		expect(error).toBeUndefined();
		expect(['pending', 'processing']).toContain(items[0].json.status);
		expect(ingestionByKey(items[0].json.key)).toBeDefined();
	});

	test('bad code IDs: every offending item is named in ONE error, before anything is sent', async () => {
		const input = [
			{ json: { id: 'GOOD-0001' } },
			{ json: { id: 'short' } },
			{ json: { id: 'has space 1' } },
			{ json: { code: 'NO-ID-FIELD' } },
			{ json: { id: 'GOOD-0001' } },
			{ json: { id: 'ok-but-ümlaut' } },
			{ json: { id: 'GOOD-0002' } },
		];
		const { error } = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems() },
			{ input },
		);
		expect(error.message).toMatch(/^5 of 7 input items cannot be uploaded as codes: Item 1: code ID "short" is shorter than 8 characters/);
		expect(error.description).toContain('Item 2: code ID "has space 1" may only hold letters');
		expect(error.description).toContain('Item 3: has no code ID in field "id" (its fields: code)');
		expect(error.description).toContain('Item 4: code ID "GOOD-0001" is also in item 0');
		expect(error.description).toContain('Item 5: code ID "ok-but-ümlaut"');
		expect(error.context.itemIndex).toBe(1);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('a field holding an object cannot be code data; named with its item', async () => {
		const { error } = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems({ scmData: 'all' }) },
			{ input: [{ json: { id: 'OBJ-00001', dims: { w: 1 } } }] },
		);
		expect(error.message).toMatch(/Item 0: field "dims" holds an object/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('continue on fail: bad items become paired error items, the good ones still go up as one upload', async () => {
		const input = [
			{ json: { id: 'COF-00001' } },
			{ json: { id: 'bad' } },
			{ json: { id: 'COF-00002' } },
			{ json: { id: 'COF-00001' } },
		];
		const { items, error } = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems(), ...wait },
			{ input, continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items).toHaveLength(3);
		expect(items[0].json.status).toBe('completed');
		expect(items[0].pairedItem).toEqual([{ item: 0 }, { item: 2 }]);
		expect(items[1]).toMatchObject({ pairedItem: { item: 1 } });
		expect(items[1].json.error).toMatch(/Item 1: code ID "bad" is shorter than 8 characters/);
		expect(items[2]).toMatchObject({ pairedItem: { item: 3 } });
		expect(items[2].json.error).toMatch(/is also in item 0/);
		expect(codesByIds(['COF-00001', 'COF-00002'])).toHaveLength(2);
	});

	test('an SSC template without a printing partner: the server’s field message; with one it works', async () => {
		const base = { operation: 'createFromTemplate', template: template('ssc-pre-print'), ...fromItems() };
		const input = itemsWithIds(ids('SSC', 2));
		const missing = await codeUpload(base, { input });
		expect(missing.error.httpCode).toBe('400');
		expect(missing.error.message).toContain('printing_partner: This field is required for SSC templates.');
		const withPartner = await codeUpload(
			{ ...base, options: { printing_partner: sandbox.state.printingPartner.id }, ...wait },
			{ input },
		);
		expect(withPartner.error).toBeUndefined();
		const workOrder = sandbox.state.workorders.find((w) => w.id === withPartner.items[0].json.result_data.workorder_id);
		expect(workOrder).toMatchObject({ type: 'ssc', state: 'new' });
	});

	test('a record that fails in the background: the error lists Scantrust’s reasons; nothing is created', async () => {
		const existing = sandbox.state.codes[0].extended_id;
		const list = ['FAIL-00001', existing, 'FAIL-00002'];
		const params = { operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems(), ...wait };
		const { error } = await codeUpload(params, { input: itemsWithIds(list) });
		expect(error.message).toMatch(new RegExp(`^Code upload \\w+ failed: duplicate_id_error: ${existing}`));
		expect(error.description).toContain(`duplicate_id_error: ${existing}`);
		expect(codesByIds(['FAIL-00001', 'FAIL-00002'])).toHaveLength(0);
		const failed = sandbox.state.ingestions.at(-1);
		expect(failed.status).toBe('error');

		const soft = await codeUpload(params, { input: itemsWithIds(list), continueOnFail: true });
		expect(soft.items).toHaveLength(1);
		expect(soft.items[0].json.error).toMatch(/failed: duplicate_id_error/);
		expect(soft.items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('a token without ingestion_code_create: 403 naming the permissions, no record', async () => {
		const token = sandbox.createToken(['ingestion_view', 'workorder_view', 'product_view'], 'ingestionViewOnly');
		const { error } = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems() },
			{ input: itemsWithIds(ids('P403', 2)), token },
		);
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/ingestion_code_create/);
		expect(JSON.stringify(error)).not.toContain(token);
		expect(sandbox.state.ingestions).toHaveLength(0);
	});

	test('an empty template and a bad wait setting are refused before any request', async () => {
		const input = itemsWithIds(ids('EMPTY', 1));
		const noTemplate = await codeUpload(
			{ operation: 'createFromTemplate', template: { __rl: true, mode: 'key', value: ' ' }, ...fromItems() },
			{ input },
		);
		expect(noTemplate.error.message).toMatch(/Item 0: "Template" is empty/);
		const badWait = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems(), ...wait, pollInterval: 0 },
			{ input },
		);
		expect(badWait.error.message).toMatch(/"Poll Interval \(Seconds\)" must be at least 1/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('wait timeout: the last status is named; the upload goes on in Scantrust', async () => {
		sandbox.setOptions({ jobDelayMs: 60_000 });
		try {
			const { error } = await codeUpload(
				{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromItems(), ...wait, timeout: 2 },
				{ input: itemsWithIds(ids('SLOW', 2)) },
			);
			expect(error.message).toMatch(/Timed out after \d+ s waiting for code upload \w+ to be processed/);
			expect(error.description).toMatch(/Last state: pending/);
			expect(sandbox.state.ingestions).toHaveLength(1);
		} finally {
			sandbox.setOptions({ jobDelayMs: 100 });
		}
	});
});

describe('add to work order', () => {
	test('a work order from the list: its ingestion key is looked up, the codes join it', async () => {
		const target = sandbox.state.workorders[0];
		const before = target.quantity;
		const list = ids('ADDWO', 5);
		const { items, error } = await codeUpload(
			{
				operation: 'addToWorkOrder',
				workOrder: { __rl: true, mode: 'list', value: String(target.id) },
				...fromItems(),
				...wait,
			},
			{ input: itemsWithIds(list) },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.result_data.workorder_id).toBe(target.id);
		expect(items[0].json.parameters.ingestion_key).toBe(target.ingestion_key);
		expect(codesByIds(list).every((c) => c.workorder === target.id)).toBe(true);
		expect(target.quantity).toBe(before + 5);
	});

	test('by reference and by ingestion key; Allow Posted Duplicates skips codes that exist', async () => {
		const target = sandbox.state.workorders[1];
		const byRef = await codeUpload(
			{ operation: 'addToWorkOrder', workOrder: { __rl: true, mode: 'reference', value: target.reference }, ...fromItems(), ...wait },
			{ input: itemsWithIds(ids('BYREF', 2)) },
		);
		expect(byRef.items[0].json.result_data.workorder_id).toBe(target.id);

		const existing = sandbox.state.codes[0].extended_id;
		sandbox.clearLog();
		const byKey = await codeUpload(
			{
				operation: 'addToWorkOrder',
				workOrder: { __rl: true, mode: 'ingestionKey', value: target.ingestion_key },
				...fromItems({ options: { allow_posted_duplicates: true } }),
				...wait,
			},
			{ input: itemsWithIds([existing, 'BYKEY-0001']) },
		);
		expect(byKey.error).toBeUndefined();
		expect(byKey.items[0].json.result_data).toMatchObject({ workorder_id: target.id, codes_created: 1 });
		// The lookup by key needs no work-order request at all.
		expect(apiRequests(sandbox, 'GET', '/workorders/')).toHaveLength(0);
	});

	test('GS1 identifiers: only the documented length and no whitespace are checked', async () => {
		const target = sandbox.state.workorders[0];
		const gs1 = ['(01)09506000134352(21)A1', 'https://id.gs1.org/01/09506000134352/21/A2'];
		const { items, error } = await codeUpload(
			{
				operation: 'addToWorkOrder',
				workOrder: { __rl: true, mode: 'id', value: String(target.id) },
				...fromItems({ options: { id_format: 'gs1' } }),
				...wait,
			},
			{ input: itemsWithIds(gs1) },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.parameters.id_format).toBe('gs1');
		expect(codesByIds(gs1)).toHaveLength(2);
	});

	test('an unknown ingestion key: the server’s field message', async () => {
		const { error } = await codeUpload(
			{ operation: 'addToWorkOrder', workOrder: { __rl: true, mode: 'ingestionKey', value: 'ik_nope' }, ...fromItems() },
			{ input: itemsWithIds(ids('NOKEY', 1)) },
		);
		expect(error.httpCode).toBe('400');
		expect(error.message).toContain('ingestion_key: No work order has this ingestion key.');
	});
});

describe('add SIDs', () => {
	test('codes without a work order, with a URL prefix', async () => {
		const list = ids('SID', 4);
		const { items, error } = await codeUpload(
			{ operation: 'addSids', ...fromItems({ options: { url_prefix: 'https://qr.example.com/q/' } }), ...wait },
			{ input: itemsWithIds(list) },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.result_data).toMatchObject({ workorder_id: null, codes_created: 4 });
		expect(items[0].json.parameters.url_prefix).toBe('https://qr.example.com/q/');
		expect(codesByIds(list).every((c) => c.workorder === null)).toBe(true);
	});

	test('a URL prefix that is not a URL is refused before any request', async () => {
		const { error } = await codeUpload(
			{ operation: 'addSids', ...fromItems({ options: { url_prefix: 'qr example' } }) },
			{ input: itemsWithIds(ids('SIDURL', 1)) },
		);
		expect(error.message).toMatch(/"URL Prefix" must be an http\(s\) URL/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});
});

describe('codes from a file', () => {
	test('CSV: record in file mode, the file to the pre-signed link without the token, then processing', async () => {
		const list = ids('CSV', 6);
		const csv = `id,lot_number\r\n${list.map((id) => `${id},L-1`).join('\r\n')}\r\n`;
		const { items, error } = await codeUpload(
			{ operation: 'createFromTemplate', template: template('sid-pre-print'), ...fromFile(), ...wait },
			{ input: [fileItem(csv)] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'completed', ingestion_mode: 'file' });
		expect(items[0].json.parameters.filetype).toBe('csv');
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(codesByIds(list)).toHaveLength(6);
		expect(ingestionByKey(items[0].json.key).file.data.toString('utf8')).toBe(csv);

		const uploads = filesLog();
		expect(uploads).toHaveLength(1);
		expect(uploads[0]).toMatchObject({ method: 'POST', status: 201, authorizationHeaderSeen: false, token: null });
		const calls = apiRequests(sandbox, 'POST').map((r) => r.path);
		expect(calls).toEqual(['/api/v2/ingestion/codes/create-from-template/', '/api/v2/ingestion/codes/process-from-file/']);
	});

	test('JSON for Add SIDs; two items with files are two uploads, each paired', async () => {
		const first = ids('JSONA', 3);
		const second = ids('JSONB', 2);
		const json = (list) => JSON.stringify(list.map((id) => ({ id })));
		const { items, error } = await codeUpload(
			{ operation: 'addSids', ...fromFile({ binaryPropertyName: 'file' }), ...wait },
			{
				input: [
					fileItem(json(first), { mimeType: 'application/json', fileName: 'a.json', property: 'file' }),
					fileItem(json(second), { mimeType: 'application/json', fileName: 'b.json', property: 'file' }),
				],
			},
		);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items.map((i) => i.json.result_data.codes_created)).toEqual([3, 2]);
		expect(codesByIds([...first, ...second])).toHaveLength(5);
		expect(filesLog().every((e) => e.authorizationHeaderSeen === false && e.status === 201)).toBe(true);
	});

	test('a file kept in n8n’s binary data store (as files from earlier nodes are), not inline', async () => {
		const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
		const { BinaryDataService } = require('n8n-core');
		// One run first, so the harness has set up the binary data store.
		await codeUpload({ operation: 'getManyRecords', returnAll: false, limit: 1, filters: {} });
		const list = ids('STORED', 3);
		const stored = await Container.get(BinaryDataService).store(
			{ type: 'execution', workflowId: 'test-workflow', executionId: 'test-execution' },
			Buffer.from(`id\n${list.join('\n')}\n`),
			{ data: '', mimeType: 'text/csv', fileName: 'stored.csv' },
		);
		expect(stored.id).toBeTruthy();
		const { items, error } = await codeUpload(
			{ operation: 'addSids', ...fromFile(), ...wait },
			{ input: [{ json: {}, binary: { data: stored } }] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(codesByIds(list)).toHaveLength(3);
	});

	test('a file type the user names is taken as given (a .txt holding CSV)', async () => {
		const list = ids('TXT', 2);
		const { items, error } = await codeUpload(
			{ operation: 'addSids', ...fromFile({ fileType: 'csv' }), ...wait },
			{ input: [fileItem(`id\n${list.join('\n')}\n`, { mimeType: 'text/plain', fileName: 'codes.txt' })] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.parameters.filetype).toBe('csv');
		expect(codesByIds(list)).toHaveLength(2);
	});

	test.each([
		['no binary field of that name', () => ({ json: {}, binary: { other: fileItem('id\n').binary.data } }), /"Input Binary Field" names "data", but the item's files are in "other"/],
		['no binary data at all', () => ({ json: { id: 'X' } }), /names "data", but the item has no file/],
		['a PDF', () => fileItem('%PDF-1.7', { mimeType: 'application/pdf', fileName: 'codes.pdf' }), /holds a application\/pdf \(codes.pdf\) file; only CSV or JSON files can be uploaded/],
		['a text file of unknown kind', () => fileItem('id\n', { mimeType: 'text/plain', fileName: 'codes.txt' }), /only CSV or JSON files can be uploaded \(if it is one, set "File Type"\)/],
		['an empty file', () => fileItem('', { fileName: 'empty.csv' }), /holds an empty file/],
	])('%s is refused before anything is sent', async (_, makeItem, pattern) => {
		const { error } = await codeUpload({ operation: 'addSids', ...fromFile() }, { input: [makeItem()] });
		expect(error.message).toMatch(pattern);
		expect(apiRequests(sandbox)).toHaveLength(0);
		expect(filesLog()).toHaveLength(0);
	});

	test('a file over 100 MB is refused before anything is sent', async () => {
		const big = Buffer.alloc(100 * 1024 * 1024 + 1, 0x41);
		const item = { json: {}, binary: { data: { data: big.toString('base64'), mimeType: 'text/csv', fileName: 'big.csv' } } };
		const { error } = await codeUpload({ operation: 'addSids', ...fromFile() }, { input: [item] });
		expect(error.message).toMatch(/holds a file of 100\.0 MB; Scantrust accepts files of up to 100 MB/);
		expect(apiRequests(sandbox)).toHaveLength(0);
		expect(filesLog()).toHaveLength(0);
	});

	test('continue on fail: a bad file is a paired error item, the good file is uploaded', async () => {
		const list = ids('GOODF', 2);
		const { items } = await codeUpload(
			{ operation: 'addSids', ...fromFile(), ...wait },
			{
				input: [fileItem('%PDF', { mimeType: 'application/pdf', fileName: 'x.pdf' }), fileItem(`id\n${list.join('\n')}\n`)],
				continueOnFail: true,
			},
		);
		expect(items).toHaveLength(2);
		expect(items[0]).toMatchObject({ pairedItem: { item: 0 } });
		expect(items[0].json.error).toMatch(/only CSV or JSON/);
		expect(items[1].json.status).toBe('completed');
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(codesByIds(list)).toHaveLength(2);
	});

	test('a CSV file without an "id" column is refused before anything is sent (its first line is read)', async () => {
		const before = sandbox.state.ingestions.length;
		const { error } = await codeUpload(
			{ operation: 'addSids', ...fromFile(), ...wait },
			{ input: [fileItem('code,lot\nABCDEFGH1,L1\n')] },
		);
		expect(error.message).toBe(
			'Item 0: "Input Binary Field" holds a CSV file whose first line has no "id" column (it has "code", "lot"); Scantrust needs the code IDs in a column named "id"',
		);
		expect(sandbox.state.ingestions).toHaveLength(before);
		expect(apiRequests(sandbox, 'POST', '/ingestion/')).toHaveLength(0);
	});

	test('a JSON file that is not an array is refused before anything is sent', async () => {
		const { error } = await codeUpload(
			{ operation: 'addSids', ...fromFile(), ...wait },
			{ input: [fileItem('{"id": "ABCDEFGH1"}', { mimeType: 'application/json', fileName: 'codes.json' })] },
		);
		expect(error.message).toMatch(/^Item 0: "Input Binary Field" holds a JSON file that is not an array \(it starts with "\{"\)/);
		expect(apiRequests(sandbox, 'POST', '/ingestion/')).toHaveLength(0);
	});

	test('a file Scantrust refuses while processing (broken JSON): the record’s file error', async () => {
		const { error } = await codeUpload(
			{ operation: 'addSids', ...fromFile(), ...wait },
			{ input: [fileItem('[{"id": "ABCDEFGH1"}', { mimeType: 'application/json', fileName: 'codes.json' })] },
		);
		expect(error.message).toMatch(/Code upload \w+ failed: file_error: Invalid JSON file/);
		expect(sandbox.state.ingestions.at(-1).status).toBe('error');
	});

	test('a file in n8n’s binary store is streamed from it: the file store gets it byte for byte, with its length', async () => {
		const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
		const { BinaryDataService } = require('n8n-core');
		const { Readable } = require('node:stream');
		const list = ids('STORED', 3000);
		const content = `id,lot_number\n${list.map((id) => `${id},L1`).join('\n')}\n`;
		const binary = await Container.get(BinaryDataService).store(
			{ type: 'execution', workflowId: 'test-workflow', executionId: 'test-execution' },
			Readable.from([Buffer.from(content)]),
			{ mimeType: 'text/csv', fileName: 'stored.csv', fileExtension: 'csv', data: '' },
		);
		expect(binary.id).toEqual(expect.any(String));
		const { items, error } = await codeUpload({ operation: 'addSids', ...fromFile(), ...wait }, { input: [{ json: {}, binary: { data: binary } }] });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ status: 'completed', result_data: expect.objectContaining({ codes_created: 3000 }) });
		expect(ingestionByKey(items[0].json.key).file.data.toString('utf8')).toBe(content);
		expect(codesByIds(list)).toHaveLength(3000);
	});

	test('a dropped answer to process-from-file: the record shows it was accepted, it is not asked twice', async () => {
		sandbox.faults.set({ drop: { nth: [1], method: 'POST', path: '/process-from-file/', afterApply: true } });
		const list = ids('DROPF', 2);
		const { items, error } = await codeUpload(
			{ operation: 'addSids', ...fromFile(), ...wait },
			{ input: [fileItem(`id\n${list.join('\n')}\n`)] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('completed');
		expect(apiRequests(sandbox, 'POST', '/process-from-file/')).toHaveLength(1);
		expect(codesByIds(list)).toHaveLength(2);
	});
});

describe('the upload to the pre-signed link (transport)', () => {
	// The transport function with n8n's own HTTP helper (the one behind this.helpers.httpRequest).
	const { httpRequest } = require(
		require('node:path').join(require.resolve('@n8n/backend-network').replace(/index\.js$/, ''), 'http/axios/request.js'),
	);
	const { uploadToPresignedUrl } = require('../../../dist/nodes/shared/transport');
	const context = {
		getNode: () => ({ name: 'Scantrust Code Upload', type: 'n8n-nodes-scantrust.scantrustCodeUpload', typeVersion: 1, parameters: {} }),
		helpers: { httpRequest: async (options) => await httpRequest(options) },
	};
	const issue = () => sandbox.files.presignPost('ingestion/test/codes.csv', 1800, () => {});
	/** A file as the transport takes it: its size and a way to read it. */
	const fileOf = (text) => {
		const data = Buffer.from(text);
		return { size: data.length, fileName: 'codes.csv', contentType: 'text/csv', open: async () => (async function* () { yield data; })() };
	};

	test('every issued field in order, then the file: 201', async () => {
		const { url, fields } = issue();
		const result = await uploadToPresignedUrl.call(context, {
			url,
			fields,
			file: fileOf('id\nABCDEFGH01\n'),
		});
		expect(result.status).toBe(201);
		expect(filesLog()).toEqual([expect.objectContaining({ method: 'POST', status: 201, authorizationHeaderSeen: false })]);
	});

	test('a field the file store did not issue: its refusal in its own words, not as a token problem', async () => {
		const { url, fields } = issue();
		const error = await uploadToPresignedUrl
			.call(context, {
				url,
				fields: { ...fields, key: 'ingestion/other/codes.csv' },
				file: fileOf('id\nABCDEFGH01\n'),
				itemIndex: 3,
				hint: 'Record abc waits for its file.',
			})
			.catch((caught) => caught);
		expect(error.message).toMatch(/^The file store refused the upload \(HTTP 403, POST \/scantrust-sandbox\/\): AccessDenied: Invalid according to Policy/);
		expect(error.description).toMatch(/valid for 30 minutes/);
		expect(error.description).toMatch(/Record abc waits for its file\./);
		expect(error.context.itemIndex).toBe(3);
		expect(error.description).not.toMatch(/UAT/);
	});
});

describe('the upload to the pre-signed link: size and length', () => {
	const { httpRequest } = require(
		require('node:path').join(require.resolve('@n8n/backend-network').replace(/index\.js$/, ''), 'http/axios/request.js'),
	);
	const { uploadToPresignedUrl } = require('../../../dist/nodes/shared/transport');
	const context = {
		getNode: () => ({ name: 'Scantrust Code Upload', type: 'n8n-nodes-scantrust.scantrustCodeUpload', typeVersion: 1, parameters: {} }),
		helpers: { httpRequest: async (options) => await httpRequest(options) },
	};
	const policy = (conditions) => Buffer.from(JSON.stringify({ expiration: '2099-01-01T00:00:00Z', conditions })).toString('base64');
	const stream = (data) => async () => (async function* () { yield data; })();

	test('a file larger than the policy’s content-length-range is refused before a byte is sent', async () => {
		const { url, fields } = sandbox.files.presignPost('ingestion/test/codes.csv', 1800, () => {});
		const data = Buffer.from('id\nABCDEFGH01\nABCDEFGH02\n');
		const error = await uploadToPresignedUrl
			.call(context, {
				url,
				fields: { ...fields, policy: policy([{ key: 'x' }, ['content-length-range', 0, 10]]) },
				file: { size: data.length, fileName: 'codes.csv', contentType: 'text/csv', open: stream(data) },
				itemIndex: 2,
			})
			.catch((caught) => caught);
		expect(error.message).toBe('The file is larger than the upload link allows (0 MB, at most 0 MB)');
		expect(error.description).toMatch(/^Nothing was sent\./);
		expect(error.context.itemIndex).toBe(2);
		expect(filesLog()).toHaveLength(0);
	});

	test('the body is sent with its Content-Length (the file store refuses chunked bodies) and a large file arrives whole', async () => {
		let received;
		const { url, fields } = sandbox.files.presignPost('ingestion/test/big.csv', 1800, (file) => (received = file.data));
		// 3 MB in 64 KB pieces, as n8n's binary store hands a file out.
		const piece = Buffer.alloc(64 * 1024, 'A');
		const pieces = 48;
		const open = async () => (async function* () { for (let k = 0; k < pieces; k++) yield piece; })();
		const result = await uploadToPresignedUrl.call(context, { url, fields, file: { size: piece.length * pieces, fileName: 'big.csv', contentType: 'text/csv', open } });
		expect(result.status).toBe(201);
		expect(received.length).toBe(piece.length * pieces);
		expect(received.every((byte) => byte === 65)).toBe(true);
	});

	test('a file shorter than its recorded size fails by name instead of leaving the file store waiting', async () => {
		const { url, fields } = sandbox.files.presignPost('ingestion/test/codes.csv', 1800, () => {});
		const data = Buffer.from('id\nABCDEFGH01\n');
		const error = await uploadToPresignedUrl
			.call(context, { url, fields, file: { size: data.length + 100, fileName: 'codes.csv', contentType: 'text/csv', open: stream(data) }, itemIndex: 1 })
			.catch((caught) => caught);
		expect(error.message).toMatch(/the file holds fewer bytes than its recorded size of 114/);
		expect(error.context.itemIndex).toBe(1);
	});
});

describe('records', () => {
	test('Get Record by key, from the list and Wait for Completion on a record started elsewhere', async () => {
		const key = await startUploadDirectly(ids('REC', 3));
		const got = await codeUpload({ operation: 'getRecord', record: record(key) });
		expect(got.items[0].json).toMatchObject({ key, type: 'code', ingestion_mode: 'api' });
		const fromList = await codeUpload({ operation: 'getRecord', record: { __rl: true, mode: 'list', value: key } });
		expect(fromList.items[0].json.key).toBe(key);
		const waited = await codeUpload({ operation: 'waitForCompletion', record: record(key), pollInterval: 1, timeout: 20 });
		expect(waited.items[0].json).toMatchObject({ key, status: 'completed', result_data: { codes_created: 3 } });
	});

	test('Get Record shows a failed record as data; Wait for Completion fails with its reasons', async () => {
		const existing = sandbox.state.codes[1].extended_id;
		const key = await startUploadDirectly([existing]);
		const waited = await codeUpload({ operation: 'waitForCompletion', record: record(key), pollInterval: 1, timeout: 20 });
		expect(waited.error.message).toBe(`Code upload ${key} failed: duplicate_id_error: ${existing}`);
		const got = await codeUpload({ operation: 'getRecord', record: record(key) });
		expect(got.error).toBeUndefined();
		expect(got.items[0].json.status).toBe('error');
	});

	test('an unknown key is a 404 naming the item; a key with a slash is refused before any request', async () => {
		const missing = await codeUpload({ operation: 'getRecord', record: record('nosuchrecordkey00000') });
		expect(missing.error.httpCode).toBe('404');
		expect(missing.error.context.itemIndex).toBe(0);
		sandbox.clearLog();
		const bad = await codeUpload({ operation: 'getRecord', record: record('../me') });
		expect(bad.error.message).toMatch(/"Record" is not a record key/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('Get Many Records: Return All over more than one page, filters, Limit', async () => {
		for (let n = 0; n < 104; n++) await startUploadDirectly([`MANY-${String(n).padStart(5, '0')}`]);
		const failedKey = await startUploadDirectly([sandbox.state.codes[2].extended_id]);
		// Wait for the sandbox's background check to fail that upload (a state, not a time).
		const failedRecord = () => sandbox.state.ingestions.find((r) => r.key === failedKey);
		while (failedRecord().status !== 'error') await new Promise((resolve) => setTimeout(resolve, 20));
		sandbox.clearLog();

		const all = await codeUpload({ operation: 'getManyRecords', returnAll: true, filters: {} });
		expect(all.items).toHaveLength(105);
		expect(new Set(all.items.map((i) => i.json.key)).size).toBe(105);
		expect(apiRequests(sandbox, 'GET', '/ingestion/')).toHaveLength(2);

		const failed = await codeUpload({ operation: 'getManyRecords', returnAll: true, filters: { status: 'error', ingestion_mode: 'api', type: 'code' } });
		expect(failed.items.map((i) => i.json.key)).toEqual([failedKey]);
		const files = await codeUpload({ operation: 'getManyRecords', returnAll: true, filters: { ingestion_mode: 'file' } });
		expect(files.items).toHaveLength(0);

		sandbox.clearLog();
		const limited = await codeUpload({ operation: 'getManyRecords', returnAll: false, limit: 10, filters: {} });
		expect(limited.items).toHaveLength(10);
		const requests = apiRequests(sandbox, 'GET', '/ingestion/');
		expect(requests).toHaveLength(1);
		expect(requests[0].query).toMatchObject({ limit: '10' });
	});

	test('a token without ingestion_view: 403 naming it', async () => {
		const token = sandbox.createToken(['workorder_view']);
		const { error } = await codeUpload({ operation: 'getManyRecords', returnAll: true, filters: {} }, { token });
		expect(error.httpCode).toBe('403');
		expect(error.description).toMatch(/ingestion_view/);
	});
});

describe('Return All while records are added (an offset list)', () => {
	const { getLive, returnAllWhileInserting } = useInsertingSandbox();

	/** A completed API-mode record, as an upload started elsewhere leaves it. */
	const storedRecord = (live, key, createdAt) => ({
		id: live.state.nextIds.ingestion++,
		key,
		description: '',
		action: 'add-sids',
		mode: 'api',
		status: 'completed',
		created_at: createdAt,
		created_by: live.state.users[0].id,
		status_updated_at: createdAt,
		template: null,
		parameters: { action: 'add-sids', default_scm_data: {}, use_serial_number: true, id_format: 'default' },
		result_data: { codes_created: 1 },
		uploaded_file: null,
		codes: [],
		file: null,
	});

	test('a record started before the current page does not come twice: repeats are dropped by key', async () => {
		const live = getLive();
		live.reset();
		// Enough records for three pages of 100 (the sandbox seeds none).
		const now = Date.now();
		for (let n = 0; n < 250; n++) live.state.ingestions.push(storedRecord(live, `bulkrecord${String(n).padStart(10, '0')}`, now - (n + 1) * 60_000));
		const before = live.state.ingestions.map((r) => r.key);
		const { error, keys, pages } = await returnAllWhileInserting({
			pathEnd: '/ingestion/',
			key: 'key',
			// Newest first (the list's default order): a new record goes to the front.
			insert: (n) => live.state.ingestions.push(storedRecord(live, `insertedrecord${String(n).padStart(6, '0')}`, now + n * 1000)),
			run: () =>
				runNode({
					type: 'scantrustCodeUpload',
					parameters: { operation: 'getManyRecords', returnAll: true, filters: {} },
					credentials: sandboxCredential(live),
				}),
		});
		expect(error).toBeUndefined();
		expect(new Set(keys).size).toBe(keys.length);
		// Every record that existed before the read is there, and (no key twice) once: the inserted
		// ones made the last record of pages 1 and 2 come again, which is dropped.
		expect(keys).toEqual(expect.arrayContaining(before));
		expect(pages).toBeGreaterThanOrEqual(3);
	});
});
