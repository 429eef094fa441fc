// The baseline for bulk SCM updates: one request per code (what the HTTP Request node does with
// one item per request), started at exactly 10 requests per second, the documented limit, like
// the HTTP Request node's batching at 1 item per 100 ms: request k starts at t0 + k × 100 ms
// whether or not earlier answers arrived. A 429 is counted, not retried.
// Config: { baseUrl, token, codesFile, count, intervalMs }.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { config, main, measure } = require('./common');

function post(ext, lot) {
	const body = JSON.stringify({ data_key: 'extended_id', items: [{ extended_id: ext, lot_number: lot }] });
	return new Promise((resolve, reject) => {
		const request = http.request(
			`${config.baseUrl}/api/v2/scm/upload/`,
			{
				method: 'POST',
				headers: { Authorization: `UAT ${config.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
			},
			(response) => {
				const chunks = [];
				response.on('data', (chunk) => chunks.push(chunk));
				response.on('end', () => {
					JSON.parse(Buffer.concat(chunks).toString('utf8'));
					resolve(response.statusCode);
				});
				response.on('error', reject);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

const until = (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - performance.now())));

main(async () => {
	const codes = JSON.parse(fs.readFileSync(config.codesFile, 'utf8'));
	const interval = config.intervalMs ?? 100;
	await post(codes[codes.length - 1], 'WARM');
	await new Promise((resolve) => setTimeout(resolve, 1100));
	await measure(async () => {
		const t0 = performance.now();
		const sent = [];
		for (let k = 0; k < config.count; k++) {
			await until(t0 + k * interval);
			sent.push(post(codes[k], `BENCH-${config.round ?? 0}-${k}`));
		}
		const statuses = await Promise.all(sent);
		return {
			items: statuses.length,
			updated: statuses.filter((s) => s === 200).length,
			throttledReceived: statuses.filter((s) => s === 429).length,
		};
	});
});
