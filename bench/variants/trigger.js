// The Scantrust Trigger (New Scan) through n8n-core's PollContext, with its static data kept
// between polls as n8n keeps it. First activation (baseline), then idle polls, then a poll after
// `newScans` scans arrived at once, then one more idle poll.
// Config: { baseUrl, token, idlePolls, newScans, maxPerPoll }.
'use strict';
const { performance } = require('node:perf_hooks');
const { config, main, peakRssMb, sandboxSeq } = require('./common');
const { runPoll } = require('../../test/harness/n8n');

const credentials = { scantrustApi: { environment: 'custom', baseUrl: config.baseUrl, token: config.token } };
const staticData = {};
const parameters = { event: 'newScan', onlySuspicious: false, filters: {}, options: { maxPerPoll: config.maxPerPoll } };

async function requestsSince(seq) {
	const response = await fetch(`${config.baseUrl}/__sandbox/log?since=${seq}&origin=api`);
	return (await response.json()).filter((entry) => entry.path.includes('/dashboard/scans/'));
}

/** One poll: wall time, the export requests it made, the events it delivered. */
async function poll() {
	const seq = await sandboxSeq();
	const started = performance.now();
	const { result } = await runPoll({ type: 'scantrustTrigger', parameters, credentials, staticData });
	const wallMs = performance.now() - started;
	const requests = await requestsSince(seq);
	return { wallMs, requests: requests.length, throttled: requests.filter((e) => e.status === 429).length, delivered: result ? result[0].length : 0 };
}

main(async () => {
	const activation = await poll();
	const idle = [];
	for (let k = 0; k < config.idlePolls; k++) idle.push(await poll());
	const response = await fetch(`${config.baseUrl}/__sandbox/scans`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ count: config.newScans }),
	});
	if (!response.ok) throw new Error(`adding scans: ${response.status}`);
	const afterNew = await poll();
	const idleAfterBurst = await poll();
	process.stdout.write(`${JSON.stringify({ activation, idle, afterNew, idleAfterBurst, peakRssMb: peakRssMb() })}\n`);
});
