// 3b. Bulk SCM update inside a real n8n, against the baseline a careful user builds: a Code node
// that packs 100 (or 1,000) codes into each body, then an HTTP Request node (our credential as
// its predefined credential type) with Batching at 1 item per 100 ms, the documented 10 requests
// per second, and Retry On Fail (3 tries, 1.1 s apart: "more than the rate limit", as n8n's
// guide to rate limits says). Our workflow: the same codes into the SCM Data node (Update,
// defaults). Each runs calm, with one bad row (an empty code ID, a blank cell in the sheet), and
// through a 429 burst (the 3rd or the 1st request opens 1 s of 429s). What is counted, per run:
// - written: codes that carry the run's value afterwards (the sandbox's state);
// - reported updated: codes the run's output says were updated (ours: items with updated: true;
//   HTTP Request: the codes listed in the `items` of its 200 answers);
// - unaccounted: codes whose state differs from what the run says (written but not reported
//   as such, or the reverse); what a user would have to find out by hand;
// - requests and 429s from the sandbox's log, and how the run ended.
// Real n8n (the e2e helper, as scenario 2), not a plain HTTP imitation: what matters here is what
// n8n's HTTP Request node does with a failure (it sends every body, then fails the node, and
// Retry On Fail runs the whole node again), which an imitation would only assume.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSandboxProcess, summarizeLog } = require('../lib/sandbox');
const { runtimeInstalled } = require('./n8n-export');

const ROOT = path.resolve(__dirname, '..', '..');
const CREDENTIAL = { id: 'benchScmCred1', name: 'Scantrust (bench sandbox)' };
const SCM_PATH = '/scm/upload/';
// A 1-second 429 burst opened by the 3rd SCM request of the run (a body of 1,000 is one request,
// which this never reaches), or by the 1st (which reaches every variant).
const BURSTS = {
	burst: { nth: [3], durationMs: 1000, retryAfter: 1, path: SCM_PATH, method: 'POST' },
	burstFirst: { nth: [1], durationMs: 1000, retryAfter: 1, path: SCM_PATH, method: 'POST' },
};

const manualTrigger = { id: 'c0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
const chain = (...names) =>
	Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

/** The input rows as a Code node: one item per code, { ext, lot }. */
function codesNode(rows) {
	return {
		id: 'c0000000-0000-4000-8000-000000000002',
		name: 'Codes',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
		parameters: { jsCode: `return ${JSON.stringify(rows)}.map(([ext, lot]) => ({ json: { ext, lot } }));` },
	};
}

const LAST_NODE = { ours: 'Update SCM Data', packed100: 'HTTP Request', packed1000: 'HTTP Request' };

function workflow(e2e, variant, id, rows, sandbox) {
	const credentials = { scantrustApi: CREDENTIAL };
	const nodes = [manualTrigger, codesNode(rows)];
	if (variant === 'ours') {
		nodes.push({
			id: 'c0000000-0000-4000-8000-000000000003',
			name: 'Update SCM Data',
			type: e2e.nodeType('scantrustScmData'),
			typeVersion: 1,
			position: [440, 0],
			parameters: {
				operation: 'update',
				dataKey: 'extended_id',
				extendedId: '={{ $json.ext }}',
				mappingMode: 'defineBelow',
				fields: { field: [{ key: 'lot_number', value: '={{ $json.lot }}' }] },
				options: {},
			},
			credentials,
		});
		return { id, name: `Bench: SCM ${id}`, active: false, settings: {}, nodes, connections: chain('Start', 'Codes', 'Update SCM Data') };
	}
	const perBody = variant === 'packed100' ? 100 : 1000;
	nodes.push(
		{
			id: 'c0000000-0000-4000-8000-000000000004',
			name: 'Pack',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [440, 0],
			parameters: {
				jsCode: [
					`const perBody = ${perBody};`,
					'const rows = $input.all();',
					'const bodies = [];',
					'for (let i = 0; i < rows.length; i += perBody) {',
					"\tbodies.push({ json: { data_key: 'extended_id', items: rows.slice(i, i + perBody).map((r) => ({ extended_id: r.json.ext, lot_number: r.json.lot })) } });",
					'}',
					'return bodies;',
				].join('\n'),
			},
		},
		{
			id: 'c0000000-0000-4000-8000-000000000005',
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [660, 0],
			retryOnFail: true,
			maxTries: 3,
			waitBetweenTries: 1100,
			parameters: {
				method: 'POST',
				url: `${sandbox.baseUrl}/api/v2/scm/upload/`,
				authentication: 'predefinedCredentialType',
				nodeCredentialType: 'scantrustApi',
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify($json) }}',
				options: { batching: { batch: { batchSize: 1, batchInterval: 100 } } },
			},
			credentials,
		},
	);
	return { id, name: `Bench: SCM ${id}`, active: false, settings: {}, nodes, connections: chain('Start', 'Codes', 'Pack', 'HTTP Request') };
}

