// Starts the sandbox for a test file and gives the tests a few shortcuts into its request log.
const { startSandbox } = require('../../sandbox');

/** Starts a sandbox before the file's tests and closes it after; returns a getter. */
function useSandbox(options = {}) {
	const holder = { sandbox: undefined };
	beforeAll(async () => {
		holder.sandbox = await startSandbox({ seed: 1, jobDelayMs: 200, ...options });
	});
	afterAll(async () => {
		await holder.sandbox?.close();
	});
	return () => holder.sandbox;
}

/** API requests in the log, optionally only those matching a method and a path fragment. */
function apiRequests(sandbox, method, pathPart) {
	return sandbox.log.filter(
		(entry) =>
			entry.origin === 'api' &&
			!entry.path.startsWith('/__sandbox') &&
			(!method || entry.method === method) &&
			(!pathPart || entry.path.includes(pathPart)),
	);
}

/**
 * The scan export's undocumented behaviours the nodes must be correct under (docs/sandbox-choices.md):
 * {oldest, newest first} × {dates honoured to the second, by whole UTC day}. The three that are
 * not the sandbox's default also shuffle every page (any order inside a page). The Scan and
 * Trigger suites run once per variant; SCAN_EXPORT_VARIANT=newest-day (a name, or a comma list)
 * runs only those, for a quick local run. CI runs all four.
 */
const SCAN_EXPORT_VARIANTS = [
	{ name: 'oldest-second', scanOrder: 'oldest', scanDatePrecision: 'second', scanShuffle: false },
	{ name: 'oldest-day', scanOrder: 'oldest', scanDatePrecision: 'day', scanShuffle: true },
	{ name: 'newest-second', scanOrder: 'newest', scanDatePrecision: 'second', scanShuffle: true },
	{ name: 'newest-day', scanOrder: 'newest', scanDatePrecision: 'day', scanShuffle: true },
];

function scanExportVariants() {
	const only = (process.env.SCAN_EXPORT_VARIANT || '').split(',').filter(Boolean);
	const chosen = only.length ? SCAN_EXPORT_VARIANTS.filter((v) => only.includes(v.name)) : SCAN_EXPORT_VARIANTS;
	if (!chosen.length) throw new Error(`SCAN_EXPORT_VARIANT=${process.env.SCAN_EXPORT_VARIANT} names none of ${SCAN_EXPORT_VARIANTS.map((v) => v.name).join(', ')}`);
	// jest's describe.each: [name, sandbox options].
	return chosen.map(({ name, ...options }) => [name, options]);
}

/**
 * A sandbox for reading an offset list (DRF limit/offset) while records are added to it. Its
 * `returnAllWhileInserting` runs `run(live)` (a Return All through a node) and calls `insert(n)`
 * after each of the first two pages of `pathEnd` is answered: a record added at the front shifts
 * the later offsets by one, so the last record of pages 1 and 2 is served again. Returns the
 * output items' `key` values and how many pages were answered.
 */
function useInsertingSandbox(options = {}) {
	let afterRequest = () => {};
	const getLive = useSandbox({ ...options, onLog: (entry) => afterRequest(entry) });
	async function returnAllWhileInserting({ pathEnd, insert, run, key = 'id' }) {
		const live = getLive();
		let pages = 0;
		afterRequest = (entry) => {
			if (entry.origin !== 'api' || entry.method !== 'GET' || !entry.path.endsWith(pathEnd)) return;
			pages++;
			if (pages <= 2) insert(pages);
		};
		try {
			const { items, error } = await run(live);
			return { error, keys: items.map((i) => i.json[key]), pages };
		} finally {
			afterRequest = () => {};
		}
	}
	return { getLive, returnAllWhileInserting };
}

module.exports = { useSandbox, useInsertingSandbox, apiRequests, scanExportVariants, SCAN_EXPORT_VARIANTS };
