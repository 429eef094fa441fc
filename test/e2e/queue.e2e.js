'use strict';

/**
 * n8n in queue mode: Redis, PostgreSQL (n8n only warns that SQLite is "not officially
 * supported" in scaling mode; every process shares one database, so the test uses what queue-mode
 * users run), one main instance (`EXECUTIONS_MODE=queue`, manual executions offloaded to the
 * workers too) and two `n8n worker` processes, all started and stopped by this file. The core
 * workflows (product create, SCM update, scan export) and the New Scan trigger (polls on the main
 * instance, executions on the workers, a main restart in the middle) must give the same results
 * as in a single process: nothing in the package may assume one process.
 *
 * Redis and PostgreSQL come from Debian's packages (installed with apt-get when missing).
 * E2E_VERBOSE=1 prints the figures; E2E_N8N_VERBOSE=1 echoes the n8n logs.
 */
const { startSandbox } = require('../../sandbox');
const { createN8n, packPackage } = require('./n8n.js');
const { startRedis, startPostgres } = require('./lib/services.js');
const {
	sandboxCredentialData,
	runCoreWorkflows,
	runTriggerScenario,
	triggerSummary,
	executionsByWorker,
} = require('./lib/scenarios.js');

jest.setTimeout(600000);

const verbose = process.env.E2E_VERBOSE === '1';
const log = (s) => verbose && process.stderr.write(`[queue] ${s}\n`);

let sandbox;
let redis;
let pg;
let n8n;
let credId;
const timings = {};

beforeAll(async () => {
	let t = Date.now();
	sandbox = await startSandbox({ seed: 12, scanCount: 1500, codeCount: 1500, jobDelayMs: 200 });
	[redis, pg] = await Promise.all([startRedis(), startPostgres()]);
	timings.services = Date.now() - t;
	t = Date.now();
	n8n = await createN8n({
		tgz: packPackage(),
		// The pre-migrated template is SQLite; this instance lives in PostgreSQL.
		useTemplate: false,
		env: {
			...pg.env,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		},
	});
	await n8n.start({ timeoutMs: 300000 });
	timings.main = Date.now() - t;
	t = Date.now();
	await Promise.all([
		n8n.startWorker({ name: 'worker1', timeoutMs: 300000 }),
		n8n.startWorker({ name: 'worker2', timeoutMs: 300000 }),
	]);
	timings.workers = Date.now() - t;
	await n8n.setupOwnerAndApiKey();
	credId = await n8n.createCredential({
		name: 'Scantrust sandbox',
		type: 'scantrustApi',
		data: sandboxCredentialData(sandbox),
	});
	log(`set-up: ${JSON.stringify(timings)}`);
});

afterAll(async () => {
	// Everything started here is stopped, also when a test or the set-up failed.
	const results = await Promise.allSettled([n8n?.cleanup()]);
	await Promise.allSettled([redis?.stop(), pg?.stop(), sandbox?.close()]);
	for (const r of results) if (r.status === 'rejected') throw r.reason;
});

const workers = () => [...n8n.workers];

test('core workflows run on the workers with the results of a single process', async () => {
	// 5 codes per SCM request: 30 requests per update, two updates at once on two workers.
	const r = await runCoreWorkflows({ n8n, sandbox, credId, scmBatchSize: 5 });
	const byWorker = executionsByWorker(workers());
	log(`core workflows: ${JSON.stringify({ wallMs: r.wallMs, byWorker, scmRequests: r.scmRequests })}`);
	log(JSON.stringify({ products: r.products.map((p) => p.inSandbox), scm: r.scm, exports: r.exports }));

	expect(r.executions.map((e) => e.status)).toEqual(r.executions.map(() => 'success'));
	for (const p of r.products) {
		expect(p.output).toHaveLength(1);
		expect(p.output[0].sku).toBe(`E2E-${p.executionId}`);
		expect(p.inSandbox).toBe(1);
	}
	for (const s of r.scm) {
		expect(s).toEqual({ ...s, items: s.codes, updated: s.codes, codesWithLot: s.codes });
	}
	// Each batch applied once: 429s (both workers pace only themselves) were waited out.
	expect(r.scmRequests.applied).toBe(r.scm.reduce((n, s) => n + Math.ceil(s.codes / 5), 0));
	expect(r.scmRequests.other).toBe(0);
	for (const e of r.exports) {
		expect(e.items).toBe(e.scansInSandbox);
		expect(e.unique).toBe(e.scansInSandbox);
	}
	// Every execution ran on a worker (none on the main instance), each on exactly one.
	const ran = Object.values(byWorker).flat();
	expect(ran.sort()).toEqual(r.executions.map((e) => e.id).sort());
	expect(n8n.serverOutput()).not.toMatch(/Worker started execution/);
});

test('New Scan trigger: polls on main, runs on workers, each scan once across a main restart', async () => {
	const before = new Set(Object.values(executionsByWorker(workers())).flat());
	const t0 = Date.now();
	const result = await runTriggerScenario({
		n8n,
		sandbox,
		credId,
		// Only the main instance restarts; the workers keep running.
		stop: () => n8n.stop(),
		start: () => n8n.start({ timeoutMs: 300000 }),
		log,
	});
	const summary = triggerSummary(result);
	const byWorker = executionsByWorker(workers());
	log(`trigger: ${JSON.stringify({ ...summary, ms: Date.now() - t0, rounds: result.rounds, hiddenFromList: result.hiddenFromList })}`);
	expect(summary).toEqual({
		created: result.created.length,
		delivered: result.created.length,
		executions: summary.executions,
		failedExecutions: 0,
		polls: summary.polls,
		duplicates: 0,
		missing: 0,
		baselineDelivered: 0,
		unexpected: 0,
	});
	expect(summary.executions).toBeLessThanOrEqual(result.rounds.length + 1);
	const onWorkers = new Set(Object.values(byWorker).flat().filter((id) => !before.has(id)));
	for (const e of result.executions) expect(onWorkers.has(String(e.id))).toBe(true);
});