/** What the run's output says: codes reported updated. */
function reportedUpdated(e2e, variant, run) {
	const out = e2e.nodeOutput(run, LAST_NODE[variant]);
	if (variant === 'ours') return out.filter((json) => json.updated === true).length;
	return out.reduce((n, json) => n + Object.keys(json.items && typeof json.items === 'object' ? json.items : {}).length, 0);
}

async function scmCareful(ctx) {
	const { codes, conditions } = ctx.sizes.scmCareful;
	if (!ctx.install && !runtimeInstalled()) return { skipped: 'the n8n runtime is not installed (run without --no-install)' };
	const e2e = require(path.join(ROOT, 'test', 'e2e', 'n8n.js'));
	e2e.getRuntime();
	const codesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'st-bench-scm-')), 'codes.json');
	const sandbox = await startSandboxProcess({ latencyMs: ctx.latencyMs, scanCount: 100, codeCount: Math.ceil(codes * 2.9) + 1000, codesFile, codesCount: codes });
	let n8n;
	try {
		const exts = JSON.parse(fs.readFileSync(codesFile, 'utf8'));
		const badRow = Math.floor(codes * 0.437);
		const runs = [];
		const flows = [];
		for (const condition of conditions) {
			for (const variant of ['ours', 'packed100', 'packed1000']) {
				const id = `scm-${variant}-${condition}`.slice(0, 21);
				const lot = `CAREFUL-${variant}-${condition}`;
				const rows = exts.slice(0, codes).map((ext, i) => [condition === 'badRow' && i === badRow ? '' : ext, lot]);
				flows.push(workflow(e2e, variant, id, rows, sandbox));
				runs.push({ condition, variant, id, lot });
			}
		}
		n8n = await e2e.createN8n({ tgz: e2e.packPackage() });
		await n8n.importCredentials([
			{ ...CREDENTIAL, type: 'scantrustApi', data: { environment: 'custom', baseUrl: sandbox.baseUrl, token: sandbox.tokens.full } },
		]);
		await n8n.importWorkflows(flows);

		const results = {};
		for (const { condition, variant, id, lot } of runs) {
			// An empty throttle window for every run.
			await new Promise((resolve) => setTimeout(resolve, 1100));
			if (BURSTS[condition]) await sandbox.setFaults({ throttle: BURSTS[condition] });
			const since = await sandbox.seq();
			let result;
			try {
				result = await n8n.execute(id, { timeoutMs: 10 * 60_000 });
			} finally {
				if (BURSTS[condition]) await sandbox.clearFaults();
			}
			if (!result.run) throw new Error(`${id}: no run (exit ${result.exitCode}): ${String(result.output).slice(-2000)}`);
			const log = summarizeLog((await sandbox.log(since)).filter((e) => e.path.includes(SCM_PATH)));
			const written = await sandbox.codesWith('lot_number', lot);
			const reported = reportedUpdated(e2e, variant, result.run);
			const sample = {
				status: result.error ? 'failed' : 'succeeded',
				error: result.error ? String(result.error.message ?? '').slice(0, 160) : undefined,
				written,
				reportedUpdated: reported,
				unaccounted: Math.abs(written - reported),
				// Output items of the last node: one per code (paired with its input item) or one per body.
				outputItems: e2e.nodeOutput(result.run, LAST_NODE[variant]).length,
				requests: log.requests,
				throttled: log.throttled,
				wallMs: result.durationMs,
			};
			(results[condition] ??= {})[variant] = sample;
			ctx.log(`  ${condition} ${variant}: ${sample.status}, ${written} written, ${reported} reported updated, ${log.requests} requests (${log.throttled} × 429)${sample.error ? ` — ${sample.error}` : ''}`);
		}
		return { codes, badRowIndex: badRow, bursts: BURSTS, n8nVersion: e2e.getRuntime().n8nVersion, retry: { maxTries: 3, waitBetweenTriesMs: 1100 }, ...results };
	} finally {
		await n8n?.cleanup();
		await sandbox.close();
		fs.rmSync(path.dirname(codesFile), { recursive: true, force: true });
	}
}

module.exports = { scmCareful };
