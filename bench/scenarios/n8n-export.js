// 2. Inside a real n8n: the same export as a workflow with the Scan node, and as a workflow with
// n8n's HTTP Request node (our credential as its predefined credential type, pagination
// "Response Contains Next URL") followed by a Split Out on `results`, so both end with one
// item per scan. Each round runs `n8n execute` of both (alternating); the wall is the CLI
// process's, from spawn to exit, with nothing subtracted. Uses the e2e helper test/e2e/n8n.js
// (pack, install into a throwaway n8n user folder, import, execute).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { startSandboxProcess, summarizeLog } = require('../lib/sandbox');
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
	return { scanNode, httpRequest };
}

async function n8nExport(ctx) {
	const { scans, rounds } = ctx.sizes.n8nExport;
	if (!ctx.install && !runtimeInstalled()) return { skipped: 'the n8n runtime is not installed (run without --no-install)' };
	const e2e = e2eHelper();
	e2e.getRuntime(); // installs Node 24 + n8n on first use (about 3 minutes), cached outside the checkout
	const sandbox = await startSandboxProcess({ scanCount: scans, latencyMs: ctx.latencyMs });
	let n8n;
	try {
		const tgz = e2e.packPackage();
		n8n = await e2e.createN8n({ tgz });
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'scantrustApi', data: { environment: 'custom', baseUrl: sandbox.baseUrl, token: sandbox.tokens.full } },
		]);
		const flows = workflows(e2e, sandbox, ctx.scanPageSize);
		await n8n.importWorkflows([flows.scanNode, flows.httpRequest]);
		const lastNode = { scanNode: 'Scantrust Scan', httpRequest: 'Split Out' };
		const samples = { scanNode: [], httpRequest: [] };
		for (let r = 0; r < rounds; r++) {
			const order = r % 2 ? ['httpRequest', 'scanNode'] : ['scanNode', 'httpRequest'];
			for (const key of order) {
				const since = await sandbox.seq();
				const result = await n8n.execute(flows[key].id, { timeoutMs: 30 * 60_000 });
				if (result.exitCode !== 0 || result.error || !result.run) {
					throw new Error(`n8n execute of ${key} failed (${result.exitCode}): ${result.error?.message ?? ''}\n${String(result.output).slice(-3000)}`);
				}
				const items = e2e.nodeOutput(result.run, lastNode[key]).length;
				if (items !== scans) throw new Error(`${key} workflow put out ${items} of ${scans} scans`);
				const task = result.run.data.resultData.runData[lastNode[key]][0];
				const log = summarizeLog((await sandbox.log(since)).filter((e) => e.path.includes('/dashboard/scans/')));
				const sample = { wallMs: result.durationMs, runMs: runMs(result.run), lastNodeMs: task.executionTime, items, ...log };
				samples[key].push(sample);
				ctx.log(`  round ${r + 1}/${rounds} ${key}: n8n execute ${Math.round(sample.wallMs)} ms (execution ${Math.round(sample.runMs)} ms), ${log.requests} requests`);
			}
		}
		const summary = (list) => ({
			wallMs: round(median(list.map((s) => s.wallMs))),
			executionMs: round(median(list.map((s) => s.runMs))),
			requests: median(list.map((s) => s.requests)),
			throttled: Math.max(...list.map((s) => s.throttled)),
			samplesMs: list.map((s) => round(s.wallMs)),
		});
		const ours = summary(samples.scanNode);
		const theirs = summary(samples.httpRequest);
		return {
			scans,
			rounds,
			n8nVersion: e2e.getRuntime().n8nVersion,
			wallRatio: round(ours.wallMs / theirs.wallMs, 3),
			executionRatio: round(ours.executionMs / theirs.executionMs, 3),
			scanNode: ours,
			httpRequest: theirs,
		};
	} finally {
		await n8n?.cleanup();
		await sandbox.close();
	}
}

/** The execution's own time (n8n's startedAt → stoppedAt), without the CLI's start-up. */
function runMs(run) {
	const started = Date.parse(run.startedAt);
	const stopped = Date.parse(run.stoppedAt);
	return Number.isFinite(started) && Number.isFinite(stopped) ? stopped - started : NaN;
}

module.exports = { n8nExport, runtimeInstalled };
