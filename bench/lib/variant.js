// Runs one measured variant in its own Node process, so its peak RSS is its own, and returns
// the JSON the variant prints as its last stdout line.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const VARIANTS = path.join(__dirname, '..', 'variants');

/** Flags that every variant process gets, ours and the baselines alike. */
const NODE_FLAGS = ['--max-old-space-size=6144'];

let profileDir;
/** `--cpu-prof <dir>`: every variant writes a .cpuprofile of its measured section into this folder. */
function setProfileDir(dir) {
	profileDir = dir;
	if (dir) fs.mkdirSync(dir, { recursive: true });
}

function runVariant(name, config, { timeoutMs = 30 * 60_000 } = {}) {
	// BENCH_NODE_FLAGS: extra V8 flags for a diagnosis (say `--trace-gc-nvp`), never for a figure.
	const args = [...NODE_FLAGS, ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [])];
	args.push(path.join(VARIANTS, `${name}.js`));
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, {
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), ...(profileDir ? { BENCH_PROFILE_DIR: profileDir } : {}) },
		});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
		child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			// BENCH_STDOUT_FILE: the variant's whole stdout (V8's --trace-gc lines, say) for a diagnosis.
			if (process.env.BENCH_STDOUT_FILE) fs.appendFileSync(process.env.BENCH_STDOUT_FILE, stdout);
			const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
			if (code !== 0 || !line) {
				reject(new Error(`variant ${name} failed (${code ?? signal}):\n${stderr.slice(-3000)}${stdout.slice(-1000)}`));
				return;
			}
			resolve(JSON.parse(line));
		});
	});
}

module.exports = { runVariant, setProfileDir };
