#!/usr/bin/env node
// `npm test`: everything CI checks, on a fresh clone, installing what it needs on first run.
// Steps: install dev dependencies (if missing or stale) → lint → build → unit and integration
// tests (jest, against the sandbox) → end-to-end tests inside a real n8n (installed into a cache
// outside the checkout on first run). Set SKIP_E2E=1 to stop after the jest suite.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
process.chdir(root);

function run(title, command, args, env = {}) {
	const started = Date.now();
	console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	if (result.status !== 0) {
		console.error(`✖ ${title} failed after ${seconds} s (exit ${result.status ?? result.signal})`);
		process.exit(result.status || 1);
	}
	console.log(`✔ ${title} (${seconds} s)`);
}

function dependenciesStale() {
	const marker = path.join(root, 'node_modules', '.package-lock.json');
	if (!fs.existsSync(marker)) return true;
	return fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > fs.statSync(marker).mtimeMs + 1000;
}

// --ignore-scripts: eslint-plugin-n8n-nodes-base's preinstall runs `npx only-allow pnpm`, which
// fails where npx may not fetch packages, and isolated-vm would compile for a Node it does not
// need here. Nothing the tests use needs an install script. npm >= 11.16 also reads the
// `allowScripts` denials in package.json (so a plain `npm install` / `npm ci` works there); the
// flag keeps older npm working. Not in an .npmrc: `npm publish` would then skip prepublishOnly.
if (dependenciesStale()) {
	run('install dev dependencies', 'npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
}
run('lint (n8n verification rule set)', 'npm', ['run', '--silent', 'lint']);
run('build', 'npm', ['run', '--silent', 'build']);
run('n8n community package scanner rules (source and tarball)', 'npm', ['run', '--silent', 'scan']);
run('unit and integration tests', 'npx', ['jest', '--ci']);
if (process.env.SKIP_E2E !== '1' && fs.existsSync(path.join(root, 'test', 'e2e', 'run.js'))) {
	run('end-to-end tests in a real n8n', 'node', ['test/e2e/run.js']);
}
