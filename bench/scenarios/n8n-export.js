// 2. Inside a real n8n: the same export as a workflow with the Scan node, and as a workflow with
// n8n's HTTP Request node (our credential as its predefined credential type, pagination
// "Response Contains Next URL") followed by a Split Out on `results`, so both end with one
// item per scan. Each round runs `n8n execute` of both (alternating); the wall is the CLI
// process's, from spawn to exit, with nothing subtracted. Uses the e2e helper test/e2e/n8n.js
// (pack, install into a throwaway n8n user folder, import, execute).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startSandboxProcess, summarizeLog, arrivedAt, answeredAt } = require('../lib/sandbox');
const { median, round } = require('../lib/stats');

const ROOT = path.resolve(__dirname, '..', '..');
const CREDENTIAL = { id: 'benchScantrustCred1', name: 'Scantrust (bench sandbox)' };

/** Whether the n8n runtime is installed, without installing it. */
function runtimeInstalled() {
	const { runtimeDir } = require(path.join(ROOT, 'scripts', 'n8n-runtime.js'));
	return fs.existsSync(path.join(runtimeDir(), '.complete.json'));
}

function e2eHelper() {
	const file = path.join(ROOT, 'test', 'e2e', 'n8n.js');
	if (!fs.existsSync(file)) throw new Error('test/e2e/n8n.js (the e2e helper) is missing');
	return require(file);
}

const manualTrigger = { id: 'b0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const chain = (...names) =>
	Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

function workflows(e2e, sandbox, pageSize) {
	const credentials = { scantrustApi: CREDENTIAL };
	const scanNode = {
		id: 'bench-scan-node-wf',
		name: 'Bench: export with the Scantrust Scan node',
		active: false,
		settings: {},
		nodes: [
			manualTrigger,
			{
				id: 'b0000000-0000-4000-8000-000000000002',
				name: 'Scantrust Scan',
				type: e2e.nodeType('scantrustScan'),
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'getMany', returnAll: true, timeRange: '1y' },
				credentials,
			},
		],
		connections: chain('Start', 'Scantrust Scan'),
	};
	const query = new URLSearchParams({ page_mode: 'cursor', timeframe: '1y', page_size: String(pageSize) });
	const httpRequest = {
		id: 'bench-http-request-wf',
		name: 'Bench: export with the HTTP Request node',
		active: false,
		settings: {},
		nodes: [
			manualTrigger,
			{
				id: 'b0000000-0000-4000-8000-000000000003',
				name: 'HTTP Request',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.5,
				position: [220, 0],
				parameters: {
					url: `${sandbox.baseUrl}/api/v2/dashboard/scans/?${query}`,
					authentication: 'predefinedCredentialType',
					nodeCredentialType: 'scantrustApi',
					options: {
						pagination: {
							pagination: {
								paginationMode: 'responseContainsNextURL',
								nextURL: '={{ $response.body.next }}',
								paginationCompleteWhen: 'other',
								completeExpression: '={{ !$response.body.next }}',
							},
						},
					},
				},
				credentials,
			},
			{
				id: 'b0000000-0000-4000-8000-000000000004',
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [440, 0],
				parameters: { fieldToSplitOut: 'results', options: {} },
			},
		],
		connections: chain('Start', 'HTTP Request', 'Split Out'),
	};
	const startOnly = { id: 'bench-start-only-wf', name: 'Bench: Manual Trigger only', active: false, settings: {}, nodes: [manualTrigger], connections: {} };
	return { scanNode, httpRequest, startOnly };
}

const LAST_NODE = { scanNode: 'Scantrust Scan', httpRequest: 'Split Out' };

