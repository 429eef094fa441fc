#!/usr/bin/env node
// The sandbox in its own process, so its CPU time and memory are never counted against a
// measured variant. Started by bench/lib/sandbox.js with the options as one JSON argument;
// prints one line `READY {baseUrl, tokens, codes?}` and then serves until SIGTERM or until its
// parent goes away (stdin closes). Control goes through the sandbox's own /__sandbox/ endpoints.
'use strict';
const fs = require('node:fs');
const { startSandbox } = require('../sandbox');

async function main() {
	const options = JSON.parse(process.argv[2] || '{}');
	const { codesFile, codesCount, ...sandboxOptions } = options;
	const sandbox = await startSandbox({ seed: 1, jobDelayMs: 200, logLimit: 200_000, ...sandboxOptions });
	if (codesFile) {
		// Extended IDs for the SCM benchmarks: the first active codes of the campaigns that carry lot_number.
		const codes = sandbox.state.codes
			.filter((code) => code.status === 1 && (code.campaign === 2207 || code.campaign === 2208))
			.slice(0, codesCount ?? Infinity)
			.map((code) => code.extended_id);
		fs.writeFileSync(codesFile, JSON.stringify(codes));
	}
	const stop = async () => {
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	// The parent holds our stdin open; when it dies without stopping us, stop too.
	process.stdin.on('end', stop);
	process.stdin.on('error', stop);
	process.stdin.resume();
	process.stdout.write(`READY ${JSON.stringify({ baseUrl: sandbox.baseUrl, tokens: sandbox.tokens })}\n`);
}

main().catch((error) => {
	process.stderr.write(`bench sandbox failed: ${error && error.stack}\n`);
	process.exit(1);
});
