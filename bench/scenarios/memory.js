// Memory: big files and long exports through our nodes (issue 14). Each run is its own Node
// process against its own sandbox process (bench/variants/memory-node.js), so what is measured
// is the node's process alone: peak RSS over the RSS after a warm-up run (the idle baseline),
// and the wall of the measured run.
//
//   codeExport   Code → Export, the sandbox's synthetic export of N rows (about 120 bytes a row)
//   codeUpload   Code Upload → Add SIDs, file mode, a CSV code file of N bytes
//   scansToFile  Scan → Get Many → JSON Lines file, N scans; items mode beside it at the sizes
//                `ctx.sizes.memory.itemsBeside` (items hold every scan in memory, as before)
//
// Each is run at 10 % of its size and at the full size: flat means the growth stays the same.
'use strict';
const { runVariant } = require('../lib/variant');
const { startSandboxProcess } = require('../lib/sandbox');

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Whether the built Scan node has Output As (JSON Lines). Without it (the code before issue 14,
 * for the before/after figures) the scan rows are measured in items mode, and say so.
 */
function hasJsonLines() {
	const { ScantrustScan } = require(path.join(__dirname, '..', '..', 'dist', 'nodes', 'ScantrustScan', 'ScantrustScan.node.js'));
	return new ScantrustScan().description.properties.some((p) => p.name === 'outputAs');
}

const round = (v, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

async function once(ctx, sandboxOptions, config) {
	const sandbox = await startSandboxProcess({ latencyMs: ctx.latencyMs, throttle: false, ...sandboxOptions });
	try {
		const result = await runVariant('memory-node', { baseUrl: sandbox.baseUrl, token: sandbox.tokens.full, ...config });
		// A short export must not pass as a lean one: every scan of the sandbox is in the output.
		if (config.kind === 'scans' && result.scans !== config.size) {
			throw new Error(`Scan → Get Many (${config.outputAs ?? 'items'}) gave ${result.scans} of the sandbox's ${config.size} scans`);
		}
		const sample = {
			size: config.size,
			rssGrowthMb: round(result.peakRssMb - result.rssBeforeMb),
			wallS: round(result.wallMs / 1000, 2),
			cpuS: round(result.cpuMs / 1000, 2),
			peakRssMb: round(result.peakRssMb),
			rssBeforeMb: round(result.rssBeforeMb),
			...(result.bytes !== undefined ? { bytes: result.bytes, mb: round(result.bytes / 1e6) } : {}),
			...(result.scans !== undefined ? { scans: result.scans } : {}),
		};
		ctx.log(`  ${config.kind}${config.outputAs ? ` (${config.outputAs})` : ''} ${config.size}: +${sample.rssGrowthMb} MB over ${sample.rssBeforeMb} MB, ${sample.wallS} s`);
		return sample;
	} finally {
		await sandbox.close();
	}
}

/** A code file of `bytes` bytes: a header and one code ID per line, written in pieces. */
function codeFile(dir, bytes) {
	const file = path.join(dir, `codes-${bytes}.csv`);
	const fd = fs.openSync(file, 'w');
	const header = 'id\r\n';
	fs.writeSync(fd, header);
	const line = (i) => `BENCHUP${String(i).padStart(12, '0')}\r\n`;
	const width = line(0).length;
	let written = header.length;
	let i = 0;
	while (written + width <= bytes) {
		const count = Math.min(20_000, Math.floor((bytes - written) / width));
		const parts = [];
		for (let k = 0; k < count; k++) parts.push(line(i++));
		fs.writeSync(fd, parts.join(''));
		written += count * width;
	}
	if (written < bytes) fs.writeSync(fd, '\n'.repeat(bytes - written));
	fs.closeSync(fd);
	return file;
}

/** The full-size entry with the 10 % run beside it and the growth between them. */
function entry(scenario, unit, small, full, per) {
	return {
		scenario,
		unit,
		...full,
		...per(full),
		tenPercent: { ...small, ...per(small) },
		// Flat: what the full size needs beyond what a tenth of it needs.
		flatDeltaMb: round(full.rssGrowthMb - small.rssGrowthMb),
	};
}

const perMb = (sample) => ({ msPerMb: round((sample.wallS * 1000) / sample.mb, 2) });
const per1000 = (sample) => ({ msPer1000Scans: round((sample.wallS * 1000 * 1000) / sample.size, 1) });

async function memory(ctx) {
	const sizes = ctx.sizes.memory;
	const results = [];

	const exportRun = (rows) => once(ctx, { exportRows: rows, jobDelayMs: 50, scanCount: 100, codeCount: 200 }, { kind: 'codeExport', size: rows });
	const exportSmall = await exportRun(sizes.exportRows / 10);
	results.push(entry('codeExport', 'rows', exportSmall, await exportRun(sizes.exportRows), perMb));

	// The upload record is never processed here (the job would take the sandbox minutes): the node
	// creates it, sends the file and asks for processing, as without waiting for completion.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-bench-upload-'));
	try {
		const warmFile = codeFile(dir, 1000);
		const uploadRun = (bytes) =>
			once(ctx, { jobDelayMs: 3_600_000, scanCount: 100, codeCount: 200 }, { kind: 'codeUpload', size: bytes, file: codeFile(dir, bytes), warmFile });
		const uploadSmall = await uploadRun(sizes.uploadBytes / 10);
		results.push(entry('codeUpload', 'bytes', uploadSmall, await uploadRun(sizes.uploadBytes), perMb));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}

	const fileMode = hasJsonLines() ? 'jsonLines' : undefined;
	const scanRun = (scans, outputAs) => once(ctx, { scanCount: scans, codeCount: 2000 }, { kind: 'scans', size: scans, outputAs });
	const scansSmall = await scanRun(sizes.scans / 10, fileMode);
	const scansFull = await scanRun(sizes.scans, fileMode);
	const scans = entry('scansToFile', 'scans', scansSmall, scansFull, per1000);
	if (!fileMode) scans.outputAs = 'items (this build has no JSON Lines output)';
	scans.itemsBeside = [];
	for (const size of sizes.itemsBeside) {
		const file = size === scansSmall.size ? scansSmall : await scanRun(size, fileMode);
		const items = fileMode ? await scanRun(size, 'items') : file;
		scans.itemsBeside.push({
			size,
			jsonLines: { ...file, ...per1000(file) },
			items: { ...items, ...per1000(items) },
			wallRatio: round(file.wallS / items.wallS, 3),
		});
	}
	results.push(scans);
	return results;
}

module.exports = { memory };
