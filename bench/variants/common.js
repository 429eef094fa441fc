// Shared by the variant processes: the config from the parent, timing, the result line.
'use strict';
const { performance } = require('node:perf_hooks');

const config = JSON.parse(process.env.BENCH_CONFIG || '{}');

/** Peak resident set size of this process so far, in MB. */
function peakRssMb() {
	return process.resourceUsage().maxRSS / 1024;
}

/** Times `work` (after whatever warm-up ran before) and prints the variant's result line. */
/** BENCH_PROFILE_DIR: a CPU profile of the measured section only (no start-up, no warm-up). */
async function profiled(work) {
	const dir = process.env.BENCH_PROFILE_DIR;
	if (!dir) return await work();
	const inspector = require('node:inspector');
	const session = new inspector.Session();
	session.connect();
	const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
	await post('Profiler.enable');
	await post('Profiler.start');
	try {
		return await work();
	} finally {
		const { profile } = await post('Profiler.stop');
		const name = `${require('node:path').basename(process.argv[1], '.js')}-${process.pid}.cpuprofile`;
		require('node:fs').writeFileSync(require('node:path').join(dir, name), JSON.stringify(profile));
		session.disconnect();
	}
}

async function measure(work) {
	const seqBefore = config.baseUrl ? await sandboxSeq() : undefined;
	const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const result = await profiled(work);
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
