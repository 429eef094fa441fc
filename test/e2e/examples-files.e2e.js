'use strict';
/**
 * The file-based examples inside a real n8n (server mode) against the sandbox: SCM data from a
 * CSV file, codes blacklisted from a file, own codes uploaded from a CSV file, and a new product
 * with a work order whose codes file is saved to disk. Each test checks n8n's output and the
 * sandbox's state afterwards.
 */
const fs = require('fs');
const {
	useExampleEnv,
	loadExample,
	setParameter,
	setAssignment,
	nodeOutput,
	nodeItems,
	recordTiming,
	expectSuccess,
	unzip,
} = require('./examples-support.js');
const { csvRecords } = require('./smtp.js');

const env = useExampleEnv({ label: 'examples-files' });

/** Active codes of one campaign that no other test here touches. */
function pickCodes(campaign, count, skip = 0) {
	return env.sandbox.state.codes
		.filter((c) => c.status === 1 && c.campaign === campaign)
		.slice(skip, skip + count);
}

test('SCM data from a CSV file: every row lands on its code; unknown codes leave by the false branch', async () => {
	const wf = loadExample('scm-data-from-csv.json');
	const codes = pickCodes(2207, 4);
	const rows = codes.map((c, i) => ({
		extended_id: c.extended_id,
		lot_number: `L2026-E2E-${i}`,
		production_date: `2026-03-0${i + 1}`,
	}));
	const csv =
		'extended_id,lot_number,production_date\r\n' +
		rows.map((r) => `${r.extended_id},${r.lot_number},${r.production_date}`).join('\r\n') +
		'\r\nNOSUCHCODE01,L2026-E2E-X,2026-03-09\r\n';
	fs.writeFileSync(env.file('scm-data.csv'), csv);
	setParameter(wf, 'Read scm-data.csv', 'fileSelector', env.file('scm-data.csv'));
	await env.deploy(wf);

	const run = await env.runExample(wf.id);
	recordTiming('scm-data-from-csv (5 rows)', run);
	expectSuccess(run.ex);

	const updated = nodeOutput(run.ex, 'Updated');
	expect(updated.map((o) => o.extended_id)).toEqual(codes.map((c) => c.extended_id));
	for (const o of updated) {
		expect(o).toMatchObject({ updated: true, codeFound: true, fieldsNotWritten: [] });
		expect([...o.fieldsWritten].sort()).toEqual(['lot_number', 'production_date']);
	}
	const unknown = nodeOutput(run.ex, 'Unknown codes');
	expect(unknown).toEqual([
		expect.objectContaining({ extended_id: 'NOSUCHCODE01', updated: false, codeFound: false }),
	]);
	// The codes really carry the new data.
	for (const r of rows) {
		const code = env.sandbox.state.codeByExt.get(r.extended_id);
		expect(code.scm).toMatchObject({
			lot_number: r.lot_number,
			production_date: r.production_date,
		});
	}
	// One batched request for the five rows.
	const uploads = env.sandbox.log.filter(
		(e) => e.origin === 'api' && e.path === '/api/v2/scm/upload/',
	);
	expect(uploads).toHaveLength(1);
});

test('blacklist the codes listed in a file: status blacklisted, reason Stolen', async () => {
	const wf = loadExample('blacklist-codes-from-file.json');
	const codes = pickCodes(2208, 3);
	fs.writeFileSync(
		env.file('codes-to-blacklist.csv'),
		`extended_id\n${codes.map((c) => c.extended_id).join('\n')}\n`,
	);
	setParameter(
		wf,
		'Read codes-to-blacklist.csv',
		'fileSelector',
		env.file('codes-to-blacklist.csv'),
	);
	await env.deploy(wf);

	const run = await env.runExample(wf.id);
	recordTiming('blacklist-codes-from-file (3 codes)', run);
	expectSuccess(run.ex);
	const out = nodeOutput(run.ex, 'Blacklist codes');
	expect(out).toHaveLength(3);
	for (const [i, o] of out.entries()) {
		expect(o).toMatchObject({ extended_id: codes[i].extended_id, updated: true, codeFound: true });
	}
	for (const c of codes) {
		const code = env.sandbox.state.codeByExt.get(c.extended_id);
		expect(code.status).toBe(2);
		expect(code.blacklist_reason).toBe(4);
	}
});

