'use strict';
/**
 * In a real n8n (2.41.1, `n8n start`): the SCM field list the editor loads for the resource mapper
 * (n8n's own `POST /rest/dynamic-node-parameters/resource-mapper-fields`, the call the editor
 * makes), a workflow saved with a resource-mapper value as the editor stores it (mappingMode,
 * value, schema, …) that writes a spreadsheet's "Lot Number" column to lot_number, and Code → Get
 * reading the codes back, with the unknown code as a "notFound" item.
 */
const fs = require('fs');
const { useExampleEnv, expectSuccess, nodeItems, nodeError, recordTiming } = require('./examples-support.js');

const env = useExampleEnv({ label: 'scm fields + code get' });

const PACKAGE = 'n8n-nodes-scantrust';
const COFFEE = 2208;

/** The fields the editor lists for the SCM Data node's mapper, through n8n's REST API. */
async function loadFields(campaign) {
	return env.n8n.rest('POST', '/dynamic-node-parameters/resource-mapper-fields', {
		path: 'parameters.columns',
		nodeTypeAndVersion: { name: `${PACKAGE}.scantrustScmData`, version: 2 },
		currentNodeParameters: {
			operation: 'update',
			dataKey: 'extended_id',
			campaign: { __rl: true, mode: 'list', value: String(campaign) },
		},
		methodName: 'getScmFields',
		credentials: { scantrustApi: env.credentials.scantrustApi },
	});
}

