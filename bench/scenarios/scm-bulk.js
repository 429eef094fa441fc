// 3. Bulk SCM update: the SCM Data node (default batch size) against two baselines at the
// documented 10 requests per second: one request per code (the HTTP Request node on the items
// as they come), and the careful one, a Code node packing 100 (and 1,000) codes into each body
// before the HTTP Request node (bench/variants/scm-packed.js). Then a large run through our
// node alone, and the same against packed bodies of 100. What each reports when a row is bad or
// the server throttles is measured inside n8n (scenario scmCareful).
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
		const packed = (count, perBody, round) =>
			runMeasured(sandbox, 'scm-packed', { codesFile, count, perBody, intervalMs: 100, round }, SCM_PATH);
		const samples = await alternate(
			Math.max(rounds, baselineRounds),
			{
				node: (r) => (r < rounds ? node(codes, r) : undefined),
				packed100: (r) => (r < rounds ? packed(codes, 100, r) : undefined),
				packed1000: (r) => (r < rounds ? packed(codes, 1000, r) : undefined),
				perItem: (r) =>
					r < baselineRounds
						? runMeasured(sandbox, 'scm-per-item', { codesFile, count: codes, intervalMs: 100, round: r }, SCM_PATH)
						: undefined,
			},
			ctx.log,
		);
		const ours = samples.node.filter(Boolean);
		const theirs = samples.perItem.filter(Boolean);
		ctx.log(`  large: ${largeCodes} codes through the node, and packed 100 per body`);
		const large = await node(largeCodes, 99);
		const largePacked = await packed(largeCodes, 100, 98);
		const check = (list, count) => {
			for (const s of list) if (s.items !== count || s.errors) throw new Error(`SCM run: ${s.items} items, ${s.errors} errors`);
		};
		check(ours, codes);
		check([large], largeCodes);
		check([...samples.packed100, ...samples.packed1000], codes);
		check([largePacked], largeCodes);
		const summary = (list) => ({
			wallMs: round(median(list.map((s) => s.wallMs))),
			requests: median(list.map((s) => s.requests)),
			throttled: Math.max(...list.map((s) => s.throttled)),
			peakRssMb: round(median(list.map((s) => s.peakRssMb))),
			samplesMs: list.map((s) => round(s.wallMs)),
		});
		const nodeSummary = summary(ours);
		const perItem = summary(theirs);
		// Each round's node run against the same round's packed run (next to each other in time).
		const careful = (key) => {
			const list = samples[key].filter(Boolean);
			const ratios = ours.map((s, i) => list[i].wallMs / s.wallMs);
			return {
				...summary(list),
				perBody: key === 'packed100' ? 100 : 1000,
				intervalMs: 100,
				updated: median(list.map((s) => s.updated)),
				// > 1: the baseline took longer than our node; < 1: it was faster.
				wallRatio: round(median(ratios), 2),
				requestRatio: round(median(list.map((s) => s.requests)) / nodeSummary.requests, 2),
			};
		};
		return {
			codes,
			batchSize: ctx.scmBatchSize,
			node: nodeSummary,
			perItem: { ...perItem, intervalMs: 100, updated: median(theirs.map((s) => s.updated)) },
			packed100: careful('packed100'),
			packed1000: careful('packed1000'),
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
				packed100: { wallMs: round(largePacked.wallMs), requests: largePacked.requests, throttled: largePacked.throttled },
			},
		};
	} finally {
		await sandbox.close();
		fs.rmSync(path.dirname(codesFile), { recursive: true, force: true });
	}
}

module.exports = { scmBulk };
