// Reliability: the Scantrust Trigger (New Scan) over hundreds of polls with scans arriving (some
// of them late), the mixed fault load on, and the n8n process restarted in the middle. A restart
// is played as n8n plays it when it reloads a workflow from its database: the static data as last
// persisted (JSON round trip) and a fresh Workflow and PollContext. n8n persists static data after
// activation and after a poll that emitted; a poll that emitted nothing changes it in memory only,
// so a restart after such polls loses their changes. Every scan must be delivered exactly once.
// Runs once under each of the scan export's plausible behaviours (order × date precision, pages
// shuffled; scanExportVariants in test/helpers/sandbox.js).
const { runPoll, sandboxCredential } = require('../harness/n8n');
const { useSandbox, scanExportVariants } = require('../helpers/sandbox');
const { useFastBackoff, mixedFaults, apiEntries, faultCounts, record, duplicates, listAll } = require('./support');

useFastBackoff();
let sandbox;

/** A deterministic stream of small integers for the arrival pattern (the sandbox seeds everything else). */
function arrivals(seed) {
	let state = seed >>> 0;
	return (n) => {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		return state % n;
	};
}

/**
 * Runs `polls` polls of a New Scan trigger. Before each poll scans may arrive (some backdated up
 * to `maxLagMs`, i.e. late); at the polls listed in `restartAt` the process "restarts" from the
 * last persisted static data. Returns what was delivered and what was created after activation.
 */
async function runTrigger({ parameters, polls, restartAt, maxLagMs, burstEvery, burst, flagged, outage = [] }) {
	const next = arrivals(polls * 7919);
	let staticData = {};
	let persisted;
	const persist = () => {
		persisted = JSON.stringify(staticData);
	};
	const delivered = [];
	const created = [];
	const stats = { polls: 0, emitting: 0, failed: 0, restarts: 0, restartsAfterSilentPolls: 0 };
	let silentSinceEmit = 0;

	for (let p = 1; p <= polls; p++) {
		if (restartAt.includes(p)) {
			staticData = JSON.parse(persisted);
			stats.restarts++;
			if (silentSinceEmit > 0) stats.restartsAfterSilentPolls++;
		}
		// Quiet before each restart, so the restart follows polls that emitted nothing (and whose
		// static data n8n never persisted).
		const quiet = restartAt.some((r) => p < r && p >= r - 3);
		if (p > 1 && !quiet) {
			const count = p % burstEvery === 0 ? burst : next(3) === 0 ? 1 + next(3) : 0;
			for (let k = 0; k < count; k++) {
				const lagMs = next(3) === 0 ? next(maxLagMs) : 0;
				const flags = flagged && next(3) === 0 ? [['counterfeit', 'out-of-market'][next(2)]] : undefined;
				for (const scan of sandbox.addScans({ count: 1, lagMs: lagMs || undefined, flags })) created.push(scan.uuid);
			}
		}
		// An outage: every request answers 500 (not retried), so these polls fail outright.
		if (p === outage[0]) sandbox.faults.set({ errors: { status: 500 } });
		if (p === outage[1] + 1) sandbox.faults.set(mixedFaults());
		stats.polls++;
		let result;
		try {
			({ result } = await runPoll({
				type: 'scantrustTrigger',
				parameters: { event: 'newScan', ...parameters },
				credentials: sandboxCredential(sandbox),
				staticData,
			}));
		} catch (error) {
			// The faults outlasted the retries: n8n records a failed poll and tries again next time.
			stats.failed++;
			continue;
		}
		if (p === 1) {
			// Activation: n8n saves the workflow, static data included.
			expect(result).toBeNull();
			persist();
			continue;
		}
		if (result === null) {
			silentSinceEmit++;
			continue;
		}
		stats.emitting++;
		silentSinceEmit = 0;
		for (const item of result[0]) delivered.push(item.json.scan.uuid);
		persist();
	}
	return { delivered, created, stats };
}

