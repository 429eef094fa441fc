// Starts bench/sandbox-server.js in its own process and talks to it over HTTP (the sandbox's
// /__sandbox/ control endpoints): request log, faults, new scans.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const SERVER = path.join(__dirname, '..', 'sandbox-server.js');

async function control(baseUrl, method, route, body) {
	const response = await fetch(`${baseUrl}/__sandbox/${route}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`sandbox control ${method} ${route}: ${response.status} ${text.slice(0, 300)}`);
	return text ? JSON.parse(text) : undefined;
}

/**
 * @param {object} options startSandbox options (scanCount, codeCount, latencyMs, ...) plus
 *   `codesFile`/`codesCount` (write that many extended IDs to a JSON file)
 */
function startSandboxProcess(options) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--max-old-space-size=4096', SERVER, JSON.stringify(options)], {
			stdio: ['pipe', 'pipe', 'inherit'],
		});
		let buffer = '';
		let ready = false;
		const fail = (error) => {
			if (!ready) reject(error);
		};
		child.on('error', fail);
		child.on('exit', (code, signal) => fail(new Error(`bench sandbox exited before it was ready (${code ?? signal})`)));
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (chunk) => {
			if (ready) return;
			buffer += chunk;
			const line = buffer.split('\n').find((l) => l.startsWith('READY '));
			if (!line) return;
			ready = true;
			const info = JSON.parse(line.slice('READY '.length));
			const baseUrl = info.baseUrl;
			const exited = new Promise((r) => child.once('exit', r));
			resolve({
				baseUrl,
				tokens: info.tokens,
				pid: child.pid,
				/** The sandbox's request counter: log entries after this belong to what runs next. */
				async seq() {
					return (await control(baseUrl, 'GET', 'state')).requests;
				},
				/** API log entries after `since`. */
				async log(since = 0) {
					return await control(baseUrl, 'GET', `log?since=${since}&origin=api`);
				},
				clearLog: () => control(baseUrl, 'DELETE', 'log'),
				setFaults: (spec) => control(baseUrl, 'POST', 'faults', spec),
				clearFaults: () => control(baseUrl, 'DELETE', 'faults'),
				addScans: (spec) => control(baseUrl, 'POST', 'scans', spec),
				reset: () => control(baseUrl, 'POST', 'reset'),
				state: () => control(baseUrl, 'GET', 'state'),
				/** How many codes carry SCM field `key` = `value` now (bench/sandbox-server.js's probe). */
				async codesWith(key, value) {
					const response = await fetch(`${info.probeUrl}/codes-with?${new URLSearchParams({ key, value })}`);
					if (!response.ok) throw new Error(`sandbox probe: ${response.status}`);
					return (await response.json()).count;
				},
				async close() {
					if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
					await exited;
				},
			});
		});
	});
}

/**
 * What the log says about a run: requests, 429s, other errors; `serviceMs`, the server's own
 * time for all of them (arrival to answer serialised, summed: what one request at a time can
 * never beat); `askedWaitMs`, the waits the server asked for in its Retry-After headers.
 */
function summarizeLog(entries, filter = () => true) {
	const picked = entries.filter(filter);
	return {
		requests: picked.length,
		throttled: picked.filter((e) => e.status === 429).length,
		errors: picked.filter((e) => e.status === null || (e.status >= 400 && e.status !== 429)).length,
		serviceMs: picked.reduce((sum, e) => sum + e.durationMs, 0),
		askedWaitMs: picked.reduce((sum, e) => sum + (e.retryAfterS ?? 0) * 1000, 0),
		askedWaitSpanMs: askedWaitSpan(picked),
	};
}

/**
 * The wall-clock time the server asked the client to stay away: the union of [answer, answer +
 * Retry-After] over the 429s. Equal to the sum when one request is in flight; smaller when
 * several requests were refused at once (their waits overlap).
 */
function askedWaitSpan(entries) {
	const spans = entries
		.filter((e) => e.retryAfterS)
		.map((e) => [Date.parse(e.time) + e.durationMs, Date.parse(e.time) + e.durationMs + e.retryAfterS * 1000])
		.sort((a, b) => a[0] - b[0]);
	let total = 0;
	let end = -Infinity;
	for (const [from, to] of spans) {
		if (to <= end) continue;
		total += to - Math.max(from, end);
		end = to;
	}
	return total;
}

/** When the sandbox received a logged request, and when its answer was ready (`time` is the arrival). */
const arrivedAt = (entry) => Date.parse(entry.time);
const answeredAt = (entry) => Date.parse(entry.time) + entry.durationMs;

module.exports = { startSandboxProcess, summarizeLog, arrivedAt, answeredAt };