function workflow(id, csvPath, columns, { getOptions = {} } = {}) {
	const credentials = { scantrustApi: env.credentials.scantrustApi };
	return {
		id,
		name: `e2e ${id}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'n1', name: 'Run by hand', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'n2',
				name: 'Read lots.csv',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1.1,
				position: [200, 0],
				parameters: { operation: 'read', fileSelector: csvPath, options: {} },
			},
			{ id: 'n3', name: 'Extract CSV rows', type: 'n8n-nodes-base.extractFromFile', typeVersion: 1.1, position: [400, 0], parameters: { operation: 'csv', options: {} } },
			{
				id: 'n4',
				name: 'Write SCM data',
				type: `${PACKAGE}.scantrustScmData`,
				typeVersion: 2,
				position: [600, 0],
				parameters: {
					operation: 'update',
					dataKey: 'extended_id',
					extendedId: '={{ $json["Extended ID"] }}',
					campaign: { __rl: true, mode: 'list', value: String(COFFEE), cachedResultName: `Coffee (${COFFEE})` },
					columns,
					options: {},
				},
				credentials,
			},
			{
				id: 'n5',
				name: 'Get codes',
				type: `${PACKAGE}.scantrustCode`,
				typeVersion: 2,
				position: [800, 0],
				parameters: {
					operation: 'get',
					dataKey: 'extended_id',
					extendedId: '={{ $json.extended_id }}',
					options: { pollInterval: 1, ...getOptions },
				},
				credentials,
			},
		],
		connections: {
			'Run by hand': { main: [[{ node: 'Read lots.csv', type: 'main', index: 0 }]] },
			'Read lots.csv': { main: [[{ node: 'Extract CSV rows', type: 'main', index: 0 }]] },
			'Extract CSV rows': { main: [[{ node: 'Write SCM data', type: 'main', index: 0 }]] },
			'Write SCM data': { main: [[{ node: 'Get codes', type: 'main', index: 0 }]] },
		},
	};
}

let schema;

test('the editor’s field list for a campaign comes from Scantrust’s data, through n8n’s own endpoint', async () => {
	const started = Date.now();
	const result = await loadFields(COFFEE);
	recordTiming('resource mapper fields (editor)', { insideMs: Date.now() - started, wallMs: Date.now() - started });
	const keys = env.sandbox.state.campaigns.find((c) => c.id === COFFEE).scm_fields.map((f) => f.key);
	expect(result.fields.map((f) => f.id)).toEqual([...keys, 'product', 'activation_status', 'blacklist_reason']);
	expect(result.fields.find((f) => f.id === 'lot_number')).toMatchObject({ displayName: 'Lot Number · lot_number', type: 'string', display: true });
	schema = result.fields;
});

test('a saved workflow writes the "Lot Number" column to lot_number (automatic mapping), then Code → Get shows the codes', async () => {
	const codes = env.sandbox.state.codes.filter((c) => c.campaign === COFFEE).slice(0, 3);
	const csv = env.file('lots.csv');
	fs.writeFileSync(csv, `Extended ID,Lot Number,Production Date\n${codes.map((c, i) => `${c.extended_id},E2E-LOT-${i},2026-03-0${i + 1}`).join('\n')}\n`);
	const columns = { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema, attemptToConvertTypes: false, convertFieldsToString: false };
	const wf = workflow('stE2eScmFieldsAuto', csv, columns);
	await env.deploy(wf);

	// What n8n stored is what the editor would save: the resource-mapper value with its schema.
	const saved = await env.n8n.rest('GET', `/workflows/${wf.id}`);
	const node = saved.nodes.find((n) => n.name === 'Write SCM data');
	expect(node.typeVersion).toBe(2);
	expect(node.parameters.columns).toMatchObject({ mappingMode: 'autoMapInputData', schema: expect.any(Array) });
	expect(node.parameters.columns.schema.map((f) => f.id)).toContain('lot_number');

	const run = await env.runExample(wf.id);
	recordTiming('SCM v2 auto-map + Code Get', run);
	expectSuccess(run.ex);
	const written = nodeItems(run.ex, 'Write SCM data').map((i) => i.json);
	expect(written).toEqual(codes.map((c) => expect.objectContaining({ extended_id: c.extended_id, updated: true, fieldsWritten: ['lot_number', 'production_date'] })));
	const got = nodeItems(run.ex, 'Get codes').map((i) => i.json);
	codes.forEach((c, i) => {
		expect(got[i]).toMatchObject({ extended_id: c.extended_id, found: true, status: expect.stringMatching(/^(active|inactive|blacklisted)$/) });
		expect(got[i].scm).toMatchObject({ lot_number: `E2E-LOT-${i}`, production_date: `2026-03-0${i + 1}` });
	});
});

test('manual mapping: a date like 02/03/2026 stops the node before anything is sent, naming the item and the field', async () => {
	const [code] = env.sandbox.state.codes.filter((c) => c.campaign === COFFEE).slice(5, 6);
	const before = { ...code.scm };
	const csv = env.file('dates.csv');
	fs.writeFileSync(csv, `Extended ID,Made\n${code.extended_id},02/03/2026\n`);
	const columns = {
		mappingMode: 'defineBelow',
		value: { production_date: '={{ $json.Made }}' },
		matchingColumns: [],
		schema,
		attemptToConvertTypes: false,
		convertFieldsToString: false,
	};
	const wf = workflow('stE2eScmFieldsDate', csv, columns);
	await env.deploy(wf);
	const uploadsBefore = env.sandbox.log.filter((e) => e.path === '/api/v2/scm/upload/').length;
	const run = await env.runExample(wf.id);
	expect(run.ex.status).toBe('error');
	const error = nodeError(run.ex, 'Write SCM data');
	expect(error.message).toMatch(/^Item 0: "production_date" is "02\/03\/2026", a date not written YYYY-MM-DD/);
	expect(env.sandbox.log.filter((e) => e.path === '/api/v2/scm/upload/').length).toBe(uploadsBefore);
	expect(code.scm).toEqual(before);
});

test('Code → Get with "Unknown Code: Output notFound": an item an IF node can test', async () => {
	const known = env.sandbox.state.codes.find((c) => c.status === 2);
	const csv = env.file('lookup.csv');
	fs.writeFileSync(csv, `Extended ID,Lot Number\n${known.extended_id},E2E-KEEP\nNoSuchCode123,E2E-NONE\n`);
	const columns = { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema, attemptToConvertTypes: false, convertFieldsToString: false };
	const wf = workflow('stE2eCodeGetNotFound', csv, columns, { getOptions: { ifNotFound: 'output' } });
	await env.deploy(wf);
	const run = await env.runExample(wf.id);
	recordTiming('Code Get notFound', run);
	expectSuccess(run.ex);
	const got = nodeItems(run.ex, 'Get codes');
	expect(got.map((i) => i.json)).toEqual([
		expect.objectContaining({ extended_id: known.extended_id, found: true, status: 'blacklisted', blacklisted: true }),
		{ extended_id: 'NoSuchCode123', found: false, status: 'notFound' },
	]);
	expect(got.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
});
