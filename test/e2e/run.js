#!/usr/bin/env node
'use strict';
/*
 * End-to-end tests in a real n8n: `node test/e2e/run.js [jest args]` (scripts/test.js calls it
 * after lint, build and the jest suite).
 *
 *   1. ensureRuntime(): Node 24 + n8n 2.41.1 in the cache outside the checkout (minutes the
 *      first time, then instant);
 *   2. dist/ built and newer than the sources (else `tsc` + `gulp build:assets`, which do not
 *      wipe dist/ under someone else's running tests the way `n8n-node build` does);
 *   3. jest with test/e2e/jest.config.js; exits with jest's code.
 *
 * E2E_MAX_WORKERS (default 2) sets jest's workers; E2E_TIMINGS_FILE collects example timings.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { ensureRuntime } = require('../../scripts/n8n-runtime.js');

const root = path.resolve(__dirname, '..', '..');
process.chdir(root);

function newestMtime(dir) {
	let newest = 0;
	if (!fs.existsSync(dir)) return newest;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
		else if (/\.(ts|json|svg|png)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
			newest = Math.max(newest, fs.statSync(p).mtimeMs);
	}
	return newest;
}

function distIsCurrent() {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const built = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].map((f) =>
		path.join(root, f),
	);
	if (!built.length || !built.every((f) => fs.existsSync(f))) return false;
	const oldestBuilt = Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
	const sources = Math.max(
		newestMtime(path.join(root, 'nodes')),
		newestMtime(path.join(root, 'credentials')),
	);
	return sources <= oldestBuilt + 1000;
}

function run(command, args) {
	const r = spawnSync(command, args, { stdio: 'inherit', cwd: root });
	if (r.status !== 0) {
		console.error(`✖ ${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
		process.exit(r.status || 1);
	}
}

const started = Date.now();
const rt = ensureRuntime();
console.log(`n8n ${rt.n8nVersion} on Node ${rt.nodeVersion} (${rt.runtimeDir})`);
if (!distIsCurrent()) {
	console.log('dist/ is missing or older than the sources: building (tsc + gulp build:assets)');
	run('npx', ['tsc', '-p', 'tsconfig.json']);
	run('npx', ['gulp', 'build:assets']);
}
const jest = spawnSync(
	'npx',
	['jest', '--config', 'test/e2e/jest.config.js', '--ci', ...process.argv.slice(2)],
	{ stdio: 'inherit', cwd: root },
);
console.log(`end-to-end tests: ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(jest.status ?? 1);
