'use strict';
/**
 * Every binary operation inside a real n8n, once per binary-data mode (issue 14): the suite is
 * registered by `binary-filesystem.e2e.js` (N8N_DEFAULT_BINARY_DATA_MODE=filesystem, n8n 2.x's
 * default and the only local mode of n8n 3.0) and `binary-memory.e2e.js` (`default`: n8n keeps
 * files in memory, removed in 3.0). Each test builds a small workflow (Manual Trigger → our node
 * → Read/Write Files from Disk), runs it, and checks the file n8n wrote against the sandbox:
 * Code → Export (a 50,000-row export, streamed), Work Order → Download Codes (the zip), Code
 * Upload in file mode (a file read from disk), Scan → Get Many → JSON Lines.
 */
const fs = require('fs');
const { useExampleEnv, nodeItems, recordTiming, expectSuccess, unzip, sandboxGetAll } = require('./examples-support.js');
const { csvRecords } = require('./smtp.js');

const trigger = { id: 't', name: 'Run by hand', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const scantrust = (name, type, parameters) => ({
	id: name.replace(/\W/g, ''),
	name,
	type: `n8n-nodes-scantrust.${type}`,
	typeVersion: 1,
	position: [220, 0],
	parameters,
	credentials: { scantrustApi: { id: 'x', name: 'x' } },
});
const chain = (nodes) =>
	Object.fromEntries(nodes.slice(0, -1).map((n, i) => [n.name, { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] }]));

