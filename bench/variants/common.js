// Shared by the variant processes: the config from the parent, timing, the result line.
'use strict';
const { performance } = require('node:perf_hooks');

const config = JSON.parse(process.env.BENCH_CONFIG || '{}');

/** Peak resident set size of this process so far, in MB. */
function peakRssMb() {
	return process.resourceUsage().maxRSS / 1024;
}

/**
 * Runs `work` with an inspector session open: `start` begins a profile, `stop` ends it and returns
 * what to write into `file()`. For the CPU profile and the heap profile below.
 */
async function withInspector(work, { start, stop, file }) {
	const inspector = require('node:inspector');
	const session = new inspector.Session();
	session.connect();
	const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
	await start(post);
	try {
		return await work();
	} finally {
		const { profile } = await stop(post);
		require('node:fs').writeFileSync(file(), JSON.stringify(profile));
		session.disconnect();
	}
}

/** BENCH_PROFILE_DIR: a CPU profile of the measured section only (no start-up, no warm-up). */
async function profiled(work) {
	const dir = process.env.BENCH_PROFILE_DIR;
	if (!dir) return await work();
	return await withInspector(work, {
		start: async (post) => {
			await post('Profiler.enable');
			await post('Profiler.start');
		},
		stop: (post) => post('Profiler.stop'),
		file: () => require('node:path').join(dir, `${require('node:path').basename(process.argv[1], '.js')}-${process.pid}.cpuprofile`),
	});
}

/**
 * BENCH_MEMORY_SAMPLES=<file>: process.memoryUsage() every BENCH_MEMORY_SAMPLE_MS (default 100)
 * during the measured section, one JSON line per sample (MB, `t` in ms from its start), to see
 * where a peak of RSS lives: V8's heap (heapTotal, heapUsed), Buffers (external, arrayBuffers)
 * or neither (native memory: malloc, the sockets). Off by default: the sampler's own timer and
 * writes are not part of what is measured.
 */
function startSampler() {
	const file = process.env.BENCH_MEMORY_SAMPLES;
	if (!file) return () => undefined;
	const fs = require('node:fs');
	const v8 = require('node:v8');
	const fd = fs.openSync(file, 'a');
	const started = performance.now();
	const mb = (v) => Math.round((v / 1024 / 1024) * 10) / 10;
	const sample = () => {
		const m = process.memoryUsage();
		const line = { t: Math.round(performance.now() - started), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) };
		// V8's heap by space (committed size): young generation, old space, large objects.
		for (const space of v8.getHeapSpaceStatistics()) line[space.space_name.replace(/_space$/, '')] = mb(space.space_size);
		fs.writeSync(fd, `${JSON.stringify(line)}\n`);
	};
	sample();
	const timer = setInterval(sample, Number(process.env.BENCH_MEMORY_SAMPLE_MS) || 100);
	return () => {
		clearInterval(timer);
		sample();
		fs.closeSync(fd);
	};
}

/**
 * BENCH_PROMOTED_PROFILE=<file>: V8's sampling heap profile of the measured section, counting the
 * objects that outlived the young generation (those freed only by a full collection, and those
 * still live), not the ones a scavenge freed: where old space's growth is allocated (Chrome
 * DevTools → Memory opens the `.heapprofile`). Off by default. With BENCH_PROFILE_ALL=1 it counts
 * every allocation, those a scavenge freed too: what sets how often V8 scavenges.
 */
async function promotedProfile(work) {
	const file = process.env.BENCH_PROMOTED_PROFILE;
	if (!file) return await work();
	return await withInspector(work, {
		start: async (post) => {
			await post('HeapProfiler.enable');
			await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !!process.env.BENCH_PROFILE_ALL });
		},
		stop: (post) => post('HeapProfiler.stopSampling'),
		file: () => file,
	});
}

/** Times `work` (after whatever warm-up ran before) and prints the variant's result line. */
async function measure(work) {
	const seqBefore = config.baseUrl ? await sandboxSeq() : undefined;
	const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const stopSampler = startSampler();
	const result = await promotedProfile(() => profiled(work)).finally(stopSampler);
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	// CPU time (user + system) of this process: unlike the wall, barely moved by other load on the machine.
	const cpuMs = (cpu.user + cpu.system) / 1000;
	const seqAfter = config.baseUrl ? await sandboxSeq() : undefined;
	process.stdout.write(`${JSON.stringify({ wallMs, cpuMs, peakRssMb: peakRssMb(), rssBeforeMb, seqBefore, seqAfter, ...result })}\n`);
}

function main(fn) {
	fn().then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
			process.exit(1);
		},
	);
}

module.exports = { config, measure, main, peakRssMb };

/** The sandbox's request counter (control endpoint, not logged): brackets what a variant measured. */
async function sandboxSeq(baseUrl = config.baseUrl) {
	const response = await fetch(`${baseUrl}/__sandbox/state`);
	return (await response.json()).requests;
}

module.exports.sandboxSeq = sandboxSeq;
