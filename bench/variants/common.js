// Shared by the variant processes: the config from the parent, timing, the result line.
'use strict';
const { performance } = require('node:perf_hooks');

const config = JSON.parse(process.env.BENCH_CONFIG || '{}');

/** Peak resident set size of this process so far, in MB. */
function peakRssMb() {
	return process.resourceUsage().maxRSS / 1024;
}

/** Times `work` (after whatever warm-up ran before) and prints the variant's result line. */
async function measure(work) {
	const seqBefore = config.baseUrl ? await sandboxSeq() : undefined;
	const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
	const started = performance.now();
	const result = await work();
	const wallMs = performance.now() - started;
	const seqAfter = config.baseUrl ? await sandboxSeq() : undefined;
	process.stdout.write(`${JSON.stringify({ wallMs, peakRssMb: peakRssMb(), rssBeforeMb, seqBefore, seqAfter, ...result })}\n`);
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