/** @param {'filesystem' | 'default'} mode */
function binarySuite(mode) {
	const env = useExampleEnv({ label: `binary-${mode}`, n8nEnv: { N8N_DEFAULT_BINARY_DATA_MODE: mode } });
	let counter = 0;

	const saveFile = (dir) => ({
		id: 'save',
		name: 'Save file',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position: [440, 0],
		parameters: { operation: 'write', fileName: `=${dir}/{{ $binary.data.fileName }}`, options: {} },
	});
	async function run(label, nodes) {
		const wf = { id: `bin${mode === 'filesystem' ? 'fs' : 'mem'}${++counter}`.padEnd(16, '0'), name: `binary ${mode} ${label}`, nodes: [trigger, ...nodes], connections: chain([trigger, ...nodes]), settings: {} };
		await env.deploy(wf);
		const result = await env.runExample(wf.id);
		recordTiming(`${label} (${mode})`, result);
		expectSuccess(result.ex);
		return result.ex;
	}
	/** The binary as n8n recorded it: in its store (an id) in filesystem mode, inline in memory mode. */
	function expectStoredAs(binary) {
		if (mode === 'filesystem') {
			expect(binary.id).toMatch(/^filesystem(-v2)?:/);
		} else {
			expect(binary.id).toBeUndefined();
			expect(typeof binary.data).toBe('string');
		}
	}

	test('Code → Export: a 50,000-row export streams to the file written to disk, byte for byte', async () => {
		env.sandbox.setOptions({ exportRows: 50_000 });
		try {
			const ex = await run('code export', [scantrust('Export codes', 'scantrustCode', { operation: 'export', filters: {}, options: { pollInterval: 1 } }), saveFile(env.filesDir)]);
			const [item] = nodeItems(ex, 'Export codes');
			expectStoredAs(item.binary.data);
			expect(item.binary.data).toMatchObject({ mimeType: 'text/csv', fileName: `scantrust-codes-${item.json.key}.csv` });
			const text = fs.readFileSync(env.file(item.binary.data.fileName), 'utf8');
			const lines = text.split('\r\n');
			expect(lines[0]).toMatch(/^extended_id,serial_number,/);
			expect(lines).toHaveLength(50_000 + 2);
			expect(lines[50_000]).toMatch(/^SYN000049999,/);
			expect(item.json.row_count).toBe(50_000);
		} finally {
			env.sandbox.setOptions({ exportRows: 0 });
		}
		// The token never went to the file store.
		const downloads = env.sandbox.log.filter((e) => e.origin === 'files' && e.method === 'GET');
		expect(downloads.length).toBeGreaterThan(0);
		expect(downloads.every((e) => !e.authorizationHeaderSeen)).toBe(true);
	});

	test('Work Order → Download Codes: the zip written to disk holds the work order’s codes', async () => {
		const workOrder = env.sandbox.state.workorders.find((w) => w.state === 'completed');
		const ex = await run('download codes', [
			scantrust('Download codes', 'scantrustWorkOrder', { operation: 'downloadCodes', workOrder: { __rl: true, mode: 'id', value: String(workOrder.id) }, binaryPropertyName: 'data', waitForCompletion: false }),
			saveFile(env.filesDir),
		]);
		const [item] = nodeItems(ex, 'Download codes');
		expectStoredAs(item.binary.data);
		expect(item.json.codegen_file).toBeUndefined();
		const zip = fs.readFileSync(env.file(item.binary.data.fileName));
		expect(item.json.fileSize).toBe(zip.length);
		const rows = csvRecords(unzip(zip)['codes.csv'].toString('utf8'));
		const codes = env.sandbox.state.codes.filter((c) => c.workorder === workOrder.id);
		expect(rows.map((r) => r.extended_id).sort()).toEqual(codes.map((c) => c.extended_id).sort());
	});

	test('Code Upload, file mode: a CSV file read from disk is streamed to the file store and processed', async () => {
		const stamp = `${mode === 'filesystem' ? 'F' : 'M'}${Date.now().toString(36).toUpperCase()}`;
		const ids = Array.from({ length: 5000 }, (_, i) => `BIN-${stamp}-${String(i).padStart(5, '0')}`);
		fs.writeFileSync(env.file('binary-codes.csv'), `id,lot_number\n${ids.map((id) => `${id},LOT-${stamp}`).join('\n')}\n`);
		const ex = await run('code upload', [
			{ id: 'read', name: 'Read codes', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1.1, position: [220, 0], parameters: { operation: 'read', fileSelector: env.file('binary-codes.csv'), options: {} } },
			{ ...scantrust('Upload codes', 'scantrustCodeUpload', { operation: 'addSids', source: 'file', binaryPropertyName: 'data', fileType: 'auto', options: {}, waitForCompletion: true, pollInterval: 1 }), position: [440, 0] },
		]);
		const [item] = nodeItems(ex, 'Upload codes');
		expect(item.json).toMatchObject({ status: 'completed', ingestion_mode: 'file' });
		const stored = env.sandbox.state.ingestions.find((r) => r.key === item.json.key);
		expect(stored.file.data.toString('utf8')).toBe(fs.readFileSync(env.file('binary-codes.csv'), 'utf8'));
		expect(item.json.result_data).toMatchObject({ codes_created: 5000 });
		for (const id of [ids[0], ids[4999]]) expect(env.sandbox.state.codeByExt.get(id)).toBeDefined();
		const posts = env.sandbox.log.filter((e) => e.origin === 'files' && e.method === 'POST' && e.status === 201);
		expect(posts.length).toBeGreaterThan(0);
		expect(posts.every((e) => !e.authorizationHeaderSeen)).toBe(true);
	});

	test('Scan → Get Many → JSON Lines: the file written to disk holds every scan of the export, in order', async () => {
		const ex = await run('scans to JSON Lines', [
			scantrust('Export scans', 'scantrustScan', { operation: 'getMany', returnAll: true, timeRange: '1y', outputAs: 'jsonLines' }),
			saveFile(env.filesDir),
		]);
		const [item] = nodeItems(ex, 'Export scans');
		expectStoredAs(item.binary.data);
		expect(item.binary.data.mimeType).toBe('application/x-ndjson');
		const lines = fs.readFileSync(env.file(item.binary.data.fileName), 'utf8').split('\n').slice(0, -1).map((l) => JSON.parse(l));
		const expected = await sandboxGetAll(env.sandbox, '/api/v2/dashboard/scans/?page_mode=cursor&timeframe=1y&page_size=1000');
		expect(lines.length).toBe(expected.length);
		expect(item.json.scans).toBe(expected.length);
		expect(lines.map((l) => l.scan.uuid)).toEqual(expected.map((s) => s.scan.uuid));
		expect(lines[0]).toEqual(expected[0]);
	});
}

module.exports = { binarySuite };
