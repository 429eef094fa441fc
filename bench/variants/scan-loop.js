// The baseline: the cursor loop a careful person writes with Node's http module. GET the export
// with page_mode=cursor and the node's page size, JSON.parse, push the results, follow `next`
// unchanged until there is none. Config: { baseUrl, token, timeRange, pageSize }.
'use strict';
const http = require('node:http');
const { config, main, measure } = require('./common');

function getJson(url, token) {
	return new Promise((resolve, reject) => {
		const request = http.get(url, { headers: { Authorization: `UAT ${token}`, Accept: 'application/json' } }, (response) => {
			const chunks = [];
			response.on('data', (chunk) => chunks.push(chunk));
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				if (response.statusCode !== 200) reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`));
				else resolve(JSON.parse(text));
			});
			response.on('error', reject);
		});
		request.on('error', reject);
	});
}

async function exportScans(pageSize, limit = Infinity) {
	const scans = [];
	const query = new URLSearchParams({ page_mode: 'cursor', timeframe: config.timeRange, page_size: String(pageSize) });
	let url = `${config.baseUrl}/api/v2/dashboard/scans/?${query}`;
	while (url && scans.length < limit) {
		const page = await getJson(url, config.token);
		for (const scan of page.results) scans.push(scan);
		url = page.next;
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
		const scans = await exportScans(config.pageSize);
		return { items: scans.length };
	});
});
