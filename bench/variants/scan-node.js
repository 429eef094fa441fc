// Our Scan node (Get Many, Return All) through n8n-core's WorkflowExecute (test/harness/n8n.js),
// against the bench sandbox. Config: { baseUrl, token, timeRange, countUnique, order, parallelWindows,
// uuidsFile (the exported uuids in output order, one per line, for comparing two variants) }
// (parallelWindows unset: the node's default).
'use strict';
const fs = require('node:fs');
const { config, main, measure } = require('./common');
const { runNode } = require('../../test/harness/n8n');

const credentials = { scantrustApi: { environment: 'custom', baseUrl: config.baseUrl, token: config.token } };
const run = (parameters) =>
	runNode({ type: 'scantrustScan', parameters: { operation: 'getMany', ...parameters }, credentials });

main(async () => {
	// Warm-up, as in a running n8n: node and n8n-core loaded, one small request made.
	const warm = await run({ returnAll: false, limit: 10, timeRange: config.timeRange });
	if (warm.error) throw warm.error;
	await measure(async () => {
		const parameters = { returnAll: true, timeRange: config.timeRange };
		if (config.order) parameters.order = config.order;
		if (config.parallelWindows) parameters.options = { parallelWindows: config.parallelWindows };
		const { items, error } = await run(parameters);
		if (error) throw error;
		const result = { items: items.length };
		if (config.uuidsFile) fs.writeFileSync(config.uuidsFile, items.map((item) => item.json.scan.uuid).join('\n'));
		if (config.countUnique) result.uniqueItems = new Set(items.map((item) => item.json.scan.uuid)).size;
		return result;
	});
});
