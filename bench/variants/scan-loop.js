// The baseline: the cursor loop a careful person writes with Node's http module. GET the export
// with page_mode=cursor and the node's page size, JSON.parse, push the results, follow `next`
// unchanged until there is none.
//
// With `prefetch: true` it is the best such loop: the same prefetch as the Scan node, done as
// well as plain Node allows. When a page has arrived (as text), the `next` link at its start
// (DRF writes it first) is read with a regular expression and the next request is sent; only
// once that request has been handed to the socket ('finish') is the page parsed, so parsing
// overlaps with the server's time for the next page. Still one request in flight, the same
// requests in the same order; a parsed `next` that differs from the one read ahead wins.
// Config: { baseUrl, token, timeRange, pageSize, prefetch, uuidsFile (the uuids in order, one per line) }.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { config, main, measure } = require('./common');

/** GET `url`; `.sent` resolves once the request is written out, `.body` with the answer's text. */
function getText(url, token) {
	let request;
	const body = new Promise((resolve, reject) => {
		request = http.get(url, { headers: { Authorization: `UAT ${token}`, Accept: 'application/json' } }, (response) => {
			const chunks = [];
			response.on('data', (chunk) => chunks.push(chunk));
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`));
				else resolve(text);
			});
			response.on('error', reject);
		});
		request.on('error', reject);
	});
	const sent = new Promise((resolve) => {
		request.once('finish', resolve);
		request.once('error', resolve);
	});
	return { body, sent };
}

/** The `next` link at the very start of a JSON answer, without parsing the rest. */
function leadingNext(text) {
	const match = /^\s*\{\s*"next"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text.slice(0, 4096));
	return match ? JSON.parse(match[1]) || undefined : undefined;
}

async function exportScans(pageSize, limit = Infinity, prefetch = false) {
	const scans = [];
	const query = new URLSearchParams({ page_mode: 'cursor', timeframe: config.timeRange, page_size: String(pageSize) });
	let pending = getText(`${config.baseUrl}/api/v2/dashboard/scans/?${query}`, config.token);
	while (pending && scans.length < limit) {
		const text = await pending.body;
		const ahead = prefetch ? leadingNext(text) : undefined;
		const prefetched = ahead ? getText(ahead, config.token) : undefined;
		if (prefetched) await prefetched.sent;
		const page = JSON.parse(text);
		for (const scan of page.results) scans.push(scan);
		if (prefetched && page.next !== ahead) prefetched.body.catch(() => undefined); // read ahead for nothing
		const more = page.next && scans.length < limit;
		pending = more ? (page.next === ahead ? prefetched : getText(page.next, config.token)) : undefined;
	}
	return scans;
}

main(async () => {
	if (config.warmSandboxOnly) {
		// Not a measurement: warms up the sandbox's own code before the first measured round.
		await exportScans(config.pageSize, config.warmSandboxOnly);
		process.stdout.write('{}\n');
		return;
	}
	await exportScans(10, 10); // the same warm-up as the node's: one small request
	await measure(async () => {
		const scans = await exportScans(config.pageSize, Infinity, config.prefetch === true);
		if (config.uuidsFile) fs.writeFileSync(config.uuidsFile, scans.map((scan) => scan.scan.uuid).join('\n'));
		return { items: scans.length };
	});
});
