'use strict';

/**
 * The Scantrust Trigger (New Scan) in an active workflow of a real n8n (`n8n start`, activation
 * through n8n's public API): scans created in the sandbox across several polls and an n8n
 * restart come out as exactly one execution item each, and none of the scans that existed at
 * activation. Polls are made "now" by deactivating and activating the workflow (n8n polls at once
 * on activation) instead of waiting for the one-minute schedule.
 *
 * Run against two Scantrust behaviours the documentation leaves open (docs/sandbox-choices.md):
 * the sandbox's default (export oldest first, dates honoured to the second) and the other corner
 * (newest first, dates by whole UTC day only, pages shuffled), where a reader that trusts the
 * order loses scans. The other two combinations run through n8n-core in jest.
 */
const { startSandbox } = require('../../sandbox');
const { createN8n, packPackage } = require('./n8n.js');
const { sandboxCredentialData, runTriggerScenario, triggerSummary } = require('./lib/scenarios.js');

jest.setTimeout(600000);

const BEHAVIOURS = {
	'oldest first, dates to the second': {},
	'newest first, dates by whole UTC day, pages shuffled': {
		scanOrder: 'newest',
		scanDatePrecision: 'day',
		scanShuffle: true,
	},
};

/** @type {Record<string, any>} */
const sandboxes = {};
let n8n;

beforeAll(async () => {
	for (const [name, behaviour] of Object.entries(BEHAVIOURS)) {
		sandboxes[name] = await startSandbox({
			seed: 11,
			scanCount: 400,
			codeCount: 500,
			jobDelayMs: 200,
			...behaviour,
			onLog: (e) =>
				process.env.E2E_VERBOSE === '1' &&
				process.stderr.write(`sandbox: ${e.method} ${e.path} ${JSON.stringify(e.query)} -> ${e.status}\n`),
		});
	}
	n8n = await createN8n({ tgz: packPackage() });
	await n8n.start();
	await n8n.setupOwnerAndApiKey();
});

afterAll(async () => {
	await n8n?.cleanup();
	await Promise.all(Object.values(sandboxes).map((s) => s.close()));
});

test.each(Object.keys(BEHAVIOURS))('New Scan (%s): each scan made after activation exactly once, across polls and a restart', async (behaviour) => {
	const sandbox = sandboxes[behaviour];
	const credId = await n8n.createCredential({
		name: `Scantrust sandbox (${behaviour})`,
		type: 'scantrustApi',
		data: sandboxCredentialData(sandbox),
	});
	const result = await runTriggerScenario({
		n8n,
		sandbox,
		credId,
		stop: () => n8n.stop(),
		start: () => n8n.start(),
		log: (s) => process.env.E2E_VERBOSE === '1' && process.stderr.write(`${s}\n`),
	});
	// The next behaviour's run has n8n to itself.
	await n8n.deactivate(result.workflowId);
	const summary = triggerSummary(result);
	if (process.env.E2E_VERBOSE === '1') process.stderr.write(`${behaviour}: ${JSON.stringify(summary)}\n`);
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
	// Idle polls start no execution: one execution per round with scans at most.
	expect(summary.executions).toBeLessThanOrEqual(result.rounds.length + 1);
	expect(summary.polls).toBeGreaterThanOrEqual(8);
	// Every execution ran the whole workflow in trigger mode.
	for (const e of result.executions) expect(e.data.resultData.runData.Done).toBeDefined();
});
