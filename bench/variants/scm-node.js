// Our SCM Data node (Update, default batch size) writing lot_number onto `count` codes, one input
// item per code, through n8n-core. Config: { baseUrl, token, codesFile, count }.
'use strict';
const fs = require('node:fs');
const { config, main, measure } = require('./common');
const { runNode } = require('../../test/harness/n8n');

const credentials = { scantrustApi: { environment: 'custom', baseUrl: config.baseUrl, token: config.token } };
const parameters = {
	operation: 'update',
	dataKey: 'extended_id',
	extendedId: '={{ $json.ext }}',
	mappingMode: 'defineBelow',
	fields: { field: [{ key: 'lot_number', value: '={{ $json.lot }}' }] },
	options: {},
};
const run = (input) => runNode({ type: 'scantrustScmData', parameters, credentials, input });

main(async () => {
	const codes = JSON.parse(fs.readFileSync(config.codesFile, 'utf8'));
	if (codes.length < config.count) throw new Error(`only ${codes.length} codes for ${config.count}`);
	const input = codes.slice(0, config.count).map((ext, i) => ({ json: { ext, lot: `BENCH-${config.round ?? 0}-${i}` } }));
	// Warm-up on the last code, then let the 1-second throttle window empty.
	const warm = await run([{ json: { ext: codes[codes.length - 1], lot: 'WARM' } }]);
	if (warm.error) throw warm.error;
	await new Promise((resolve) => setTimeout(resolve, 1100));
	await measure(async () => {
		const { items, error } = await run(input);
		if (error) throw error;
		return { items: items.length, updated: items.filter((item) => item.json.updated === true).length };
	});
});
