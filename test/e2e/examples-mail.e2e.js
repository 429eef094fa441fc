'use strict';
/**
 * The e-mail examples inside a real n8n (server mode) against the sandbox, with a real SMTP
 * server on loopback: the daily report of suspicious scans, a work order's code data as CSV,
 * and the counterfeit alert started by the (activated) Scantrust Trigger. Each test opens the
 * received message and checks it, and its attachment, against the sandbox's data.
 */
const {
	useExampleEnv,
	loadExample,
	setParameter,
	nodeOutput,
	recordTiming,
	expectSuccess,
	sandboxGetAll,
} = require('./examples-support.js');
const { parseMessage, csvRecords } = require('./smtp.js');

const env = useExampleEnv({ label: 'examples-mail' });

const SUSPICIOUS =
	'/api/v2/dashboard/scans/?timeframe=1d&flags=counterfeit,out-of-market&page_mode=cursor&page_size=1000';

test('daily report of suspicious scans: the CSV attachment lists exactly the suspicious scans of the last day', async () => {
	// Some certainly recent ones, besides what the seed put into the last day.
	const added = [
		...env.sandbox.addScans({ count: 2, flags: ['counterfeit'] }),
		...env.sandbox.addScans({ count: 1, flags: ['out-of-market'] }),
	];
	const wf = loadExample('daily-suspicious-scans-report.json');
	await env.deploy(wf);
	env.smtp.clear();

	// The last-day window moves while n8n runs: expect what the API lists before and after.
	const before = await sandboxGetAll(env.sandbox, SUSPICIOUS);
	const run = await env.runExample(wf.id);
	const after = await sandboxGetAll(env.sandbox, SUSPICIOUS);
	recordTiming('daily-suspicious-scans-report', run, `${before.length} scans`);
	expectSuccess(run.ex);

	const [message] = await env.smtp.waitForMessages(1);
	expect(env.smtp.messages).toHaveLength(1);
	expect(message.to).toEqual(['brand-protection@example.com']);
	expect(message.from).toBe('scantrust-reports@example.com');
	expect(message.auth).toMatchObject({ user: 'e2e-mailer' });
	const mail = parseMessage(message.raw);
	expect(mail.attachments).toHaveLength(1);
	const [attachment] = mail.attachments;
	const today = new Date().toISOString().slice(0, 10);
	expect(attachment.filename).toMatch(/^suspicious-scans-\d{4}-\d{2}-\d{2}\.csv$/);
	expect([today, new Date(Date.now() - 60000).toISOString().slice(0, 10)]).toContain(
		attachment.filename.slice(17, 27),
	);
	expect(attachment.contentType).toBe('text/csv');

	const rows = csvRecords(attachment.content.toString('utf8'));
	expect(mail.subject).toBe(`Scantrust: ${rows.length} suspicious scan(s) in the last 24 hours`);
	expect(mail.text).toContain(`attached are the ${rows.length} scans`);

	const uuids = new Set(rows.map((r) => r.scan_uuid));
	expect(uuids.size).toBe(rows.length);
	const inBoth = before.filter((s) => after.some((a) => a.scan.uuid === s.scan.uuid));
	const inEither = new Map([...before, ...after].map((s) => [s.scan.uuid, s]));
	for (const s of inBoth) expect(uuids).toContain(s.scan.uuid);
	for (const u of uuids) expect(inEither.has(u)).toBe(true);
	for (const s of added) expect(uuids).toContain(s.uuid);

	// Columns carry the scan's data as Scantrust exported it.
	expect(Object.keys(rows[0])).toEqual([
		'scanned_at',
		'status',
		'flags',
		'extended_id',
		'serial_number',
		'product_sku',
		'product_name',
		'country',
		'city',
		'device',
		'scan_uuid',
	]);
	for (const row of rows) {
		const scan = /** @type {any} */ (inEither.get(row.scan_uuid));
		expect(row).toEqual({
			scanned_at: scan.scan.datetime,
			status: scan.scan.computed_status,
			flags: scan.scan.flags.join(' '),
			extended_id: scan.code.extended_id,
			serial_number: scan.code.serial_number ?? '',
			product_sku: scan.product?.sku ?? '',
			product_name: scan.product?.name ?? '',
			country: scan.location?.country ?? '',
			city: scan.location?.city ?? '',
			device: scan.device?.model ?? '',
			scan_uuid: scan.scan.uuid,
		});
		expect(row.flags).toMatch(/counterfeit|out-of-market/);
	}

	// Publishing arms the 07:00 schedule (n8n checks the rule); it sends nothing now.
	const n8n = /** @type {import('./n8n.js').N8nInstance} */ (env.n8n);
	await n8n.activate(wf.id);
	await n8n.deactivate(wf.id);
	expect(env.smtp.messages).toHaveLength(1);
});

