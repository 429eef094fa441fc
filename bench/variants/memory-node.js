// One big-file run of our node through n8n-core's WorkflowExecute (test/harness/n8n.js), with
// n8n's binary data in the filesystem store (n8n 2.x's default, the only store in n8n 3.0), for
// the memory scenario (bench/scenarios/memory.js). What grows is measured as peak RSS over the
// RSS after a warm-up run of the same operation: the idle baseline of a running n8n.
//
// Config: { baseUrl, token, kind: 'codeExport' | 'codeUpload' | 'scans', size, outputAs? }
//   codeExport: Code → Export of `size` rows (the sandbox's synthetic export, `exportRows`)
//   codeUpload: Code Upload → Add SIDs from the CSV file `file` of `size` bytes (file mode; the
//               parent writes it, so making it costs this process nothing)
//   scans:      Scan → Get Many, Return All, of the sandbox's `size` scans, as items or JSON Lines
'use strict';
const fs = require('node:fs');
const { config, main, measure } = require('./common');
const { runNode } = require('../../test/harness/n8n');

const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
const { BinaryDataService } = require('n8n-core');

const credentials = { scantrustApi: { environment: 'custom', baseUrl: config.baseUrl, token: config.token } };

async function sandboxConfig(options) {
	const response = await fetch(`${config.baseUrl}/__sandbox/config`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(options),
	});
	if (!response.ok) throw new Error(`sandbox config: ${response.status}`);
}

/** Size of a stored binary, read from the binary store (not from what the node says). */
async function storedBytes(binary) {
	if (!binary) throw new Error('the node put out no file');
	if (!binary.id) return Buffer.from(binary.data, 'base64').length;
	return fs.statSync(Container.get(BinaryDataService).getPath(binary.id)).size;
}

/** Puts the file into n8n's binary store as a previous node (Read/Write Files from Disk) would. */
async function binaryItem(file) {
	const binary = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'test-workflow', executionId: 'test-execution' },
		fs.createReadStream(file),
		{ mimeType: 'text/csv', fileName: 'codes.csv', fileExtension: 'csv', fileType: 'text', data: '' },
	);
	return [{ json: {}, binary: { data: binary } }];
}

const kinds = {
	async codeExport() {
		const run = () => runNode({ type: 'scantrustCode', parameters: { operation: 'export', filters: {}, options: { pollInterval: 1 } }, credentials });
		await sandboxConfig({ exportRows: 100 });
		const warm = await run();
		if (warm.error) throw warm.error;
		await sandboxConfig({ exportRows: config.size });
		await measure(async () => {
			const { items, error } = await run();
			if (error) throw error;
			return { bytes: await storedBytes(items[0]?.binary?.data) };
		});
	},
	async codeUpload() {
		const parameters = { operation: 'addSids', source: 'file', binaryPropertyName: 'data', fileType: 'auto', options: {}, waitForCompletion: false };
		const run = (input) => runNode({ type: 'scantrustCodeUpload', parameters, credentials, input });
		const warm = await run(await binaryItem(config.warmFile));
		if (warm.error) throw warm.error;
		const input = await binaryItem(config.file);
		await measure(async () => {
			const { items, error } = await run(input);
			if (error) throw error;
			return { bytes: config.size, record: items[0]?.json?.key };
		});
	},
	async scans() {
		const extra = {
			...(config.outputAs ? { outputAs: config.outputAs } : {}),
			// A diagnostic (BENCH_CONFIG only): the windows read side by side, else the node's default.
			...(config.parallelWindows ? { options: { parallelWindows: config.parallelWindows } } : {}),
		};
		const run = (parameters) => runNode({ type: 'scantrustScan', parameters: { operation: 'getMany', timeRange: '1y', ...extra, ...parameters }, credentials });
		const warm = await run({ returnAll: false, limit: 10 });
		if (warm.error) throw warm.error;
		await measure(async () => {
			const { items, error } = await run({ returnAll: true });
			if (error) throw error;
			if (config.outputAs === 'jsonLines') {
				const bytes = await storedBytes(items[0]?.binary?.data);
				return { scans: items[0].json.scans, bytes };
			}
			return { scans: items.length };
		});
	},
};

main(async () => {
	const kind = kinds[config.kind];
	if (!kind) throw new Error(`unknown kind ${config.kind}`);
	try {
		await kind();
	} finally {
		// The harness's binary store is a temp folder: hundreds of MB after a big run.
		const folder = Container.get(BinaryDataService).config.localStoragePath;
		if (folder && folder.includes('st-binary-')) fs.rmSync(folder, { recursive: true, force: true });
	}
});
