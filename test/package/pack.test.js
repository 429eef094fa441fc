// What `npm pack` puts in the tarball is what every n8n instance installs: only the built
// package, never tests, the sandbox, benchmarks or TypeScript sources.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const pkg = require('../../package.json');
const [report] = JSON.parse(
	execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
);
const files = report.files.map((file) => file.path);

test('only the built package, its manifest, README, license and index.js', () => {
	const allowed = /^(dist\/.+|package\.json|README\.md|LICENSE\.md|index\.js)$/;
	expect(files.filter((file) => !allowed.test(file))).toEqual([]);
});

test('no sources, tests, sandbox, benchmarks, examples or scripts', () => {
	const forbidden = files.filter(
		(file) =>
			(/\.ts$/.test(file) && !/\.d\.ts$/.test(file)) ||
			/(^|\/)(test|sandbox|bench|examples|scripts|runtime)\//.test(file),
	);
	expect(forbidden).toEqual([]);
});

test('every node and credential n8n loads is in it, with its codex file and both icons', () => {
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(files).toContain(entry);
	for (const entry of pkg.n8n.nodes) expect(files).toContain(entry.replace(/\.js$/, '.json'));
	expect(files).toContain('dist/icons/scantrust.svg');
	expect(files).toContain('dist/icons/scantrust.dark.svg');
});

test('no runtime dependencies', () => {
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
});

module.exports = { files };
