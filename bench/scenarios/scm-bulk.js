// 3. Bulk SCM update: the SCM Data node (default batch size) versus one request per code at
// exactly 10 requests per second; then a large run through our node alone.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSandboxProcess } = require('../lib/sandbox');
const { alternate, runMeasured } = require('../lib/measure');
const { median, round } = require('../lib/stats');

const SCM_PATH = '/scm/upload/';

async function scmBulk(ctx) {
	const { codes, largeCodes, rounds, baselineRounds } = ctx.sizes.scmBulk;
	const codesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'st-bench-')), 'codes.json');
	const sandbox = await startSandboxProcess({
		latencyMs: ctx.latencyMs,
		scanCount: 100,
		codeCount: Math.ceil((largeCodes + 1) * 2.9) + 1000,
		codesFile,
		codesCount: largeCodes + 1,
	});
	try {
		const node = (count, round) => runMeasured(sandbox, 'scm-node', { codesFile, count, round }, SCM_PATH);
		const samples = await alternate(
			Math.max(rounds, baselineRounds),
			{
				node: (r) => (r < rounds ? node(codes, r) : undefined),
				perItem: (r) =>
					r < baselineRounds
						? runMeasured(sandbox, 'scm-per-item', { codesFile, count: codes, intervalMs: 100, round: r }, SCM_PATH)
						: undefined,
			},
			ctx.log,
		);
		const ours = samples.node.filter(Boolean);
		const theirs = samples.perItem.filter(Boolean);
		ctx.log(`  large: ${largeCodes} codes through the node`);
		const large = await node(largeCodes, 99);
		const check = (list, count) => {
			for (const s of list) if (s.items !== count || s.errors) throw new Error(`SCM run: ${s.items} items, ${s.errors} errors`);
		};
		check(ours, codes);
		check([large], largeCodes);
		const summary = (list) => ({
			wallMs: round(median(list.map((s) => s.wallMs))),
			requests: median(list.map((s) => s.requests)),
			throttled: Math.max(...list.map((s) => s.throttled)),
			peakRssMb: round(median(list.map((s) => s.peakRssMb))),
			samplesMs: list.map((s) => round(s.wallMs)),
		});
		const nodeSummary = summary(ours);
		const perItem = summary(theirs);
		return {
			codes,
			batchSize: ctx.scmBatchSize,
			node: nodeSummary,
			perItem: { ...perItem, intervalMs: 100, updated: median(theirs.map((s) => s.updated)) },
			requestRatio: round(perItem.requests / nodeSummary.requests, 1),
			wallRatio: round(perItem.wallMs / nodeSummary.wallMs, 1),
			throttled: Math.max(nodeSummary.throttled, large.throttled),
			large: {
				codes: largeCodes,
				wallMs: round(large.wallMs),
				requests: large.requests,
				throttled: large.throttled,
				peakRssMb: round(large.peakRssMb),
				requestsPerSecond: round(large.requests / (large.wallMs / 1000), 2),
			},
		};
	} finally {
		await sandbox.close();
		fs.rmSync(path.dirname(codesFile), { recursive: true, force: true });
	}
}

module.exports = { scmBulk };