async function check(variant, name, options, expectedFilter) {
	const activatedAt = Date.now();
	sandbox.clearLog();
	sandbox.faults.set(mixedFaults());
	const { delivered, created, stats } = await runTrigger(options);
	const counts = faultCounts(apiEntries(sandbox));
	sandbox.faults.clear();

	// What should have been delivered: every scan created after activation that matches the filters,
	// by the export itself with the faults off.
	let expected = created;
	if (expectedFilter) {
		const since = new Date(activatedAt - 3_600_000).toISOString();
		const matching = new Set(
			(await listAll(sandbox, `/dashboard/scans/?page_mode=cursor&page_size=1000&date_from=${since}&${expectedFilter}`)).map((s) => s.scan.uuid),
		);
		expected = created.filter((uuid) => matching.has(uuid));
	}
	const repeated = duplicates(delivered);
	const got = new Set(delivered);
	const wanted = new Set(expected);
	const missing = expected.filter((uuid) => !got.has(uuid));
	const extra = delivered.filter((uuid) => !wanted.has(uuid));

	expect(stats.polls).toBeGreaterThanOrEqual(options.polls);
	expect(stats.restarts).toBe(options.restartAt.length);
	expect(stats.restartsAfterSilentPolls).toBeGreaterThan(0);
	if (options.outage) expect(stats.failed).toBeGreaterThanOrEqual(options.outage[1] - options.outage[0] + 1);
	expect(counts.faulted).toBeGreaterThan(0);
	expect(repeated).toEqual([]);
	expect(missing).toEqual([]);
	expect(extra).toEqual([]);
	expect(expected.length).toBeGreaterThan(100);
	const row = {
		scenario: `${name} [export ${variant}]`,
		polls: stats.polls,
		emitting: stats.emitting,
		failedPolls: stats.failed,
		restarts: stats.restarts,
		restartsAfterSilentPolls: stats.restartsAfterSilentPolls,
		requests: counts.requests,
		faults: counts.faults,
		scansCreated: created.length,
		checked: expected.length,
		lost: missing.length,
		duplicated: repeated.length,
		unexpected: extra.length,
	};
	record('trigger', row);
	console.log(`Reliability trigger: ${JSON.stringify(row)}`);
}

describe.each(scanExportVariants())('New Scan under mixed faults, with restarts, scan export %s', (variant, sandboxOptions) => {
	const getSandbox = useSandbox({ seed: 'reliability-trigger', scanCount: 2000, codeCount: 3000, jobDelayMs: 0, ...sandboxOptions });
	beforeEach(() => {
		sandbox = getSandbox();
		sandbox.reset();
	});

	test('240 polls, every scan, late scans up to 5 minutes, 4 restarts, an outage: each scan delivered once', async () => {
		await check(variant, 'New Scan, all scans: 240 polls, late scans (≤ 5 min), restarts at polls 41, 97, 150, 201, outage (HTTP 500) at polls 120–126', {
			parameters: { options: {} },
			polls: 240,
			restartAt: [41, 97, 150, 201],
			outage: [120, 126],
			maxLagMs: 5 * 60_000,
			burstEvery: 37,
			burst: 30,
		});
	});

	test('200 polls, suspicious scans only, 5 per poll at most, 3 restarts: each match delivered once', async () => {
		await check(
			variant,
			'New Scan, suspicious only, Max Events per Poll 5: 200 polls, restarts at polls 60, 123, 177',
			{
				parameters: { onlySuspicious: true, options: { maxPerPoll: 5, lateScanMinutes: 3 } },
				polls: 200,
				restartAt: [60, 123, 177],
				maxLagMs: 2 * 60_000,
				burstEvery: 29,
				burst: 40,
				flagged: true,
			},
			'flags=counterfeit,out-of-market',
		);
	});

	test('bursts longer than the late-scan window, 10 per poll at most, 2 restarts: each scan delivered once', async () => {
		// A 1-minute late-scan window and bursts of 150: each burst takes 15 polls to deliver, far
		// longer than the window, while late scans (up to 40 s) keep arriving behind the position.
		// The last burst (poll 120) has 25 polls to drain.
		await check(variant, 'New Scan, bursts of 150 over a 1-minute late-scan window, Max Events per Poll 10: 145 polls, restarts at polls 50, 95', {
			parameters: { options: { maxPerPoll: 10, lateScanMinutes: 1 } },
			polls: 145,
			restartAt: [50, 95],
			maxLagMs: 40_000,
			burstEvery: 30,
			burst: 150,
		});
	});
});
