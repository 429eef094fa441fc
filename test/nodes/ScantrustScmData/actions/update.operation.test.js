// SCM Data → Update, node version 2: fields picked from the campaign (resource mapper), columns
// matched by normalised name, values that do not fit refused before sending or warned about per
// item; version 1 (saved workflows) keeps its free-text keys and now warns about such dates.
const { runNode, runResourceMapping, sandboxCredential } = require('../../../harness/n8n');
const { useSandbox, apiRequests } = require('../../../helpers/sandbox');

const getSandbox = useSandbox({ codeCount: 3000 });
let sandbox;
let coffeeSchema;
beforeAll(async () => {
	sandbox = getSandbox();
	// The schema the editor saves in the workflow, as the resource mapper loaded it.
	({ fields: coffeeSchema } = await runResourceMapping({
		type: 'scantrustScmData',
		method: 'getScmFields',
		credentials: sandboxCredential(sandbox),
		parameters: { operation: 'update', campaign: { __rl: true, mode: 'id', value: '2208' } },
	}));
});
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const COFFEE = 2208; // production_date, lot_number, farm_name, organic, intended_market
const codesOf = (campaign) => sandbox.state.codes.filter((c) => c.campaign === campaign);
const uploads = () => apiRequests(sandbox, 'POST', '/scm/upload/').filter((e) => !e.path.includes('async'));

const columns = (mappingMode, value = null) => ({
	mappingMode,
	value,
	matchingColumns: [],
	schema: coffeeSchema,
	attemptToConvertTypes: false,
	convertFieldsToString: false,
});

const update = (parameters, extra = {}) =>
	runNode({
		type: 'scantrustScmData',
		typeVersion: extra.typeVersion ?? 2,
		parameters: {
			operation: 'update',
			dataKey: 'extended_id',
			extendedId: '={{ $json["Extended ID"] }}',
			campaign: { __rl: true, mode: 'list', value: String(COFFEE), cachedResultName: 'Coastal Coffee (2208)' },
			...parameters,
		},
		credentials: sandboxCredential(sandbox),
		input: extra.input,
		continueOnFail: extra.continueOnFail,
	});

test('the editor saved a schema of the campaign fields (the resource mapper had something to show)', () => {
	expect(coffeeSchema.map((f) => f.id)).toEqual(expect.arrayContaining(['lot_number', 'farm_name', 'production_date']));
});

test('manual mapping: the picked fields are written from expressions, paired, nothing else', async () => {
	const targets = codesOf(COFFEE).slice(0, 2);
	const input = targets.map((c, i) => ({ json: { 'Extended ID': c.extended_id, lot: `LOT-RM-${i}`, farm: 'Finca Alta' } }));
	const { items, error, hints } = await update(
		{ columns: columns('defineBelow', { lot_number: '={{ $json.lot }}', farm_name: '={{ $json.farm }}' }), options: {} },
		{ input },
	);
	expect(error).toBeUndefined();
	expect(items.map((i) => i.json)).toEqual(
		targets.map((c) => ({ extended_id: c.extended_id, status: 'updated', updated: true, codeFound: true, fieldsWritten: ['lot_number', 'farm_name'], fieldsNotWritten: [] })),
	);
	targets.forEach((c, i) => expect(c.scm).toMatchObject({ lot_number: `LOT-RM-${i}`, farm_name: 'Finca Alta' }));
	expect(hints).toEqual([]);
	expect(uploads()).toHaveLength(1);
});

test('automatic mapping: spreadsheet headers "Lot Number" and "Production Date" go to lot_number and production_date', async () => {
	const target = codesOf(COFFEE)[3];
	const input = [{ json: { 'Extended ID': target.extended_id, 'Lot Number': 'L-77', 'Production Date': '2026-03-02' } }];
	const { items, error } = await update({ columns: columns('autoMapInputData'), options: {} }, { input });
	expect(error).toBeUndefined();
	expect(items[0].json.fieldsWritten).toEqual(['lot_number', 'production_date']);
	expect(target.scm).toMatchObject({ lot_number: 'L-77', production_date: '2026-03-02' });
});

test('automatic mapping: a column the campaign lacks is refused before sending, naming the item, the column and the fields', async () => {
	const targets = codesOf(COFFEE).slice(0, 2);
	const input = [
		{ json: { 'Extended ID': targets[0].extended_id, 'Lot Number': 'L-1' } },
		{ json: { 'Extended ID': targets[1].extended_id, 'Lot Number': 'L-2', Colour: 'red' } },
	];
	const { error } = await update({ columns: columns('autoMapInputData'), options: {} }, { input });
	expect(error.message).toMatch(/^Item 1: "Colour" matches no SCM field of campaign Coastal Coffee \(2208\) \(its SCM fields: production_date, lot_number, farm_name, organic, intended_market\); add it to "Input Fields to Ignore"/);
	expect(uploads()).toHaveLength(0);
});

test('…or left out with a per-item warning and a hint above the output, the other fields written', async () => {
	const target = codesOf(COFFEE)[4];
	const input = [{ json: { 'Extended ID': target.extended_id, 'Lot Number': 'L-3', Colour: 'red', row_number: 2 } }];
	const { items, error, hints } = await update(
		{ columns: columns('autoMapInputData'), options: { unknownFields: 'warn', fieldsToIgnore: 'row_number' } },
		{ input },
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ updated: true, fieldsWritten: ['lot_number'] });
	expect(items[0].json.warnings).toEqual([expect.stringMatching(/^Column "Colour" matches no SCM field of campaign Coastal Coffee \(2208\)/)]);
	expect(target.scm.lot_number).toBe('L-3');
	expect(hints).toEqual([expect.objectContaining({ type: 'warning', message: expect.stringMatching(/^1 of 1 items have warnings/) })]);
});