test('own codes uploaded from a CSV file: the record completes and the codes exist with product and SCM data', async () => {
	const wf = loadExample('upload-codes-from-csv.json');
	const product = env.sandbox.state.products.find(
		(p) => p.campaign === 2208 && !p.is_archived && !/GENERIC/.test(p.sku),
	);
	const stamp = Date.now().toString(36).toUpperCase();
	const ids = Array.from({ length: 6 }, (_, i) => `E2E-${stamp}-${String(i).padStart(3, '0')}`);
	fs.writeFileSync(
		env.file('codes.csv'),
		`id,lot_number\n${ids.map((id, i) => `${id},LOT-${i % 2}`).join('\n')}\n`,
	);
	setParameter(wf, 'Read codes.csv', 'fileSelector', env.file('codes.csv'));
	setParameter(wf, 'Upload codes', 'options.defaultScmData.fields', [
		{ key: 'product', value: product.sku },
	]);
	setParameter(wf, 'Upload codes', 'pollInterval', 1);
	await env.deploy(wf);

	const run = await env.runExample(wf.id);
	recordTiming('upload-codes-from-csv (6 codes, file mode)', run);
	expectSuccess(run.ex);
	const [record] = nodeOutput(run.ex, 'Upload codes');
	expect(record).toMatchObject({
		status: 'completed',
		ingestion_mode: 'file',
		description: 'Codes from codes.csv',
		result_data: expect.objectContaining({ codes_created: 6 }),
	});
	const workOrderId = record.result_data.workorder_id;
	expect(workOrderId).toEqual(expect.any(Number));
	// The sandbox's own record and codes.
	const stored = env.sandbox.state.ingestions.find((r) => r.key === record.key);
	expect(stored.status).toBe('completed');
	for (const [i, id] of ids.entries()) {
		const code = env.sandbox.state.codeByExt.get(id);
		expect(code).toBeDefined();
		expect(code.product).toBe(product.id);
		expect(code.workorder).toBe(workOrderId);
		expect(code.scm.lot_number).toBe(`LOT-${i % 2}`);
	}
	// The file went to the file store without the token.
	const fileStore = env.sandbox.log.filter((e) => e.origin === 'files' && e.method === 'POST');
	expect(fileStore.length).toBeGreaterThan(0);
	expect(fileStore.every((e) => !e.authorizationHeaderSeen)).toBe(true);
});

test('new product, work order, wait, codes file saved: product exists, work order completed, zip holds its codes', async () => {
	const wf = loadExample('new-product-work-order.json');
	const stamp = Date.now().toString(36).toUpperCase();
	const sku = `E2E-${stamp}`;
	const reference = `WO-E2E-${stamp}`;
	setAssignment(wf, 'Product and order', 'sku', sku);
	setAssignment(wf, 'Product and order', 'workOrderReference', reference);
	setAssignment(wf, 'Product and order', 'quantity', 25);
	setParameter(wf, 'Wait until the codes exist', 'pollInterval', 1);
	setParameter(wf, 'Save zip', 'fileName', `=${env.filesDir}/{{ $binary.data.fileName }}`);
	await env.deploy(wf);

	const run = await env.runExample(wf.id);
	recordTiming('new-product-work-order (25 codes)', run);
	expectSuccess(run.ex);

	const [product] = nodeOutput(run.ex, 'Create product');
	expect(product).toMatchObject({ sku, name: 'Extra virgin olive oil 1 l', brand: { id: 1115 } });
	const stored = env.sandbox.state.products.find((p) => p.sku === sku);
	expect(stored).toMatchObject({ id: product.id, brand: 1115 });

	const [created] = nodeOutput(run.ex, 'Create work order');
	expect(created).toMatchObject({ reference, quantity: 25, product: product.id });
	const [waited] = nodeOutput(run.ex, 'Wait until the codes exist');
	expect(waited).toMatchObject({ id: created.id, state: 'completed' });
	const workOrder = env.sandbox.state.workorders.find((w) => w.id === created.id);
	expect(workOrder).toMatchObject({ state: 'completed', quantity: 25, product: product.id });

	const [download] = nodeItems(run.ex, 'Download codes file');
	expect(download.json.codegen_file).toBeUndefined();
	expect(download.binary.data).toMatchObject({
		fileName: `${reference}.zip`,
		mimeType: 'application/zip',
	});

	// The zip on disk holds exactly the work order's codes.
	const zipPath = env.file(`${reference}.zip`);
	expect(fs.existsSync(zipPath)).toBe(true);
	const files = unzip(fs.readFileSync(zipPath));
	const rows = csvRecords(files['codes.csv'].toString('utf8'));
	const codes = env.sandbox.state.codes.filter((c) => c.workorder === created.id);
	expect(codes).toHaveLength(25);
	expect(codes.every((c) => c.product === product.id)).toBe(true);
	expect(rows.map((r) => r.extended_id).sort()).toEqual(codes.map((c) => c.extended_id).sort());
	expect(rows.map((r) => r.serial_number).sort()).toEqual(codes.map((c) => c.serial_number).sort());
});
