// The Scantrust Trigger end to end: n8n-core's PollContext runs poll() against the sandbox over
// HTTP, with one static data object kept between polls as n8n keeps it. New Scan runs once under
// each of the scan export's plausible behaviours (order × date precision, pages shuffled; see
// scanExportVariants in test/helpers/sandbox.js).
const fs = require('node:fs');
const { runPoll, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, apiRequests, scanExportVariants } = require('../../helpers/sandbox');
const { RETRY } = require('../../../dist/nodes/shared/transport/constants');

/** Figures for the closing note: printed, and appended as JSON lines to $SCAN_FIGURES when set. */
function report(label, figures) {
	console.log(`${label}: ${JSON.stringify(figures)}`);
	if (process.env.SCAN_FIGURES) fs.appendFileSync(process.env.SCAN_FIGURES, `${JSON.stringify({ label, ...figures })}\n`);
}

let sandbox;

const MINUTE = 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const copy = (value) => JSON.parse(JSON.stringify(value));
const uuids = (events) => events.map((event) => event.scan.uuid);
const scanRequests = () => apiRequests(sandbox, 'GET', '/dashboard/scans/');

/** A trigger with its own static data; poll() resolves to the emitted items' JSON ([] for null). */
function trigger(parameters = {}, extra = {}) {
	const staticData = {};
	const run = async (options = {}) => {
		const { result } = await runPoll({
			type: 'scantrustTrigger',
			parameters: { event: 'newScan', ...parameters },
			credentials: sandboxCredential(sandbox, extra.token),
			staticData,
			mode: options.mode ?? 'trigger',
			pollBudgetMs: options.pollBudgetMs ?? extra.pollBudgetMs,
		});
		if (result !== null) {
			expect(result).toHaveLength(1);
			expect(result[0].length).toBeGreaterThan(0);
		}
		return result === null ? [] : result[0].map((item) => item.json);
	};
	return { staticData, poll: run, state: () => staticData['node:Scantrust'] };
}

/** Scans the sandbox creates now, as their uuids. */
const addScans = (options) => sandbox.addScans(options).map((scan) => scan.uuid);

/** Every scan in the sandbox dated at or after `fromMs`, oldest first. */
function scansSince(fromMs) {
	const store = sandbox.state.scans;
	const out = [];
	for (let i = store.lowerBound(fromMs); i < store.length; i++) out.push(store.uuidOf(store.sid[i]));
	return out;
}

