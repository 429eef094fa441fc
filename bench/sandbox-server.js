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
	// Bench-only questions about the sandbox's state that its API cannot answer cheaply:
	// GET /codes-with?key=lot_number&value=X → {count} of codes carrying that SCM value.
	const http = require('node:http');
	const probe = http.createServer((req, res) => {
		const url = new URL(req.url, 'http://localhost');
		if (url.pathname !== '/codes-with') {
			res.writeHead(404).end();
			return;
		}
		const key = url.searchParams.get('key');
		const value = url.searchParams.get('value');
		const count = sandbox.state.codes.filter((code) => code.scm && code.scm[key] === value).length;
		res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ count }));
	});
	await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
	const probeUrl = `http://127.0.0.1:${probe.address().port}`;
	const stop = async () => {
		probe.close();
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	// The parent holds our stdin open; when it dies without stopping us, stop too.
	process.stdin.on('end', stop);
	process.stdin.on('error', stop);
	process.stdin.resume();
	process.stdout.write(`READY ${JSON.stringify({ baseUrl: sandbox.baseUrl, tokens: sandbox.tokens, probeUrl })}\n`);
}

main().catch((error) => {
	process.stderr.write(`bench sandbox failed: ${error && error.stack}\n`);
	process.exit(1);
});
