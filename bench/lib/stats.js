'use strict';
const fs = require('node:fs');
const os = require('node:os');

function median(values) {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (!sorted.length) return NaN;
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (value, digits = 0) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

function cpuModel() {
	try {
		const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
		if (line) return line.split(':').slice(1).join(':').trim();
	} catch {
		// not Linux
	}
	return os.cpus()[0]?.model ?? 'unknown';
}

function machine() {
	return {
		nproc: typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length,
		memoryGb: round(os.totalmem() / 1024 ** 3, 1),
		cpuModel: cpuModel(),
		node: process.version,
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
	};
}

module.exports = { median, round, machine };
