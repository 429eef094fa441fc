// Shared pieces of the reliability suite (test/reliability/*.test.js): the fault mix, counting
// what the sandbox's request log says happened, and recording the figures for docs/reliability.md.
//
// Figures: every test calls record(section, row). With RELIABILITY_REPORT=<file> set, rows are
// appended to that file as JSON lines (docs/reliability.md is written from them); without it
// nothing is written, so CI runs leave no files behind.
const fs = require('node:fs');
// n8n-core keeps its own copy of the DI container; use that one.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] }));
const { BinaryDataService } = require('n8n-core');

/**
 * The mixed fault load of the issue: 5 % 503, 5 % dropped connections (half before, half after
 * the server applied the request), 429 bursts and latency spikes. Deterministic: probabilities
 * are drawn from the sandbox seed's PRNG, restarted by every faults.set().
 */
function mixedFaults(overrides = {}) {
	return {
		errors: { status: 503, probability: 0.05 },
		drop: [{ probability: 0.025 }, { probability: 0.025, afterApply: true }],
		// Every 60th request opens a 1-second burst in which every request gets 429 (Retry-After: 1).
		throttle: { every: 60, durationMs: 1000, retryAfter: 1 },
		spikes: { probability: 0.05, ms: 300 },
		...overrides,
	};
}

/** API requests in the log (the control endpoints are never logged). */
function apiEntries(sandbox, filter = () => true) {
	return sandbox.log.filter((entry) => entry.origin === 'api' && filter(entry));
}

/** Request and fault counts over log entries: { requests, faults: { 'error-503': n, drop: n, ... }, faulted }. */
function faultCounts(entries) {
	const faults = {};
	let faulted = 0;
	for (const entry of entries) {
		if (!entry.faulted) continue;
		faulted++;
		for (const label of String(entry.faulted).split(',')) faults[label] = (faults[label] ?? 0) + 1;
	}
	return { requests: entries.length, faulted, faults };
}

/**
 * A request that reached the application and changed something: answered 2xx, or dropped after
 * the server applied it. Requests refused by a fault (503, 429, dropped before) applied nothing.
 */
function applied(entry) {
	if (entry.faulted && String(entry.faulted).startsWith('drop-after-apply')) return true;
	return entry.status !== null && entry.status >= 200 && entry.status < 300;
}

function record(section, row) {
	const file = process.env.RELIABILITY_REPORT;
	if (!file) return;
	fs.appendFileSync(file, `${JSON.stringify({ section, ...row })}\n`);
}

/** Lists the same values more than once? Returns the repeated ones. */
function duplicates(values) {
	const seen = new Set();
	const repeated = new Set();
	for (const value of values) {
		if (seen.has(value)) repeated.add(value);
		seen.add(value);
	}
	return [...repeated];
}

/** A plain HTTP call to the sandbox API, for references taken before faults are switched on. */
async function api(sandbox, method, path, { body, token = sandbox.tokens.full } = {}) {
	const url = /^https?:/.test(path) ? path : `${sandbox.apiUrl}${path}`;
	const response = await fetch(url, {
		method,
		headers: { Authorization: `UAT ${token}`, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON (a file, an HTML error page)
	}
	return { status: response.status, body: parsed, headers: response.headers };
}

/** Every page of a cursor or limit/offset list, following `next` as given. */
async function listAll(sandbox, path) {
	const results = [];
	let url = `${sandbox.apiUrl}${path}`;
	while (url) {
		const { status, body } = await api(sandbox, 'GET', url);
		if (status !== 200) throw new Error(`reference list ${url}: HTTP ${status}`);
		results.push(...body.results);
		url = body.next;
	}
	return results;
}

/**
 * The transport's own backoff (500 ms base, doubling) scaled down tenfold for the fault suites, so
 * a few hundred faults cost seconds, not minutes. The retry decisions are unchanged, and waits the
 * server asks for (Retry-After on 429) are still honoured as sent. Call at the top of a test file.
 */
function useFastBackoff() {
	const { ROOT } = require('../harness/n8n');
	const { RETRY } = require(require('node:path').join(ROOT, 'dist/nodes/shared/transport/constants'));
	const saved = { ...RETRY };
	beforeAll(() => {
		RETRY.backoffBaseMs = 50;
		RETRY.backoffCapMs = 2000;
	});
	afterAll(() => Object.assign(RETRY, saved));
}

/** The bytes of a binary output (n8n keeps them in memory or in its binary data store). */
async function binaryBuffer(binary) {
	return binary.id ? await Container.get(BinaryDataService).getAsBuffer(binary) : Buffer.from(binary.data, 'base64');
}

/**
 * A tiny reverse proxy in front of the sandbox API, as a user might run one: requests under
 * `prefix` are forwarded with the prefix stripped (the Host header kept, so the sandbox's absolute
 * links name the proxy, without the prefix). `intercept(req, path)` may answer a request itself
 * (return true after writing the response); `rewrite(path, json)` may change a JSON answer.
 * Returns { url, requests, close() }; `requests` lists { method, path, authorization } as received.
 */
async function startProxy(sandbox, { prefix = '', intercept, rewrite } = {}) {
	const http = require('node:http');
	const target = new URL(sandbox.baseUrl);
	const requests = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, path: req.url, authorization: req.headers.authorization !== undefined });
		const url = new URL(req.url, 'http://proxy.invalid');
		if (!url.pathname.startsWith(`${prefix}/`)) {
			res.writeHead(404, { 'Content-Type': 'text/plain' });
			return res.end('not behind this proxy');
		}
		const path = url.pathname.slice(prefix.length) + url.search;
		if (intercept && intercept(req, res, path)) return;
		const upstream = http.request(
			{ host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
			(answer) => {
				const chunks = [];
				answer.on('data', (chunk) => chunks.push(chunk));
				answer.on('end', () => {
					let body = Buffer.concat(chunks);
					const headers = { ...answer.headers };
					if (rewrite && String(headers['content-type'] ?? '').includes('json') && body.length) {
						const changed = rewrite(url.pathname.slice(prefix.length), JSON.parse(body.toString('utf8')));
						if (changed !== undefined) body = Buffer.from(JSON.stringify(changed));
					}
					headers['content-length'] = String(body.length);
					res.writeHead(answer.statusCode, headers);
					res.end(body);
				});
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}${prefix}`,
		origin: `http://127.0.0.1:${server.address().port}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/**
 * A server that records what it is sent and never answers (or answers with `respond`), standing in
 * for a hung file store or a foreign origin. Returns { url, requests, close() }.
 */
async function startOtherOrigin({ respond } = {}) {
	const http = require('node:http');
	const requests = [];
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method, path: req.url, authorization: req.headers.authorization });
		req.resume();
		if (respond) respond(req, res);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { startProxy, startOtherOrigin, useFastBackoff, binaryBuffer, mixedFaults, apiEntries, faultCounts, applied, record, duplicates, api, listAll };
