// 5. The trigger: requests per idle poll, and a poll after many new scans.
'use strict';
const { startSandboxProcess } = require('../lib/sandbox');
const { runVariant } = require('../lib/variant');
const { round } = require('../lib/stats');

async function triggerIdle(ctx) {
	const { newScans, idlePolls } = ctx.sizes.triggerIdle;
	const sandbox = await startSandboxProcess({ latencyMs: ctx.latencyMs, scanCount: 3000 });
	try {
		const result = await runVariant('trigger', {
			baseUrl: sandbox.baseUrl,
			token: sandbox.tokens.full,
			idlePolls,
			newScans,
			maxPerPoll: Math.max(newScans, 1000),
		});
		if (result.afterNew.delivered !== newScans) {
			throw new Error(`the poll after ${newScans} new scans delivered ${result.afterNew.delivered}`);
		}
		return {
			requestsPerPoll: Math.max(...result.idle.map((p) => p.requests)),
			idlePollMs: round(Math.max(...result.idle.map((p) => p.wallMs))),
			idlePolls: result.idle.length,
			activation: { requests: result.activation.requests, wallMs: round(result.activation.wallMs) },
			afterNewScans: {
				scans: newScans,
				wallMs: round(result.afterNew.wallMs),
				requests: result.afterNew.requests,
				delivered: result.afterNew.delivered,
			},
			idleAfterBurst: { requests: result.idleAfterBurst.requests, wallMs: round(result.idleAfterBurst.wallMs) },
			throttled: [result.activation, ...result.idle, result.afterNew, result.idleAfterBurst].reduce((n, p) => n + p.throttled, 0),
		};
	} finally {
		await sandbox.close();
	}
}

module.exports = { triggerIdle };
