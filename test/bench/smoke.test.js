// CI smoke check of the benchmarks: `node bench/run.js --small` still runs every scenario and
// writes every number docs/performance.md promises. No timing is asserted: at these sizes, with
// the scenarios running side by side, the numbers mean nothing. The inside-n8n scenario runs only
// when the n8n runtime is already installed (the end-to-end step installs it; this never does).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { runtimeInstalled } = require('../../bench/scenarios/n8n-export');

const ROOT = path.resolve(__dirname, '../..');

function run(args) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (c) => (output += c));
		child.stderr.on('data', (c) => (output += c));
		child.on('close', (code) => resolve({ code, output }));
	});
}

const get = (object, dotted) => dotted.split('.').reduce((o, k) => (o == null ? undefined : o[k]), object);

/** Every number in the results, with its path. */
function numbers(value, at = '', out = []) {
	if (typeof value === 'number') out.push([at, value]);
	else if (value && typeof value === 'object') {
		for (const [key, inner] of Object.entries(value)) numbers(inner, at ? `${at}.${key}` : key, out);
	}
	return out;
}

const REQUIRED = [
	'scanExport.overheadRatio',
	'scanExport.peakRssMb.node',
	'scanExport.peakRssMb.loop',
	'scmBulk.requestRatio',
	'scmBulk.wallRatio',
	'scmBulk.throttled',
	'scmBulk.large.wallMs',
	'storm.waitEfficiency',
	'storm.itemsLost',
	'triggerIdle.requestsPerPoll',
	'triggerIdle.afterNewScans.wallMs',
	'triggerIdle.afterNewScans.requests',
	'memory.0.rssGrowthMb',
	'memory.1.rssGrowthMb',
	'memory.2.rssGrowthMb',
];
const N8N_REQUIRED = ['n8nExport.wallRatio', 'n8nExport.scanNode.wallMs', 'n8nExport.httpRequest.wallMs'];

test('npm run bench works end to end at tiny sizes and reports every number', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-bench-smoke-'));
	const out = path.join(dir, 'results.json');
	const withN8n = runtimeInstalled();
	const args = ['bench/run.js', '--small', '--parallel', '--no-install', '--out', out];
	if (!withN8n) args.push('--skip', 'n8nExport');
	try {
		const { code, output } = await run(args);
		if (code !== 0) throw new Error(`bench/run.js --small exited with ${code}:\n${output.slice(-4000)}`);
		const results = JSON.parse(fs.readFileSync(out, 'utf8'));

		for (const key of [...REQUIRED, ...(withN8n ? N8N_REQUIRED : [])]) {
			expect([key, Number.isFinite(get(results, key))]).toEqual([key, true]);
		}
		expect(results.growth).toHaveLength(3);
		expect(results.memory.map((m) => m.scenario)).toEqual(['codeExport', 'codeUpload', 'scansToFile']);
		for (const m of results.memory) {
			for (const key of ['size', 'rssGrowthMb', 'wallS']) expect([m.scenario, key, Number.isFinite(m[key])]).toEqual([m.scenario, key, true]);
		}
		for (const row of results.growth) {
			for (const key of ['scans', 'wallMs', 'peakRssMb']) expect([key, Number.isFinite(row[key])]).toEqual([key, true]);
		}
		// Nothing anywhere is NaN or infinite, and the table names every scenario that ran.
		expect(numbers(results).filter(([, v]) => !Number.isFinite(v))).toEqual([]);
		expect(results.targets.map((t) => t.key)).toEqual(expect.arrayContaining(['scanExport.overheadRatio', 'storm.itemsLost']));
		expect(output).toMatch(/1\. Scan export[\s\S]*6\. Growth/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}, 300_000);
