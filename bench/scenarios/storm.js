// 4. Throttling storm: the sandbox answers every 10th export request with a 429 burst of 1 s
// (Retry-After: 1). Our wall time is compared with the no-storm wall plus every wait the server
// asked for, taken from the sandbox's log (the Retry-After of each 429 it sent, not the node's
// own count), and every scan must still be delivered exactly once.
'use strict';
const { startSandboxProcess } = require('../lib/sandbox');
const { alternate, runMeasured, warmSandbox } = require('../lib/measure');
const { median, round } = require('../lib/stats');

const SCANS_PATH = '/dashboard/scans/';
const STORM = { every: 10, durationMs: 1000, retryAfter: 1, path: SCANS_PATH };

async function storm(ctx) {
	const { scans, rounds } = ctx.sizes.storm;
	const sandbox = await startSandboxProcess({ scanCount: scans, latencyMs: ctx.latencyMs });
	try {
		const config = { timeRange: '1y', countUnique: true };
		if (!ctx.small) await warmSandbox(sandbox, ctx.scanPageSize);
		const samples = await alternate(
			rounds,
			{
				calm: () => runMeasured(sandbox, 'scan-node', config, SCANS_PATH),
				storm: async () => {
					await sandbox.setFaults({ throttle: STORM });
					try {
						// askedWaitMs: the sum of the Retry-After headers the sandbox logged sending.
						return await runMeasured(sandbox, 'scan-node', config, SCANS_PATH);
					} finally {
						await sandbox.clearFaults();
					}
				},
			},
			ctx.log,
		);
		const calmWallMs = median(samples.calm.map((s) => s.wallMs));
		const gaps = samples.storm.flatMap((s) => s.afterThrottleMs);
		// Paired by round: each storm run against the calm run next to it in time.
		// The waits as wall-clock time (their union): the node reads time windows in parallel, so
		// several requests are refused, and wait, at once.
		const efficiencies = samples.storm.map((s, i) => s.wallMs / (samples.calm[i].wallMs + s.askedWaitSpanMs));
		const itemsLost = Math.max(...samples.storm.map((s) => scans - s.uniqueItems));
		const duplicates = Math.max(...samples.storm.map((s) => s.items - s.uniqueItems));
		return {
			scans,
			rounds,
			fault: STORM,
			noStormWallMs: round(calmWallMs),
			stormWallMs: round(median(samples.storm.map((s) => s.wallMs))),
			// Both from the sandbox's log: the 429s it sent and the waits their Retry-After asked for.
			throttledResponses: median(samples.storm.map((s) => s.throttled)),
			askedWaitMs: median(samples.storm.map((s) => s.askedWaitMs)),
			askedWaitSpanMs: round(median(samples.storm.map((s) => s.askedWaitSpanMs))),
			waitEfficiency: round(median(efficiencies), 3),
			efficiencies: efficiencies.map((e) => round(e, 3)),
			itemsLost,
			duplicates,
			requests: median(samples.storm.map((s) => s.requests)),
			// From the sandbox log: answer of each 429 to the next request's arrival (Retry-After: 1 s).
			retryAfterAnswerMs: gaps.length ? round(median(gaps)) : null,
			retryAfterAnswerMaxMs: gaps.length ? Math.max(...gaps) : null,
			samples: samples.storm.map((s) => ({ wallMs: round(s.wallMs), throttled: s.throttled, uniqueItems: s.uniqueItems })),
		};
	} finally {
		await sandbox.close();
	}
}

module.exports = { storm };
