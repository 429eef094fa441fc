#!/usr/bin/env node
// `npm run bench`: the performance suite against the sandbox (docs/performance.md).
//
//   node bench/run.js                     every scenario, full size (about 20 minutes)
//   node bench/run.js --small             tiny sizes, one round: the CI smoke run (no timing claims)
//   node bench/run.js --small --parallel  ...with the scenarios at the same time (faster, unfair: smoke only)
//   node bench/run.js --only scanExport,storm
//   node bench/run.js --rounds 5 --latency 20 --out /tmp/bench.json
//   node bench/run.js --cpu-prof /tmp/prof  a .cpuprofile of each variant's measured section
//   --skip n8nExport                      leave a scenario out
//   --only scanLatency --page-latency 200  the slow-server scenario at one server time per page (ms;
//                                          a comma list for several; default 20,200,500)
//
// Environment: BENCH_LATENCY_MS, BENCH_ROUNDS. On a fresh clone it installs the dev dependencies
// and builds dist/ first; scenario 2 needs the n8n runtime (scripts/n8n-runtime.js; installed on
// first use unless --no-install), and so does scmCareful.
// The sandbox runs in its own process, every measured variant in another, so CPU time and
// peak memory are each variant's own. Ratios compare variants measured in this run.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const { machine } = require('./lib/stats');
const { setProfileDir } = require('./lib/variant');
const { renderTable, targets } = require('./lib/report');

const ROOT = path.resolve(__dirname, '..');
const SCENARIOS = ['scanExport', 'n8nExport', 'scmBulk', 'scmCareful', 'storm', 'triggerIdle', 'growth', 'memory', 'scanLatency'];

