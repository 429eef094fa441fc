// 9. Scan export against a slow server (issue 11): the Scan node (Get Many, Return All, Oldest
// First, its time windows read side by side) versus the best sequential cursor loop a careful
// person writes (prefetching the next page while parsing this one), at a server time of 20, 200
// and 500 ms per page (the sandbox's scanPageLatencyMs), rate limit on. Both must give the same
// scans in the same order: the loop's list is the reference for lost and duplicated scans.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSandboxProcess } = require('../lib/sandbox');
const { alternate, runMeasured, warmSandbox } = require('../lib/measure');
const { median, round } = require('../lib/stats');

const SCANS_PATH = '/dashboard/scans/';

function compare(reference, exported) {
	const wanted = new Set(reference);
	const got = new Set(exported);
	return {
		lost: reference.filter((uuid) => !got.has(uuid)).length,
		duplicated: exported.length - got.size,
		unexpected: exported.filter((uuid) => !wanted.has(uuid)).length,
		sameOrder: reference.length === exported.length && reference.every((uuid, i) => exported[i] === uuid),
	};
}

async function atLatency(ctx, latencyMs, scans, rounds) {
	const sandbox = await startSandboxProcess({ scanCount: scans, scanPageLatencyMs: latencyMs });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scan-latency-'));
	try {
		if (!ctx.small) await warmSandbox(sandbox, ctx.scanPageSize);
		const files = { node: path.join(dir, 'node.txt'), loop: path.join(dir, 'loop.txt') };
		const config = { timeRange: '1y', pageSize: ctx.scanPageSize, order: 'oldest', prefetch: true };
		const samples = await alternate(
			rounds,
			{
				node: () => runMeasured(sandbox, 'scan-node', { ...config, uuidsFile: files.node }, SCANS_PATH),
				loop: () => runMeasured(sandbox, 'scan-loop', { ...config, uuidsFile: files.loop }, SCANS_PATH),
			},
			(line) => ctx.log(` ${latencyMs} ms/page${line}`),
		);
		const read = (file) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
		const check = compare(read(files.loop), read(files.node));
		if (read(files.loop).length !== scans) throw new Error(`the cursor loop exported ${read(files.loop).length} of ${scans} scans`);
		const nodeWall = median(samples.node.map((s) => s.wallMs));
		const loopWall = median(samples.loop.map((s) => s.wallMs));
		const ratios = samples.node.map((s, i) => samples.loop[i].wallMs / s.wallMs);
		return {
			latencyMs,
			scans,
			rounds,
			nodeWallS: round(nodeWall / 1000, 2),
			loopWallS: round(loopWall / 1000, 2),
			ratio: round(median(ratios), 2),
			ratios: ratios.map((r) => round(r, 2)),
			lost: check.lost,
			duplicated: check.duplicated,
			unexpected: check.unexpected,
			sameOrder: check.sameOrder,
			throttled: Math.max(...samples.node.map((s) => s.throttled)),
			requests: { node: median(samples.node.map((s) => s.requests)), loop: median(samples.loop.map((s) => s.requests)) },
			// The physical limit of a sequential reader: the server's own time for every page in a row.
			loopServerTimeS: round(median(samples.loop.map((s) => s.serviceMs)) / 1000, 2),
			nodeCpuS: round(median(samples.node.map((s) => s.cpuMs)) / 1000, 2),
			peakRssMb: { node: round(median(samples.node.map((s) => s.peakRssMb))), loop: round(median(samples.loop.map((s) => s.peakRssMb))) },
			memoryPer100kScansMb: {
				node: round((median(samples.node.map((s) => s.peakRssMb - s.rssBeforeMb)) * 100_000) / scans),
				loop: round((median(samples.loop.map((s) => s.peakRssMb - s.rssBeforeMb)) * 100_000) / scans),
			},
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
		await sandbox.close();
	}
}

async function scanLatency(ctx) {
	const { scans, latencies } = ctx.sizes.scanLatency;
	const entries = [];
	for (const { latencyMs, rounds } of latencies) {
		ctx.log(` ${latencyMs} ms per page`);
		entries.push(await atLatency(ctx, latencyMs, scans, rounds));
	}
	return entries;
}

module.exports = { scanLatency };
