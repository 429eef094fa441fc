#!/usr/bin/env node
// Runs the rule set of n8n's community package scanner (@n8n/scan-community-package, what n8n
// uses to verify packages) on this repository's source and on the packed tarball, the two legs
// the real scanner lints after checking npm provenance (which only a published version has).
// Exits non-zero on any finding. Needs a build (dist/) first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { SOURCE_FILE_PATTERNS, analyzePackage } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(path.join(tmpdir(), 'scantrust-scan-'));
let failed = false;
try {
	const source = await analyzePackage(root, SOURCE_FILE_PATTERNS);
	console.log(`source (${SOURCE_FILE_PATTERNS.join(', ')}): ${source.passed ? 'no findings' : source.message}`);
	if (!source.passed) {
		failed = true;
		console.log(source.details ?? '');
	}

	execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
	const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
	execFileSync('tar', ['xzf', tarball], { cwd: work });
	const packed = path.join(work, 'package');
	const dist = await analyzePackage(packed, ['**/*.js', 'package.json']);
	console.log(`tarball ${tarball} (**/*.js, package.json): ${dist.passed ? 'no findings' : dist.message}`);
	if (!dist.passed) {
		failed = true;
		console.log(dist.details ?? '');
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
