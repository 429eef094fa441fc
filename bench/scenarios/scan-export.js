// 1. Scan export: the Scan node (Return All) versus a hand-written cursor loop, same endpoint,
// same page size, same sandbox, alternating, in the same run.
'use strict';
const { startSandboxProcess } = require('../lib/sandbox');
const { alternate, runMeasured, warmSandbox } = require('../lib/measure');
const { median, round } = require('../lib/stats');

const SCANS_PATH = '/dashboard/scans/';

async function exportPair(ctx, scans, rounds) {
	const sandbox = await startSandboxProcess({ scanCount: scans, latencyMs: ctx.latencyMs });
	try {
		const config = { timeRange: '1y', pageSize: ctx.scanPageSize };
		if (!ctx.small) await warmSandbox(sandbox, ctx.scanPageSize);
		const samples = await alternate(
			rounds,
			{
				node: () => runMeasured(sandbox, 'scan-node', config, SCANS_PATH),
				loop: () => runMeasured(sandbox, 'scan-loop', config, SCANS_PATH),
			},
			ctx.log,
		);
		for (const [key, list] of Object.entries(samples)) {
			for (const sample of list) {
				if (sample.items !== scans) throw new Error(`${key} exported ${sample.items} of ${scans} scans`);
			}
		}
		const summary = (list) => ({
			wallMs: round(median(list.map((s) => s.wallMs))),
			cpuMs: round(median(list.map((s) => s.cpuMs))),
			peakRssMb: round(median(list.map((s) => s.peakRssMb))),
			rssBeforeMb: round(median(list.map((s) => s.rssBeforeMb))),
			requests: median(list.map((s) => s.requests)),
			samplesMs: list.map((s) => round(s.wallMs)),
		});
		// Each round's node run is compared with the same round's loop run (next to it in time, so
		// under the same load on the machine); the median of those ratios is the overhead.
		const ratios = samples.node.map((s, i) => s.wallMs / samples.loop[i].wallMs);
		const cpuRatios = samples.node.map((s, i) => s.cpuMs / samples.loop[i].cpuMs);
		return {
			node: summary(samples.node),
			loop: summary(samples.loop),
			overheadRatio: round(median(ratios), 3),
			cpuRatio: round(median(cpuRatios), 3),
			ratios: ratios.map((r) => round(r, 3)),
		};
	} finally {
		await sandbox.close();
	}
}

async function scanExport(ctx) {
	const { scans, rounds } = ctx.sizes.scanExport;
	const { node, loop, overheadRatio, cpuRatio, ratios } = await exportPair(ctx, scans, rounds);
	return {
		scans,
		pageSize: ctx.scanPageSize,
		rounds,
		overheadRatio,
		ratios,
		cpuRatio,
		peakRssMb: { node: node.peakRssMb, loop: loop.peakRssMb },
		node,
		loop,
	};
}

async function growth(ctx) {
	const rows = [];
	for (const scans of ctx.sizes.growth.scans) {
		ctx.log(` ${scans} scans`);
		const { node, loop, overheadRatio } = await exportPair(ctx, scans, ctx.sizes.growth.rounds);
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
			overheadRatio,
		});
	}
	return rows;
}

module.exports = { scanExport, growth };