async function n8nExport(ctx) {
	const { scans, rounds } = ctx.sizes.n8nExport;
	if (!ctx.install && !runtimeInstalled()) return { skipped: 'the n8n runtime is not installed (run without --no-install)' };
	const e2e = e2eHelper();
	e2e.getRuntime(); // installs Node 24 + n8n on first use (about 3 minutes), cached outside the checkout
	const pages = Math.max(1, Math.ceil(scans / ctx.scanPageSize));
	const sandbox = await startSandboxProcess({ scanCount: scans, latencyMs: ctx.latencyMs });
	let n8n;
	try {
		const tgz = e2e.packPackage();
		n8n = await e2e.createN8n({ tgz });
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'scantrustApi', data: { environment: 'custom', baseUrl: sandbox.baseUrl, token: sandbox.tokens.full } },
		]);
		const flows = workflows(e2e, sandbox, ctx.scanPageSize);
		await n8n.importWorkflows([flows.scanNode, flows.httpRequest, flows.startOnly]);

		const execute = async (key) => {
			const since = await sandbox.seq();
			const result = await n8n.execute(flows[key].id, { timeoutMs: 30 * 60_000 });
			const requests = (await sandbox.log(since)).filter((e) => e.path.includes('/dashboard/scans/'));
			const log = summarizeLog(requests);
			// crashedAtExit: n8n's known SIGSEGV while exiting, after the run finished and was stored.
			if ((result.exitCode !== 0 && !result.crashedAtExit) || result.error) {
				const why = result.error ? JSON.stringify(result.error).slice(0, 2000) : String(result.stderr).slice(-2000);
				throw new Error(`n8n execute of ${key} failed (exit ${result.exitCode}): ${why}`);
			}
			let items;
			if (key !== 'startOnly') {
				// Every page fetched, all answered 200: the export ran to its end. The Scan node reads
				// the range in time windows, so it asks at least once per page (and once per window).
				const enough = key === 'scanNode' ? log.requests >= pages : log.requests === pages;
				if (!enough || requests.some((e) => e.status !== 200)) {
					throw new Error(`${key}: ${log.requests} export requests (${pages} expected), statuses ${[...new Set(requests.map((e) => e.status))]}`);
				}
				// The run as printed, or read from n8n's database when the print was cut off.
				if (result.run) {
					items = e2e.nodeOutput(result.run, LAST_NODE[key]).length;
					if (items !== scans) throw new Error(`${key} workflow put out ${items} of ${scans} scans`);
				}
			}
			// The export phase as the sandbox saw it: first request in to last answer out. Reported
			// beside the wall (which also holds n8n's start-up and the saving of the run).
			const exportMs = requests.length
				? Math.max(...requests.map(answeredAt)) - Math.min(...requests.map(arrivedAt))
				: 0;
			return { wallMs: result.durationMs, exportMs, items, crashedAtExit: Boolean(result.crashedAtExit), ...log };
		};

		const samples = { scanNode: [], httpRequest: [] };
		for (let r = 0; r < rounds; r++) {
			const order = r % 2 ? ['httpRequest', 'scanNode'] : ['scanNode', 'httpRequest'];
			for (const key of order) {
				const sample = await execute(key);
				samples[key].push(sample);
				ctx.log(`  round ${r + 1}/${rounds} ${key}: n8n execute ${Math.round(sample.wallMs)} ms (export phase ${Math.round(sample.exportMs)} ms), ${sample.requests} requests`);
			}
		}
		// What every `n8n execute` costs before any node runs (start-up, database, shut-down).
		const startOnly = ctx.small ? undefined : await execute('startOnly');
		if (startOnly) ctx.log(`  start-up reference (Manual Trigger only): ${Math.round(startOnly.wallMs)} ms`);

		const summary = (list) => ({
			wallMs: round(median(list.map((s) => s.wallMs))),
			exportPhaseMs: round(median(list.map((s) => s.exportMs))),
			requests: median(list.map((s) => s.requests)),
			throttled: Math.max(...list.map((s) => s.throttled)),
			itemsChecked: list.every((s) => s.items !== undefined),
			crashedAtExit: list.filter((s) => s.crashedAtExit).length,
			samplesMs: list.map((s) => round(s.wallMs)),
		});
		const ours = summary(samples.scanNode);
		const theirs = summary(samples.httpRequest);
		const ratios = samples.scanNode.map((s, i) => s.wallMs / samples.httpRequest[i].wallMs);
		const exportRatios = samples.scanNode.map((s, i) => s.exportMs / samples.httpRequest[i].exportMs);
		return {
			scans,
			rounds,
			n8nVersion: e2e.getRuntime().n8nVersion,
			wallRatio: round(median(ratios), 3),
			ratios: ratios.map((x) => round(x, 3)),
			exportPhaseRatio: round(median(exportRatios), 3),
			...(startOnly ? { startupWallMs: round(startOnly.wallMs) } : {}),
			scanNode: ours,
			httpRequest: theirs,
		};
	} finally {
		await n8n?.cleanup();
		await sandbox.close();
	}
}

module.exports = { n8nExport, runtimeInstalled, workflows };
