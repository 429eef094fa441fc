// The careful baseline for bulk SCM updates, as plain HTTP: what a Code node that packs
// `perBody` items into each body, followed by an HTTP Request node with Batching (1 item per
// `intervalMs`, 100 ms = the documented 10 requests per second), sends. Request k starts at
// t0 + k × interval whether or not earlier answers arrived, as the HTTP Request node's batching
// does (it sleeps between starts, then waits for all answers). A 429 is counted, not retried
// (the in-n8n scenario scmCareful shows what Retry On Fail does with it).
// Config: { baseUrl, token, codesFile, count, perBody, intervalMs }.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { config, main, measure } = require('./common');

function post(items) {
	const body = JSON.stringify({ data_key: 'extended_id', items });
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
					const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
					resolve({ status: response.statusCode, answer });
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
	const perBody = config.perBody ?? 100;
	await post([{ extended_id: codes[codes.length - 1], lot_number: 'WARM' }]);
	await new Promise((resolve) => setTimeout(resolve, 1100));
	await measure(async () => {
		// The Code node: one item per body.
		const bodies = [];
		for (let i = 0; i < config.count; i += perBody) {
			bodies.push(codes.slice(i, Math.min(i + perBody, config.count)).map((ext, k) => ({ extended_id: ext, lot_number: `BENCH-${config.round ?? 0}-${i + k}` })));
		}
		const t0 = performance.now();
		const sent = [];
		for (let k = 0; k < bodies.length; k++) {
			await until(t0 + k * interval);
			sent.push(post(bodies[k]));
		}
		const answers = await Promise.all(sent);
		// What the answers say: codes listed as updated in the 200 answers.
		const listed = answers.filter((a) => a.status === 200).reduce((n, a) => n + Object.keys(a.answer.items ?? {}).length, 0);
		return {
			items: config.count,
			bodies: bodies.length,
			updated: listed,
			throttledReceived: answers.filter((a) => a.status === 429).length,
		};
	});
});
