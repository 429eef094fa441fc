// Runs a variant and adds what the sandbox log saw between the variant's own bracketing
// sequence numbers (so warm-up requests are not counted).
'use strict';
const { runVariant } = require('./variant');
const { summarizeLog, arrivedAt, answeredAt } = require('./sandbox');

async function runMeasured(sandbox, name, config, pathPart) {
	const result = await runVariant(name, { baseUrl: sandbox.baseUrl, token: sandbox.tokens.full, ...config });
	const entries = (await sandbox.log(result.seqBefore)).filter(
		(entry) => entry.seq <= result.seqAfter && (!pathPart || entry.path.includes(pathPart)),
	);
	return { ...result, ...summarizeLog(entries), afterThrottleMs: afterThrottle(entries) };
}

/**
 * For each 429 in the log: how long after it was answered the same request (same path and
 * query) arrived again. Against the Retry-After the server sent, this shows whether the client
 * waited longer than asked; matching by request keeps it right when several are in flight.
 */
function afterThrottle(entries) {
	const ordered = [...entries].sort((a, b) => arrivedAt(a) - arrivedAt(b));
	const key = (e) => `${e.method} ${e.path} ${JSON.stringify(e.query)}`;
	const gaps = [];
	ordered.forEach((entry, i) => {
		if (entry.status !== 429) return;
		const again = ordered.slice(i + 1).find((e) => key(e) === key(entry));
		if (again) gaps.push(arrivedAt(again) - answeredAt(entry));
	});
	return gaps;
}

/** Runs the variants `rounds` times, alternating which goes first. */
async function alternate(rounds, variants, report) {
	const samples = Object.fromEntries(Object.keys(variants).map((key) => [key, []]));
	const keys = Object.keys(variants);
	for (let r = 0; r < rounds; r++) {
		const order = r % 2 ? [...keys].reverse() : keys;
		for (const key of order) {
			const sample = await variants[key](r);
			if (sample === undefined) continue;
			samples[key].push(sample);
			report?.(`  round ${r + 1}/${rounds} ${key}: ${Math.round(sample.wallMs)} ms (CPU ${Math.round(sample.cpuMs)} ms), peak RSS ${Math.round(sample.peakRssMb)} MB`);
		}
	}
	return samples;
}

/**
 * A fresh sandbox answers its first pages slower (its own code is not optimised yet), which
 * would count against whichever variant runs first: read a few pages before measuring.
 */
async function warmSandbox(sandbox, pageSize) {
	await runVariant('scan-loop', {
		baseUrl: sandbox.baseUrl,
		token: sandbox.tokens.full,
		timeRange: '1y',
		pageSize,
		warmSandboxOnly: 20 * pageSize,
	});
}

module.exports = { runMeasured, alternate, warmSandbox };