test('a date like 02/03/2026 is refused before sending, naming the item and the field', async () => {
	const target = codesOf(COFFEE)[5];
	const { error } = await update(
		{ columns: columns('defineBelow', { production_date: '={{ $json.date }}' }), options: {} },
		{ input: [{ json: { 'Extended ID': target.extended_id, date: '02/03/2026' } }] },
	);
	expect(error.message).toMatch(/^Item 0: "production_date" is "02\/03\/2026", a date not written YYYY-MM-DD \(e\.g\. 2026-03-02\)/);
	expect(uploads()).toHaveLength(0);
});

test('…or, when asked, sent as is (the API stores it as sent) with a warning on the item', async () => {
	const target = codesOf(COFFEE)[6];
	const { items, error, hints } = await update(
		{ columns: columns('defineBelow', { production_date: '={{ $json.date }}' }), options: { nonIsoDates: 'warn' } },
		{ input: [{ json: { 'Extended ID': target.extended_id, date: '02/03/2026' } }] },
	);
	expect(error).toBeUndefined();
	expect(items[0].json.warnings).toEqual([expect.stringMatching(/^production_date is "02\/03\/2026", a date not written/)]);
	expect(target.scm.production_date).toBe('02/03/2026');
	expect(hints).toHaveLength(1);
});

test('a field Scantrust did not write (the code is in another campaign) is a warning, not silent green', async () => {
	const dairyCode = codesOf(2207)[0];
	const { items, error, hints } = await update(
		{ columns: columns('defineBelow', { farm_name: 'Finca Alta' }), options: {} },
		{ input: [{ json: { 'Extended ID': dairyCode.extended_id } }] },
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ updated: false, codeFound: true, fieldsNotWritten: ['farm_name'] });
	expect(items[0].json.warnings).toEqual([expect.stringMatching(/^Not written: farm_name/)]);
	expect(hints).toHaveLength(1);
});

test('the column that selects the codes is never written, in any spelling', async () => {
	const target = codesOf(COFFEE)[7];
	const { items, error } = await update(
		{ columns: columns('autoMapInputData'), options: {} },
		{ input: [{ json: { 'Extended ID': target.extended_id, 'Farm Name': 'Finca Baja' } }] },
	);
	expect(error).toBeUndefined();
	expect(items[0].json.fieldsWritten).toEqual(['farm_name']);
	expect(JSON.stringify(sandbox.log.filter((e) => e.path.includes('/scm/upload/')))).not.toContain('Extended ID');
});

test('no field list saved (nothing told the fields yet): automatic mapping still writes "Lot Number" as lot_number, unchecked', async () => {
	const target = codesOf(COFFEE)[10];
	const { items, error } = await update(
		{ columns: { ...columns('autoMapInputData'), schema: [] }, options: {} },
		{ input: [{ json: { 'Extended ID': target.extended_id, 'Lot Number': 'L-NOSCHEMA', Colour: 'red' } }] },
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ fieldsWritten: ['lot_number'], fieldsNotWritten: ['colour'] });
	expect(items[0].json.warnings).toEqual([expect.stringMatching(/^Not written: colour/)]);
	expect(target.scm.lot_number).toBe('L-NOSCHEMA');
});

test('…or, for a sheet spanning campaigns, sent under the normalised name; Scantrust keeps it where the code’s campaign has it', async () => {
	const coffee = codesOf(COFFEE)[11];
	const dairy = codesOf(2207)[1];
	const input = [
		{ json: { 'Extended ID': coffee.extended_id, 'Farm Name': 'Finca Sol', RFID: '' } },
		{ json: { 'Extended ID': dairy.extended_id, 'Farm Name': '', RFID: 'E200-77' } },
	];
	const { items, error } = await update({ columns: columns('autoMapInputData'), options: { unknownFields: 'send' } }, { input });
	expect(error).toBeUndefined();
	expect(items.map((i) => i.json.fieldsWritten)).toEqual([['farm_name'], ['rfid']]);
	expect(coffee.scm.farm_name).toBe('Finca Sol');
	expect(dairy.scm.rfid).toBe('E200-77');
});

test('two columns for the same field are refused', async () => {
	const target = codesOf(COFFEE)[8];
	const { error } = await update(
		{ columns: columns('autoMapInputData'), options: {} },
		{ input: [{ json: { 'Extended ID': target.extended_id, 'Lot Number': 'A', lot_number: 'B' } }] },
	);
	expect(error.message).toBe('Item 0: "lot_number" and "Lot Number" both go to the SCM field lot_number; keep one');
});

test('version 1 (saved workflows) keeps its parameters; a non-ISO date is still sent, now with a warning', async () => {
	const target = codesOf(COFFEE)[9];
	const { items, error } = await update(
		{
			campaign: undefined,
			mappingMode: 'defineBelow',
			fields: { field: [{ key: 'production_date', value: '={{ $json.date }}' }] },
			options: {},
		},
		{ typeVersion: 1, input: [{ json: { 'Extended ID': target.extended_id, date: '02/03/2026' } }] },
	);
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({ updated: true, fieldsWritten: ['production_date'] });
	expect(items[0].json.warnings).toEqual([expect.stringMatching(/^production_date is "02\/03\/2026", a date not written/)]);
	expect(target.scm.production_date).toBe('02/03/2026');
});