function parseArgs(argv) {
	const args = { small: false, parallel: false, only: null, skip: [], rounds: undefined, latencyMs: undefined, out: undefined, cpuProf: undefined, install: true };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
			if (v === undefined) throw new Error(`${arg} needs a value`);
			return v;
		};
		const name = arg.split('=')[0];
		if (name === '--small') args.small = true;
		else if (name === '--parallel') args.parallel = true;
		else if (name === '--only') args.only = value().split(',').filter(Boolean);
		else if (name === '--skip') args.skip.push(...value().split(',').filter(Boolean));
		else if (name === '--rounds') args.rounds = Number(value());
		else if (name === '--latency') args.latencyMs = Number(value());
		else if (name === '--page-latency') args.pageLatencies = value().split(',').filter(Boolean).map(Number);
		else if (name === '--out') args.out = value();
		else if (name === '--cpu-prof') args.cpuProf = value();
		else if (name === '--no-install') args.install = false;
		else if (name === '--help' || name === '-h') args.help = true;
		else throw new Error(`unknown option ${arg}`);
	}
	for (const s of [...(args.only ?? []), ...args.skip]) {
		if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (one of ${SCENARIOS.join(', ')})`);
	}
	return args;
}

function sizes(small, rounds) {
	if (small) {
		const r = rounds ?? 1;
		return {
			scanExport: { scans: 2000, rounds: r },
			n8nExport: { scans: 2000, rounds: r },
			scmBulk: { codes: 10, largeCodes: 150, rounds: r, baselineRounds: 1 },
			scmCareful: { codes: 20, conditions: ['calm'] },
			storm: { scans: 12000, rounds: r },
			triggerIdle: { newScans: 1500, idlePolls: 2 },
			growth: { scans: [1000, 2000, 3000], rounds: 1 },
			memory: { exportRows: 20_000, uploadBytes: 2_000_000, scans: 10_000, itemsBeside: [1000, 3000] },
			scanLatency: { scans: 3000, latencies: [{ latencyMs: 20, rounds: 1 }, { latencyMs: 200, rounds: 1 }] },
		};
	}
	const r = rounds ?? 3;
	return {
		// The closest comparisons (ratios near their targets) get more rounds against the noise of
		// a shared machine; an n8nExport round is two `n8n execute` runs of 30 to 60 s each.
		scanExport: { scans: 100_000, rounds: rounds ?? 7 },
		n8nExport: { scans: 100_000, rounds: rounds ?? 5 },
		// The one-request-per-code baseline is paced by the clock (100 s per 1,000 codes): one round.
		scmBulk: { codes: 1000, largeCodes: 10_000, rounds: r, baselineRounds: 1 },
		// Inside n8n: one `n8n execute` per variant and condition (12 runs of about 10 s).
		scmCareful: { codes: 1000, conditions: ['calm', 'badRow', 'burst', 'burstFirst'] },
		storm: { scans: 100_000, rounds: rounds ?? 5 },
		triggerIdle: { newScans: 10_000, idlePolls: 5 },
		growth: { scans: [10_000, 100_000, 300_000], rounds: Math.min(r, 2) },
		// Big files (issue 14): a 2,000,000-row code export (about 240 MB of CSV), a 100 MB code
		// file, 1,000,000 scans to a JSON Lines file; each also at a tenth of its size.
		memory: { exportRows: 2_000_000, uploadBytes: 100_000_000, scans: 1_000_000, itemsBeside: [100_000, 300_000] },
		// Issue 11: server time per page. At 500 ms a loop round takes about 50 s; 20 ms is the close one.
		scanLatency: {
			scans: 100_000,
			latencies: [
				{ latencyMs: 20, rounds: rounds ?? 3 },
				{ latencyMs: 200, rounds: rounds ?? 2 },
				{ latencyMs: 500, rounds: rounds ?? 1 },
			],
		},
	};
}

/** A fresh clone: install the dev dependencies and build the package, as `npm test` does. */
function prepare(dist) {
	const { spawnSync } = require('node:child_process');
	const run = (args) => {
		process.stderr.write(`▶ npm ${args.join(' ')}\n`);
		const result = spawnSync('npm', args, { cwd: ROOT, stdio: ['ignore', 2, 2] });
		if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status ?? result.signal})`);
	};
	if (!fs.existsSync(path.join(ROOT, 'node_modules', 'n8n-core'))) run(['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
	if (!fs.existsSync(dist)) run(['run', '--silent', 'build']);
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		const header = fs.readFileSync(__filename, 'utf8').split('\n').slice(1);
		const end = header.findIndex((line) => !line.startsWith('//'));
		process.stdout.write(`${header.slice(0, end).map((l) => l.replace(/^\/\/ ?/, '')).join('\n')}\n`);
		return;
	}
	const dist = path.join(ROOT, 'dist', 'nodes', 'shared', 'transport', 'constants.js');
	prepare(dist);
	const { SCAN_PAGE_SIZE } = require(dist);
	const { batchSizeOption } = require(path.join(ROOT, 'dist', 'nodes', 'shared', 'scmFields.js'));

	const latencyMs = args.latencyMs ?? Number(process.env.BENCH_LATENCY_MS ?? 20);
	const rounds = args.rounds ?? (process.env.BENCH_ROUNDS ? Number(process.env.BENCH_ROUNDS) : undefined);
	const out = path.resolve(args.out ?? path.join(ROOT, 'bench', 'results', 'latest.json'));
	if (args.cpuProf) setProfileDir(path.resolve(args.cpuProf));
	const scenarioSizes = sizes(args.small, rounds);
	if (args.pageLatencies) {
		if (args.pageLatencies.some((ms) => !Number.isFinite(ms) || ms < 0)) throw new Error('--page-latency takes milliseconds, e.g. 200 or 20,200,500');
		const known = new Map(scenarioSizes.scanLatency.latencies.map((l) => [l.latencyMs, l.rounds]));
		scenarioSizes.scanLatency.latencies = args.pageLatencies.map((latencyMs) => ({ latencyMs, rounds: known.get(latencyMs) ?? rounds ?? 1 }));
	}
	const selected = SCENARIOS.filter((s) => (!args.only || args.only.includes(s)) && !args.skip.includes(s));

	const log = (line) => process.stderr.write(`${line}\n`);
	const ctx = {
		small: args.small,
		latencyMs,
		scanPageSize: SCAN_PAGE_SIZE,
		scmBatchSize: batchSizeOption.default,
		sizes: scenarioSizes,
		install: args.install,
		log,
	};
	const results = {
		generatedAt: new Date().toISOString(),
		machine: machine(),
		settings: { small: args.small, latencyMs, scanPageSize: SCAN_PAGE_SIZE, scmBatchSize: ctx.scmBatchSize, sizes: ctx.sizes },
	};
	const modules = {
		scanExport: () => require('./scenarios/scan-export').scanExport,
		growth: () => require('./scenarios/scan-export').growth,
		n8nExport: () => require('./scenarios/n8n-export').n8nExport,
		scmBulk: () => require('./scenarios/scm-bulk').scmBulk,
		scmCareful: () => require('./scenarios/scm-careful').scmCareful,
		storm: () => require('./scenarios/storm').storm,
		triggerIdle: () => require('./scenarios/trigger-idle').triggerIdle,
		memory: () => require('./scenarios/memory').memory,
		scanLatency: () => require('./scenarios/scan-latency').scanLatency,
	};
	const started = Date.now();
	const runScenario = async (name) => {
		const t0 = Date.now();
		log(`▶ ${name}`);
		results[name] = await modules[name]()(ctx);
		log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
	};
	if (args.parallel) {
		// Smoke runs only: the scenarios compete for the machine, so their numbers mean nothing.
		results.settings.parallel = true;
		const outcomes = await Promise.allSettled(selected.map(runScenario));
		const failed = outcomes.find((o) => o.status === 'rejected');
		if (failed) throw failed.reason;
	} else {
		for (const name of selected) await runScenario(name);
	}
	results.durationS = Math.round((Date.now() - started) / 1000);
	// The load at the end too: on a shared machine it can change a lot during a run.
	results.machine.loadAverageAtEnd = require('node:os').loadavg().map((l) => Math.round(l * 100) / 100);
	results.targets = targets(results);
	fs.mkdirSync(path.dirname(out), { recursive: true });
	fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
	process.stdout.write(`${renderTable(results)}\n\nResults: ${path.relative(process.cwd(), out) || out}\n`);
}

main().catch((error) => {
	process.stderr.write(`bench failed: ${error && error.stack ? error.stack : error}\n`);
	process.exit(1);
});
