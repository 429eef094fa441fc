// 1. Scan export: the Scan node (Return All) versus hand-written cursor loops, same endpoint,
// same page size, same sandbox, alternating, in the same run. The target compares with the
// loop that prefetches as the node does (the best a careful person writes); the plain loop
// (next request only after the page is parsed) is reported beside it, and so is the physical
// limit: the sandbox's own time for the same pages, from its log (one request in flight cannot
// be faster than the server's time for each page, one after another).
'use strict';
const { startSandboxProcess } = require('../lib/sandbox');
const { alternate, runMeasured, warmSandbox } = require('../lib/measure');
const { median, round } = require('../lib/stats');

const SCANS_PATH = '/dashboard/scans/';

const VARIANTS = {
	node: 'scan-node',
	nodeSerial: 'scan-node',
	loop: 'scan-loop',
	prefetchLoop: 'scan-loop',
};
/** Per variant: the node as users get it (time windows read in parallel), or one window at a time. */
const CONFIG = {
	node: {},
	nodeSerial: { parallelWindows: 1 },
	loop: {},
	prefetchLoop: { prefetch: true },
};

async function exportRuns(ctx, scans, rounds, keys) {
	const sandbox = await startSandboxProcess({ scanCount: scans, latencyMs: ctx.latencyMs });
	try {
		const config = { timeRange: '1y', pageSize: ctx.scanPageSize };
		if (!ctx.small) await warmSandbox(sandbox, ctx.scanPageSize);
		const samples = await alternate(
			rounds,
			Object.fromEntries(
				keys.map((key) => [key, () => runMeasured(sandbox, VARIANTS[key], { ...config, ...CONFIG[key] }, SCANS_PATH)]),
			),
			ctx.log,
		);
		for (const [key, list] of Object.entries(samples)) {
			for (const sample of list) {
				if (sample.items !== scans) throw new Error(`${key} exported ${sample.items} of ${scans} scans`);
			}
		}
		return samples;
	} finally {
		await sandbox.close();
	}
}

const summary = (list) => ({
	wallMs: round(median(list.map((s) => s.wallMs))),
	cpuMs: round(median(list.map((s) => s.cpuMs))),
	peakRssMb: round(median(list.map((s) => s.peakRssMb))),
	rssBeforeMb: round(median(list.map((s) => s.rssBeforeMb))),
	requests: median(list.map((s) => s.requests)),
	// The sandbox's own time for this run's pages (from its log).
	serviceMs: round(median(list.map((s) => s.serviceMs))),
	samplesMs: list.map((s) => round(s.wallMs)),
});

// Each round's runs are compared with each other (next to each other in time, so under the same
// load on the machine); the median of those ratios is reported.
const pairRatios = (a, b, field = 'wallMs') => a.map((s, i) => s[field] / b[i][field]);
const toLimit = (list) => list.map((s) => s.wallMs / s.serviceMs);

async function scanExport(ctx) {
	const { scans, rounds } = ctx.sizes.scanExport;
	const samples = await exportRuns(ctx, scans, rounds, ['nodeSerial', 'prefetchLoop', 'node', 'loop']);
	// Like for like (one request in flight): the node reading one window at a time.
	const ratios = pairRatios(samples.nodeSerial, samples.prefetchLoop);
	const plainRatios = pairRatios(samples.nodeSerial, samples.loop);
	const parallelRatios = pairRatios(samples.node, samples.prefetchLoop);
	const nodeSerial = summary(samples.nodeSerial);
	const node = summary(samples.node);
	const prefetchLoop = summary(samples.prefetchLoop);
	const loop = summary(samples.loop);
	return {
		scans,
		pageSize: ctx.scanPageSize,
		rounds,
		overheadRatio: round(median(ratios), 3),
		ratios: ratios.map((r) => round(r, 3)),
		cpuRatio: round(median(pairRatios(samples.nodeSerial, samples.prefetchLoop, 'cpuMs')), 3),
		plainLoopRatio: round(median(plainRatios), 3),
		plainLoopRatios: plainRatios.map((r) => round(r, 3)),
		// The node as users get it (its default, windows read in parallel) against the same loop.
		parallelRatio: round(median(parallelRatios), 3),
		parallelRatios: parallelRatios.map((r) => round(r, 3)),
		// Wall ÷ the server's time for the same run's requests, one after another: 1.0 is the
		// physical limit with one request in flight (below 1 only with several in flight).
		physicalLimit: {
			serviceMs: round(median(samples.prefetchLoop.map((s) => s.serviceMs))),
			nodeSerialRatio: round(median(toLimit(samples.nodeSerial)), 3),
			nodeRatio: round(median(toLimit(samples.node)), 3),
			prefetchLoopRatio: round(median(toLimit(samples.prefetchLoop)), 3),
			loopRatio: round(median(toLimit(samples.loop)), 3),
		},
		peakRssMb: { node: node.peakRssMb, nodeSerial: nodeSerial.peakRssMb, loop: prefetchLoop.peakRssMb, plainLoop: loop.peakRssMb },
		nodeSerial,
		node,
		prefetchLoop,
		loop,
	};
}

async function growth(ctx) {
	const rows = [];
	for (const scans of ctx.sizes.growth.scans) {
		ctx.log(` ${scans} scans`);
		const samples = await exportRuns(ctx, scans, ctx.sizes.growth.rounds, ['nodeSerial', 'prefetchLoop']);
		samples.node = samples.nodeSerial;
		const node = summary(samples.node);
		const loop = summary(samples.prefetchLoop);
		rows.push({
			scans,
			wallMs: node.wallMs,
			cpuMs: node.cpuMs,
			peakRssMb: node.peakRssMb,
			msPer1000Scans: round((node.wallMs / scans) * 1000, 1),
			requests: node.requests,
			loopWallMs: loop.wallMs,
			loopCpuMs: loop.cpuMs,
			loopPeakRssMb: loop.peakRssMb,
			overheadRatio: round(median(pairRatios(samples.node, samples.prefetchLoop)), 3),
		});
	}
	return rows;
}

module.exports = { scanExport, growth };
