// The SCM fields the editor offers (resource mapper): learnt from Scantrust's own data (one scan
// page, then the export of one code), called through n8n-core's LoadOptionsContext.
const { runListSearch, runResourceMapping, sandboxCredential, ROOT } = require('../../harness/n8n');
const { useSandbox, apiRequests } = require('../../helpers/sandbox');
const { startSandbox } = require('../../../sandbox');
const { normaliseFieldName, nonIsoDateProblem } = require(`${ROOT}/dist/nodes/shared/scmValues.js`);

const getSandbox = useSandbox({ codeCount: 2000 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

const fieldsOf = (sb, campaign) =>
	runResourceMapping({
		type: 'scantrustScmData',
		method: 'getScmFields',
		credentials: sandboxCredential(sb),
		parameters: { operation: 'update', campaign: { __rl: true, mode: 'list', value: String(campaign) } },
	});

describe('SCM fields of a campaign', () => {
	test.each([2207, 2208, 2209])('campaign %i: its SCM field keys, then the special fields, from one scan page and a one-code export', async (campaign) => {
		const { fields, emptyFieldsNotice } = await fieldsOf(sandbox, campaign);
		expect(emptyFieldsNotice).toBeUndefined();
		const keys = sandbox.state.campaigns.find((c) => c.id === campaign).scm_fields.map((f) => f.key);
		expect(fields.map((f) => f.id)).toEqual([...keys, 'product', 'activation_status', 'blacklist_reason']);
		expect(fields.find((f) => f.id === 'lot_number' || f.id === 'case_number').displayName).toMatch(/^(Lot|Case) Number · /);
		for (const field of fields) expect(field).toMatchObject({ type: 'string', required: false, display: true });
		const scans = apiRequests(sandbox, 'GET', '/dashboard/scans/');
		expect(scans).toHaveLength(1);
		expect(scans[0].query).toMatchObject({ campaign_id: String(campaign), page_size: '20', page_mode: 'cursor' });
		const exportsStarted = apiRequests(sandbox, 'GET', '/codes/download/');
		expect(exportsStarted).toHaveLength(1);
		expect(Object.keys(exportsStarted[0].query).sort()).toEqual(['campaign', 'extended_id']);
	});

	test('no campaign chosen: a notice, nothing asked', async () => {
		const { fields, emptyFieldsNotice } = await runResourceMapping({
			type: 'scantrustScmData',
			method: 'getScmFields',
			credentials: sandboxCredential(sandbox),
			parameters: { operation: 'update', campaign: { __rl: true, mode: 'list', value: '' } },
		});
		expect(fields).toEqual([]);
		expect(emptyFieldsNotice).toMatch(/^Choose the campaign first/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('a token without scans_download: the notice names the permission', async () => {
		const token = sandbox.createToken(['codes_view', 'product_view'], 'no-scans');
		const { fields, emptyFieldsNotice } = await fieldsOf({ ...sandbox, tokens: { full: token } }, 2207);
		expect(fields).toEqual([]);
		expect(emptyFieldsNotice).toContain('the UAT token lacks scans_download');
	});
});

describe('a campaign none of whose codes was scanned', () => {
	let empty;
	beforeAll(async () => {
		empty = await startSandbox({ seed: 3, scanCount: 0, codeCount: 300, jobDelayMs: 200 });
	});
	afterAll(async () => empty?.close());

	test('the editor says why no field is listed and what to do; no export is started', async () => {
		const { fields, emptyFieldsNotice } = await fieldsOf(empty, 2208);
		expect(fields).toEqual([]);
		expect(emptyFieldsNotice).toContain('no code of campaign 2208 was scanned in the last year');
		expect(emptyFieldsNotice).toContain('Map Automatically');
		expect(apiRequests(empty, 'GET', '/codes/download/')).toHaveLength(0);
	});
});

test('the campaign list: every campaign of the products once, with its name and ID, filterable', async () => {
	const list = await runListSearch({
		type: 'scantrustScmData',
		method: 'searchCampaigns',
		credentials: sandboxCredential(sandbox),
	});
	const expected = sandbox.state.campaigns.map((c) => ({ name: `${c.name} (${c.id})`, value: String(c.id) }));
	expect([...list.results].sort((a, b) => a.value.localeCompare(b.value))).toEqual(expected);
	const filtered = await runListSearch({
		type: 'scantrustScmData',
		method: 'searchCampaigns',
		filter: sandbox.state.campaigns[1].name.slice(0, 6).toLowerCase(),
		credentials: sandboxCredential(sandbox),
	});
	expect(filtered.results.map((r) => r.value)).toContain('2208');
});

describe('names and values', () => {
	test.each([
		['Lot Number', 'lot_number'],
		['lot-number', 'lot_number'],
		['  LOT_NUMBER ', 'lot_number'],
		['Production date (YYYY-MM-DD)', 'production_date_yyyy_mm_dd'],
		['Café origin', 'cafe_origin'],
	])('"%s" is matched as %s', (name, key) => expect(normaliseFieldName(name)).toBe(key));

	test.each(['02/03/2026', '2.3.26', '2026/03/02', '2026-3-2', '2 March 2026', 'March 2, 2026', '2026-02-30'])(
		'%s is a date that does not fit',
		(value) => expect(nonIsoDateProblem(value)).toEqual(expect.any(String)),
	);

	test.each(['2026-03-02', '2026-03-02T10:00:00Z', 'L2026-014', '12-24', 'CH', '1200', 'true'])('%s fits', (value) =>
		expect(nonIsoDateProblem(value)).toBeUndefined(),
	);
});