test("a work order's code data mailed as CSV: one row per code of the work order", async () => {
	const workOrder = env.sandbox.state.workorders.find((w) => w.reference === 'WO-SBX-001');
	const codes = env.sandbox.state.codes.filter((c) => c.workorder === workOrder.id);
	const wf = loadExample('export-work-order-codes.json');
	setParameter(wf, 'Find work order', 'workOrder.value', workOrder.reference);
	setParameter(wf, 'Export its codes', 'options.pollInterval', 1);
	await env.deploy(wf);
	env.smtp.clear();

	const run = await env.runExample(wf.id);
	recordTiming('export-work-order-codes', run, `${codes.length} codes`);
	expectSuccess(run.ex);
	const [document] = nodeOutput(run.ex, 'Export its codes');
	expect(document).toMatchObject({ status: 'completed', row_count: codes.length });

	const [message] = await env.smtp.waitForMessages(1);
	const mail = parseMessage(message.raw);
	expect(mail.subject).toBe(
		`Scantrust codes of work order ${workOrder.reference} (${codes.length} codes)`,
	);
	expect(mail.attachments).toHaveLength(1);
	const [attachment] = mail.attachments;
	expect(attachment.filename).toBe(`scantrust-codes-${document.key}.csv`);
	const rows = csvRecords(attachment.content.toString('utf8'));
	expect(rows).toHaveLength(codes.length);
	expect(rows.map((r) => r.extended_id).sort()).toEqual(codes.map((c) => c.extended_id).sort());
	const bySerial = new Map(codes.map((c) => [c.extended_id, c]));
	for (const row of rows) {
		const code = /** @type {any} */ (bySerial.get(row.extended_id));
		expect(row.serial_number).toBe(code.serial_number);
		expect(row.workorder_id).toBe(String(workOrder.id));
	}
	// The export was filtered on the work order, not done for every code.
	const starts = env.sandbox.log.filter(
		(e) => e.origin === 'api' && e.path === '/api/v2/codes/download/',
	);
	expect(starts.at(-1).query).toMatchObject({ workorder: String(workOrder.id) });
});

/** The sandbox's answered scan-export requests (what the trigger's polls ask). */
function scanRequests() {
	return env.sandbox.log.filter(
		(e) => e.origin === 'api' && e.path === '/api/v2/dashboard/scans/' && e.status === 200,
	);
}

/** Resolves once the trigger has polled (a scan request after the first `before` ones). */
async function waitForPoll(before, timeoutMs = 60000) {
	const deadline = Date.now() + timeoutMs;
	while (scanRequests().length <= before) {
		if (Date.now() > deadline) throw new Error('the trigger did not poll after activation');
		await new Promise((r) => setTimeout(r, 100));
	}
	// The poll's answer is in; give n8n a moment to finish the poll (and create any execution).
	await new Promise((r) => setTimeout(r, 500));
}

test('counterfeit alert: the activated trigger (Flags: Counterfeit) e-mails each new counterfeit scan once, not out-of-market ones', async () => {
	const wf = loadExample('counterfeit-scan-alert.json');
	await env.deploy(wf);
	env.smtp.clear();
	const n8n = /** @type {import('./n8n.js').N8nInstance} */ (env.n8n);

	// Publishing polls at once: what exists now is the baseline and is not alerted.
	let polled = scanRequests().length;
	const firstOwnRequest = polled;
	await n8n.activate(wf.id);
	await waitForPoll(polled);
	expect(await n8n.listExecutions(wf.id)).toHaveLength(0);

	const counterfeit = env.sandbox.addScans({ count: 2, flags: ['counterfeit'] });
	const outOfMarket = env.sandbox.addScans({ count: 1, flags: ['out-of-market'] });
	// Poll now instead of waiting for the next minute.
	const pollStarted = Date.now();
	await n8n.deactivate(wf.id);
	await n8n.activate(wf.id);
	const [ex] = await n8n.waitForExecutions(wf.id, { count: 1, timeoutMs: 60000 });
	const pollWallMs = Date.now() - pollStarted;
	await n8n.deactivate(wf.id);
	const full = await n8n.getExecution(ex.id, true);
	recordTiming(
		'counterfeit-scan-alert (trigger, 3 scans)',
		{
			insideMs: Date.parse(String(full.stoppedAt)) - Date.parse(String(full.startedAt)),
			wallMs: pollWallMs,
		},
		'run(): re-publish until the execution is listed',
	);
	expect(full.mode).toBe('trigger');
	expectSuccess(full);

	// The trigger's Flags filter asks Scantrust for counterfeit scans only: the out-of-market one never comes.
	const emitted = nodeOutput(full, 'New counterfeit scan');
	expect(emitted.map((s) => s.scan.uuid).sort()).toEqual(counterfeit.map((s) => s.uuid).sort());
	expect(emitted.map((s) => s.scan.uuid)).not.toContain(outOfMarket[0].uuid);
	const own = scanRequests().slice(firstOwnRequest);
	expect(own.length).toBeGreaterThan(0);
	expect(own.every((r) => r.query.flags === 'counterfeit')).toBe(true);

	const messages = await env.smtp.waitForMessages(2);
	await new Promise((r) => setTimeout(r, 500));
	expect(env.smtp.messages).toHaveLength(2);
	const mails = messages.map((m) => parseMessage(m.raw));
	for (const scan of counterfeit) {
		const record = emitted.find((s) => s.scan.uuid === scan.uuid);
		const mail = mails.find((m) => m.text.includes(`Scan: ${scan.uuid}`));
		expect(mail).toBeDefined();
		expect(mail?.subject).toBe(
			`Possible counterfeit: ${record.product?.name ?? 'unknown product'} scanned in ${record.location.city}, ${record.location.country}`,
		);
		expect(mail?.text).toContain(`Code: ${record.code.extended_id}`);
		expect(mail?.text).toContain(`Time: ${scan.datetime}`);
	}
	// Nothing more on the next poll: each scan is alerted once.
	polled = scanRequests().length;
	await n8n.activate(wf.id);
	await waitForPoll(polled);
	await new Promise((r) => setTimeout(r, 1000));
	await n8n.deactivate(wf.id);
	expect(await n8n.listExecutions(wf.id)).toHaveLength(1);
	expect(env.smtp.messages).toHaveLength(2);
});
