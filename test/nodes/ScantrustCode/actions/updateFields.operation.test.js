// Code → Update Fields, node version 2: the same campaign-field mapper as SCM Data → Update
// (nodes/shared/scmMapper.ts), on one code per input item.
const { runNode, runResourceMapping, sandboxCredential } = require('../../../harness/n8n');
const { useSandbox, apiRequests } = require('../../../helpers/sandbox');

const getSandbox = useSandbox({ codeCount: 1500 });
let sandbox;
let schema;
beforeAll(async () => {
	sandbox = getSandbox();
	({ fields: schema } = await runResourceMapping({
		type: 'scantrustCode',
		method: 'getScmFields',
		credentials: sandboxCredential(sandbox),
		parameters: { operation: 'updateFields', campaign: { __rl: true, mode: 'id', value: '2207' } },
	}));
});
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const dairyCodes = () => sandbox.state.codes.filter((c) => c.campaign === 2207);
const updateFields = (columns, input, options = {}) =>
	runNode({
		type: 'scantrustCode',
		typeVersion: 2,
		parameters: {
			operation: 'updateFields',
			dataKey: 'serial_number',
			serialNumber: '={{ $json["Serial Number"] }}',
			campaign: { __rl: true, mode: 'id', value: '2207' },
			columns: { matchingColumns: [], schema, attemptToConvertTypes: false, convertFieldsToString: false, ...columns },
			options,
		},
		credentials: sandboxCredential(sandbox),
		input,
	});

test('the Code node offers the campaign’s fields too', () => {
	expect(schema.map((f) => f.id)).toEqual(['production_date', 'intended_market', 'lot_number', 'case_number', 'rfid', 'product', 'activation_status', 'blacklist_reason']);
});

test('manual mapping by serial number writes the picked fields', async () => {
	const target = dairyCodes().find((c) => c.serial_number);
	const { items, error } = await updateFields(
		{ mappingMode: 'defineBelow', value: { rfid: '={{ $json.tag }}', intended_market: 'CH' } },
		[{ json: { 'Serial Number': target.serial_number, tag: 'E200-3412' } }],
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ serial_number: target.serial_number, updated: true, fieldsWritten: ['rfid', 'intended_market'] });
	expect(target.scm).toMatchObject({ rfid: 'E200-3412', intended_market: 'CH' });
});

test('automatic mapping: "Case Number" goes to case_number; "Notes" is refused before anything is sent', async () => {
	const [a, b] = dairyCodes().filter((c) => c.serial_number);
	const ok = await updateFields({ mappingMode: 'autoMapInputData', value: null }, [{ json: { 'Serial Number': a.serial_number, 'Case Number': 'C-9' } }]);
	expect(ok.error).toBeUndefined();
	expect(a.scm.case_number).toBe('C-9');
	sandbox.clearLog();
	const bad = await updateFields({ mappingMode: 'autoMapInputData', value: null }, [{ json: { 'Serial Number': b.serial_number, Notes: 'x' } }]);
	expect(bad.error.message).toMatch(/^Item 0: "Notes" matches no SCM field of campaign 2207/);
	expect(apiRequests(sandbox, 'POST', '/scm/upload/')).toHaveLength(0);
});