async function api(method, path, body) {
	const response = await fetch(`${sandbox.apiUrl}${path}`, {
		method,
		headers: { Authorization: `UAT ${sandbox.tokens.full}`, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, body: await response.json() };
}

describe.each(scanExportVariants())('New Scan, scan export %s', (variant, sandboxOptions) => {
	const getScanSandbox = useSandbox(sandboxOptions);
	beforeEach(() => {
		sandbox = getScanSandbox();
		sandbox.reset();
	});

	test('first activation sets a baseline and emits no history', async () => {
		addScans({ count: 5 });
		const t = trigger();
		expect(await t.poll()).toEqual([]);
		expect(t.state()).toMatchObject({ v: 1, event: 'newScan', rev: 1 });
		expect(typeof t.state().state.from).toBe('number');
		// The scans that existed at activation stay history on the next poll too.
		expect(await t.poll()).toEqual([]);
	});

	test('N new scans give exactly N events, oldest first, then nothing', async () => {
		const t = trigger();
		await t.poll();
		const created = addScans({ count: 7 });
		const events = await t.poll();
		expect(uuids(events).sort()).toEqual([...created].sort());
		const times = events.map((event) => event.scan.datetime);
		expect([...times].sort()).toEqual(times);
		expect(await t.poll()).toEqual([]);
	});

	test('an idle poll is one request', async () => {
		const t = trigger();
		await t.poll();
		addScans({ count: 3 });
		await t.poll();
		sandbox.clearLog();
		expect(await t.poll()).toEqual([]);
		expect(apiRequests(sandbox)).toHaveLength(1);
		const [request] = apiRequests(sandbox);
		expect(request.query).toMatchObject({ page_mode: 'cursor', page_size: '1000' });
		// Covering dates to the second (a server may honour only whole days; see scanExport.ts).
		expect(request.query.date_from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
	});

	test('a product filter by SKU is looked up once; idle polls stay one request', async () => {
		const product = sandbox.state.products.find(
			(p) => !p.is_archived && sandbox.state.codes.some((c) => c.product === p.id),
		);
		const t = trigger({ filters: { product: { __rl: true, mode: 'sku', value: product.sku } } });
		await t.poll();
		expect(apiRequests(sandbox, 'GET', '/products/').length).toBeGreaterThan(0);
		const mine = addScans({ count: 3, productId: product.id });
		const events = await t.poll();
		expect(uuids(events).sort()).toEqual([...mine].sort());
		expect(events.every((event) => event.product.id === product.id)).toBe(true);
		sandbox.clearLog();
		await t.poll();
		expect(apiRequests(sandbox)).toHaveLength(1);
		expect(apiRequests(sandbox)[0].query.product).toBe(String(product.id));
	});

	test('a burst larger than the per-poll maximum is spread over several polls, every scan once', async () => {
		const t = trigger({ options: { maxPerPoll: 10 } });
		await t.poll();
		const created = addScans({ count: 25 });
		const batches = [await t.poll(), await t.poll(), await t.poll(), await t.poll()];
		expect(batches.map((b) => b.length)).toEqual([10, 10, 5, 0]);
		const all = batches.flatMap(uuids);
		expect(new Set(all).size).toBe(all.length);
		expect(all.sort()).toEqual([...created].sort());
	});

	test('equal timestamps at the boundary: split by the maximum, and more arriving at the same time later', async () => {
		const t = trigger({ options: { maxPerPoll: 4 } });
		await t.poll();
		const at = Date.now() - 1000;
		const first = addScans({ count: 6, at });
		const poll1 = await t.poll();
		expect(poll1).toHaveLength(4);
		expect(new Set(poll1.map((e) => e.scan.datetime)).size).toBe(1);
		const more = addScans({ count: 3, at });
		const poll2 = await t.poll();
		const poll3 = await t.poll();
		expect([...uuids(poll1), ...uuids(poll2), ...uuids(poll3)].sort()).toEqual([...first, ...more].sort());
		expect(await t.poll()).toEqual([]);
	});

	test('late scans inside the window are delivered once; later than the window they are not', async () => {
		const t = trigger({ options: { lateScanMinutes: 10 } });
		await t.poll();
		const onTime = addScans({ count: 4 });
		expect(uuids(await t.poll()).sort()).toEqual([...onTime].sort());
		// Scans dated up to 8 minutes back become visible only now (phones that were offline).
		const late = addScans({ count: 6, lagMs: 8 * MINUTE });
		const tooLate = addScans({ count: 2, at: Date.now() - 30 * MINUTE });
		const events = await t.poll();
		expect(uuids(events).sort()).toEqual([...late].sort());
		expect(uuids(events)).not.toEqual(expect.arrayContaining(tooLate));
		expect(await t.poll()).toEqual([]);
	});

	test('a failed middle page emits nothing, keeps the position, surfaces the error; the next poll delivers everything', async () => {
		const t = trigger({ options: { maxPerPoll: 5000 } });
		await t.poll();
		const created = addScans({ count: 1500 });
		const before = copy(t.staticData);
		sandbox.clearLog();
		// A 500 that lasts: the transport retries a read RETRY.serverErrorRetries times, then the poll fails.
		const outage = Array.from({ length: RETRY.serverErrorRetries + 1 }, (_, i) => i + 2);
		sandbox.faults.set({ errors: { status: 500, nth: outage, path: '/dashboard/scans/' } });
		const error = await t.poll().then(
			() => undefined,
			(caught) => caught,
		);
		expect(error).toBeDefined();
		expect(error.constructor.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('500');
		expect(error.failure).toEqual({ cause: 'temporarily-unavailable' });
		expect(scanRequests().map((r) => r.status)).toEqual([200, ...outage.map(() => 500)]);
		expect(copy(t.staticData)).toEqual(before);

		sandbox.faults.clear();
		const events = await t.poll();
		expect(events).toHaveLength(1500);
		expect(uuids(events).sort()).toEqual([...created].sort());
		expect(await t.poll()).toEqual([]);
	});

	test('a refused token fails the poll with the credential cause and keeps the position', async () => {
		const t = trigger();
		await t.poll();
		const before = copy(t.staticData);
		const bad = trigger({}, { token: 'not-a-real-token' });
		bad.staticData['node:Scantrust'] = copy(before['node:Scantrust']);
		const error = await bad.poll().then(
			() => undefined,
			(caught) => caught,
		);
		expect(error.httpCode).toBe('401');
		expect(error.failure).toEqual({ cause: 'credential-invalid' });
		expect(bad.staticData['node:Scantrust']).toEqual(before['node:Scantrust']);
	});

	test('the poll budget spreads a long read over several polls without loss or repetition', async () => {
		const t = trigger({ options: { maxPerPoll: 10000 } }, { pollBudgetMs: 400 });
		await t.poll();
		// 1,500 scans over the last 50 minutes, in a slow server (300 ms a page, the budget stops at 200 ms).
		const created = [];
		for (let k = 0; k < 50; k++) created.push(...addScans({ count: 30, at: Date.now() - (50 - k) * MINUTE }));
		sandbox.faults.set({ latencyMs: 300 });
		const first = await t.poll();
		// The first window with new scans is read to its end; the windows after it wait.
		expect(first.length).toBeGreaterThan(0);
		expect(first.length).toBeLessThan(1500);
		const all = [...uuids(first)];
		for (let i = 0; i < 12 && all.length < created.length; i++) all.push(...uuids(await t.poll()));
		expect(new Set(all).size).toBe(all.length);
		expect(all.sort()).toEqual([...created].sort());
		expect(await t.poll()).toEqual([]);
	});

	test('off for 6 hours, 13 scans spread over them, at most 5 per poll: every scan once, in scan-time order, in 3 polls', async () => {
		const t = trigger({ options: { maxPerPoll: 5 } });
		await t.poll();
		// Play the 6 hours back: the stored position is where a poll 6 hours ago left it.
		const now = Date.now();
		const stored = t.state().state;
		const lagUs = 10 * MINUTE * 1000;
		const newest = (now - 6 * 3600_000) * 1000;
		t.state().state = { ...stored, from: newest - lagUs, newest, seen: {} };
		// The seeded data has about one scan every 5 hours: the 6 hours must hold 13 to 15 in all.
		const since = (newest - lagUs) / 1000;
		const seeded = scansSince(since).length;
		const created = [];
		for (let k = 0; k < 15 - Math.max(2, seeded) && created.length < 13; k++) {
			created.push(...addScans({ count: 1, at: now - 6 * 3600_000 + (k + 1) * 25 * MINUTE }));
		}
		const expected = scansSince(since);
		expect(expected.length).toBeGreaterThanOrEqual(12);
		expect(expected.length).toBeLessThanOrEqual(15);
		const delivered = [];
		const sizes = [];
		for (let i = 0; i < 6; i++) {
			const events = await t.poll();
			if (!events.length) break;
			sizes.push(events.length);
			delivered.push(...events);
		}
		const ids = uuids(delivered);
		const figures = {
			variant,
			scansCreated: expected.length,
			delivered: ids.length,
			duplicates: ids.length - new Set(ids).size,
			misses: expected.filter((id) => !ids.includes(id)).length,
			polls: sizes.length,
			perPoll: sizes,
		};
		report('New Scan catch-up after 6 hours off', figures);
		// In scan-time order across the polls: the sandbox's (datetime, uuid) order.
		expect(ids).toEqual(expected);
		expect(sizes).toEqual([5, 5, expected.length - 10]);
		expect(await t.poll()).toEqual([]);
	});

	test('a host without getPollBudgetMs works the same', async () => {
		const t = trigger({}, { pollBudgetMs: null });
		await t.poll();
		const created = addScans({ count: 3 });
		expect(uuids(await t.poll()).sort()).toEqual([...created].sort());
	});

	test('two overlapping polls do not deliver a scan twice', async () => {
		const t = trigger();
		await t.poll();
		const created = addScans({ count: 5 });
		const [a, b] = await Promise.all([t.poll(), t.poll()]);
		expect([...uuids(a), ...uuids(b)].sort()).toEqual([...created].sort());
	});

	test('"Only suspicious scans" asks for counterfeit or out-of-market scans and gets only those', async () => {
		const t = trigger({ onlySuspicious: true });
		await t.poll();
		const counterfeit = addScans({ count: 3, flags: ['counterfeit'] });
		const outOfMarket = addScans({ count: 2, flags: ['out-of-market'] });
		const created = sandbox.addScans({ count: 20 });
		const randomSuspicious = created
			.filter((scan) => scan.flags.includes('counterfeit') || scan.flags.includes('out-of-market'))
			.map((scan) => scan.uuid);
		sandbox.clearLog();
		const events = await t.poll();
		expect(uuids(events).sort()).toEqual([...counterfeit, ...outOfMarket, ...randomSuspicious].sort());
		expect(apiRequests(sandbox)[0].query.flags).toBe('counterfeit,out-of-market');
	});

	test('changing the filters starts afresh instead of delivering the window under the new filters', async () => {
		const t = trigger({ onlySuspicious: true });
		await t.poll();
		addScans({ count: 4 });
		await t.poll();
		const wider = trigger();
		wider.staticData['node:Scantrust'] = t.staticData['node:Scantrust'];
		expect(await wider.poll()).toEqual([]);
		const created = addScans({ count: 2 });
		expect(uuids(await wider.poll()).sort()).toEqual([...created].sort());
	});

	test('Start From backfills on first activation, spread by the maximum', async () => {
		const since = Date.now() - 2 * 3600_000;
		addScans({ count: 12, lagMs: 90 * MINUTE });
		const expected = scansSince(since);
		expect(expected.length).toBeGreaterThanOrEqual(12);
		const t = trigger({ options: { startFrom: new Date(since).toISOString(), maxPerPoll: 5 } });
		const all = [];
		for (let i = 0; i < 10; i++) all.push(...uuids(await t.poll()));
		expect(all).toEqual(expected);
	});

	test.each([10000, 1000])(
		'a very large burst keeps the static data bounded and still delivers every scan once (max %s per poll)',
		async (maxPerPoll) => {
			const t = trigger({ options: { maxPerPoll } });
			await t.poll();
			const created = addScans({ count: 3200 });
			const all = [];
			for (let i = 0; i < 6; i++) {
				const events = await t.poll();
				expect(events.length).toBeLessThanOrEqual(maxPerPoll);
				all.push(...uuids(events));
				expect(Object.keys(t.state().state.seen).length).toBeLessThanOrEqual(2500 + 10);
				expect(JSON.stringify(t.staticData).length).toBeLessThan(200_000);
			}
			expect(all).toHaveLength(3200);
			expect(all.sort()).toEqual([...created].sort());
		},
	);

	describe('manual mode ("Fetch Test Event")', () => {
		test('returns the most recent matching scan, one (a test run sends one alert), and leaves the state untouched', async () => {
			const t = trigger();
			await t.poll();
			const added = addScans({ count: 4 });
			const before = copy(t.staticData);
			const sample = await t.poll({ mode: 'manual' });
			// The newest scans are the four just made (all "now"): the sample is one of them.
			expect(sample).toHaveLength(1);
			expect(added).toContain(sample[0].scan.uuid);
			expect(copy(t.staticData)).toEqual(before);
			// The scans the sample showed are still delivered to the active workflow.
			expect(await t.poll()).toHaveLength(4);
		});

		test('writes nothing when there is no state yet', async () => {
			addScans({ count: 2 });
			const t = trigger();
			await t.poll({ mode: 'manual' });
			expect(t.staticData).toEqual({});
		});

		test('says clearly when nothing matches', async () => {
			const t = trigger({ filters: { campaignId: 999999 } });
			await expect(t.poll({ mode: 'manual' })).rejects.toThrow(
				/No scan matching these filters was made in the last year/,
			);
			expect(t.staticData).toEqual({});
		});
	});

	test('bad filter values fail before any request', async () => {
		const t = trigger({ filters: { scmFields: { field: [{ key: 'flags', value: 'x' }] } } });
		await expect(t.poll()).rejects.toThrow(/"SCM Fields 1 Key" "flags" is one of the export's own parameters/);
		expect(apiRequests(sandbox)).toHaveLength(0);
	});

	test('long run: 200 polls with on-time, late, equal-time scans and faults deliver the exact set', async () => {
		const t = trigger({ options: { maxPerPoll: 40, lateScanMinutes: 10 } });
		await t.poll();
		let seed = 42;
		const random = () => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed / 2147483648;
		};
		const created = new Set();
		const delivered = new Set();
		const figures = { polls: 0, failedPolls: 0, scansCreated: 0, burst: 0, late: 0, equalTime: 0, delivered: 0, duplicates: 0 };
		const note = (list, kind) => {
			for (const id of list) created.add(id);
			if (kind) figures[kind] += list.length;
		};
		let lastAt = Date.now();
		sandbox.clearLog();
		sandbox.faults.set({
			errors: [
				// single 500s, which the transport retries, and one outage long enough to fail a poll
				{ status: 500, probability: 0.05, path: '/dashboard/scans/' },
				{ status: 500, nth: Array.from({ length: 10 }, (_, i) => 150 + i), path: '/dashboard/scans/' },
			],
			drop: { probability: 0.01, path: '/dashboard/scans/' },
			throttle: { nth: [60, 240], durationMs: 300, path: '/dashboard/scans/' },
		});
		const pollOnce = async () => {
			figures.polls++;
			try {
				const events = await t.poll();
				figures.largestPoll = Math.max(figures.largestPoll ?? 0, events.length);
				for (const id of uuids(events)) {
					if (delivered.has(id)) figures.duplicates++;
					delivered.add(id);
				}
			} catch (error) {
				expect(['NodeApiError', 'NodeOperationError']).toContain(error.constructor.name);
				figures.failedPolls++;
			}
		};
		for (let i = 0; i < 200; i++) {
			const r = random();
			if (r < 0.05) note(addScans({ count: 50 + Math.floor(random() * 50) }), 'burst');
			else if (r < 0.45) note(addScans({ count: 1 + Math.floor(random() * 20) }));
			else if (r < 0.65) note(addScans({ count: 1 + Math.floor(random() * 8), lagMs: 8 * MINUTE }), 'late');
			else if (r < 0.8) note(addScans({ count: 2 + Math.floor(random() * 6), at: lastAt }), 'equalTime');
			if (r < 0.45) lastAt = Date.now();
			await pollOnce();
		}
		sandbox.faults.clear();
		// Drain what the per-poll maximum left for later.
		for (let i = 0; i < 100; i++) {
			const before = delivered.size;
			await pollOnce();
			if (delivered.size === before && delivered.size >= created.size) break;
		}
		figures.scansCreated = created.size;
		figures.delivered = delivered.size;
		figures.misses = [...created].filter((id) => !delivered.has(id)).length;
		figures.extras = [...delivered].filter((id) => !created.has(id)).length;
		figures.staticDataBytes = JSON.stringify(t.staticData).length;
		figures.requests = scanRequests().length;
		report(`Scantrust Trigger long run (${variant})`, figures);
		expect(figures.duplicates).toBe(0);
		expect(figures.misses).toBe(0);
		expect(figures.extras).toBe(0);
		expect(figures.failedPolls).toBeGreaterThan(0);
	}, 180_000);
});

describe('other events', () => {
const getSandbox = useSandbox();
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

describe('Work Order Completed', () => {
	const params = { event: 'workOrderCompleted' };

	async function waitUntilCompleted(id) {
		for (let i = 0; i < 100; i++) {
			if (sandbox.state.workorders.find((w) => w.id === id)?.state === 'completed') return;
			await sleep(20);
		}
		throw new Error(`work order ${id} did not complete`);
	}

	test('baseline, then each completed work order once; idle polls are one request', async () => {
		const t = trigger(params);
		expect(await t.poll()).toEqual([]);
		const created = await api('POST', '/workorders/create-sid/', {
			reference: 'WO-TRIGGER-1',
			quantity: 5,
			activate_on_complete: false,
			use_serial_number: true,
		});
		expect(created.status).toBe(201);
		expect(created.body.state).toBe('new');
		expect(await t.poll()).toEqual([]);
		await waitUntilCompleted(created.body.id);
		const events = await t.poll();
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({ id: created.body.id, reference: 'WO-TRIGGER-1', state: 'completed' });
		sandbox.clearLog();
		expect(await t.poll()).toEqual([]);
		expect(apiRequests(sandbox)).toHaveLength(1);
		expect(apiRequests(sandbox)[0].path).toBe('/api/v2/workorders/');
	});

	test('manual mode shows recent completed work orders without writing state', async () => {
		const t = trigger(params);
		const sample = await t.poll({ mode: 'manual' });
		expect(sample).toHaveLength(1);
		expect(sample[0].state).toBe('completed');
		expect(t.staticData).toEqual({});
	});

	test('a search that matches nothing says so in manual mode', async () => {
		const t = trigger({ ...params, workOrderSearch: 'NO-SUCH-REFERENCE-XYZ' });
		await expect(t.poll({ mode: 'manual' })).rejects.toThrow(/None of the most recent work orders is completed/);
	});
});

describe('Code Upload Finished', () => {
	const params = { event: 'codeUploadFinished' };

	async function upload(ids) {
		const response = await api('POST', '/ingestion/codes/add-sids/', { codes: ids.map((id) => ({ id })) });
		expect(response.status).toBe(201);
		return response.body.record_key;
	}

	async function waitUntilFinished(keys) {
		for (let i = 0; i < 100; i++) {
			const records = sandbox.state.ingestions.filter((r) => keys.includes(r.key));
			if (records.length === keys.length && records.every((r) => ['completed', 'error'].includes(r.status))) return;
			await sleep(20);
		}
		throw new Error('uploads did not finish');
	}

	test('completed and failed uploads each arrive once', async () => {
		const t = trigger(params);
		expect(await t.poll()).toEqual([]);
		const good = await upload(['TRIGGERGOOD001', 'TRIGGERGOOD002']);
		const bad = await upload(['TRIGGERDUP0001', 'TRIGGERDUP0001']);
		await waitUntilFinished([good, bad]);
		const events = await t.poll();
		expect(events.map((r) => [r.key, r.status]).sort()).toEqual(
			[
				[good, 'completed'],
				[bad, 'error'],
			].sort(),
		);
		expect(await t.poll()).toEqual([]);
	});

	test('outcome "Failed" delivers only failed uploads and lets Scantrust filter', async () => {
		const t = trigger({ ...params, uploadOutcome: 'error' });
		await t.poll();
		const good = await upload(['TRIGGEROK00001']);
		const bad = await upload(['TRIGGERDUP0002', 'TRIGGERDUP0002']);
		await waitUntilFinished([good, bad]);
		sandbox.clearLog();
		const events = await t.poll();
		expect(events.map((r) => r.key)).toEqual([bad]);
		expect(events[0].result_data.errors[0]).toHaveProperty('duplicate_id_error');
		expect(apiRequests(sandbox)[0].query).toMatchObject({ status: 'error', type: 'code' });
	});
});
});
