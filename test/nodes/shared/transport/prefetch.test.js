// paginate's prefetch: the next page is asked for while the current one is parsed, without ever
// changing which requests are sent, in which order, or what the consumer gets.
const { paginate } = require('../../../../dist/nodes/shared/transport/paginate');
const { spawnSync } = require('node:child_process');
const { fakeContext } = require('./fakeContext');

const BASE = 'http://127.0.0.1:9';
const link = (cursor) => `${BASE}/api/v2/dashboard/scans/?cursor=${cursor}&page_mode=cursor`;
const page = (from, count) => Array.from({ length: count }, (_, i) => ({ n: from + i }));
/** A page as the API writes it: `next` first (DRF's order), or last. */
const text = (results, next, nextFirst = true) =>
	nextFirst
		? JSON.stringify({ next, previous: null, results })
		: JSON.stringify({ previous: null, results, next });

async function read(script, request) {
	const ctx = fakeContext(script);
	const pages = [];
	for await (const p of paginate.call(ctx, { path: '/api/v2/dashboard/scans/', pageSizeParam: 'page_size', pageSize: 2, ...request })) {
		pages.push(p.map((r) => r.n));
		if (request.stopAfter && pages.length >= request.stopAfter) break;
	}
	return { pages, urls: ctx.calls.map((c) => c.url), calls: ctx.calls };
}

test('the pages, requests and order are those of plain paging; bodies are asked for as text', async () => {
	const script = [
		{ status: 200, body: text(page(0, 2), link('a')) },
		{ status: 200, body: text(page(2, 2), link('b')) },
		{ status: 200, body: text(page(4, 1), null) },
	];
	const { pages, urls, calls } = await read(script, { prefetch: true });
	expect(pages).toEqual([[0, 1], [2, 3], [4]]);
	expect(urls).toEqual([`${BASE}/api/v2/dashboard/scans/`, link('a'), link('b')]);
	expect(calls.every((c) => c.encoding === 'text')).toBe(true);
	const plain = await read(script.map((s) => ({ ...s, body: JSON.parse(s.body) })), {});
	expect(plain.pages).toEqual(pages);
	expect(plain.calls.some((c) => c.encoding)).toBe(false);
});

test('the next page is requested before the consumer has the current one', async () => {
	const ctx = fakeContext([
		{ status: 200, body: text(page(0, 2), link('a')) },
		{ status: 200, body: text(page(2, 2), null) },
	]);
	const seen = [];
	for await (const p of paginate.call(ctx, { path: '/x/', pageSize: 2, prefetch: true })) seen.push([p.length, ctx.calls.length]);
	// When page 1 reached the consumer, the request for page 2 had already been made.
	expect(seen).toEqual([[2, 2], [2, 2]]);
});

test('`next` not at the start of the answer: no prefetch, the same pages', async () => {
	const { pages, urls } = await read(
		[
			{ status: 200, body: text(page(0, 2), link('a'), false) },
			{ status: 200, body: text(page(2, 1), null, false) },
		],
		{ prefetch: true },
	);
	expect(pages).toEqual([[0, 1], [2]]);
	expect(urls).toHaveLength(2);
});

test('a prefetched link that is not the parsed `next` is dropped and the right page fetched', async () => {
	// JSON with the key twice: the parser keeps the last one, the look-ahead saw the first.
	const odd = `{"next": "${link('wrong')}", "results": [{"n": 0}, {"n": 1}], "next": "${link('right')}"}`;
	const { pages, urls } = await read(
		[
			{ status: 200, body: odd },
			{ status: 200, body: text(page(9, 2), null) }, // answers the dropped prefetch
			{ status: 200, body: text(page(2, 1), null) },
		],
		{ prefetch: true },
	);
	expect(urls).toEqual([`${BASE}/api/v2/dashboard/scans/`, link('wrong'), link('right')]);
	expect(pages).toEqual([[0, 1], [2]]);
});

test('no request beyond the limit, and none after the last page', async () => {
	const script = [
		{ status: 200, body: text(page(0, 2), link('a')) },
		{ status: 200, body: text(page(2, 2), link('b')) },
		{ status: 200, body: text(page(4, 2), link('c')) },
	];
	// Limit 3: page 1 (2 scans) cannot reach it, so page 2 is prefetched; page 2 reaches it.
	const limited = await read(script, { prefetch: true, limit: 3, pageSize: 2 });
	expect(limited.pages).toEqual([[0, 1], [2]]);
	expect(limited.urls).toHaveLength(2);
	// Limit 2: the first page may reach it: nothing is prefetched.
	const exact = await read(script, { prefetch: true, limit: 2, pageSize: 2 });
	expect(exact.pages).toEqual([[0, 1]]);
	expect(exact.urls).toHaveLength(1);
});

/**
 * Runs `body` in a fresh Node process with strict unhandled rejections, so a rejection nobody
 * handles ends it with an error (jest catches those itself, out of a test's reach).
 */
function runIsolated(body) {
	const script = `
		const { paginate } = require(${JSON.stringify(require.resolve('../../../../dist/nodes/shared/transport/paginate'))});
		const { fakeContext } = require(${JSON.stringify(require.resolve('./fakeContext'))});
		(async () => { ${body} })().then(
			(result) => process.stdout.write(JSON.stringify(result)),
			(error) => { process.stderr.write(String(error && error.stack)); process.exit(2); },
		);`;
	const child = spawnSync(process.execPath, ['--unhandled-rejections=strict', '-e', script], { encoding: 'utf8', timeout: 60_000 });
	return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

test('a consumer that stops early leaves at most the one prefetched request, whose failure is swallowed', () => {
	const first = text(page(0, 2), link('a'));
	const { status, stdout, stderr } = runIsolated(`
		const ctx = fakeContext([{ status: 200, body: ${JSON.stringify(first)} }, new Error('boom')]);
		// The signal to wait for: the prefetched request has been answered, with the failure.
		let answered;
		const prefetchAnswered = new Promise((resolve) => (answered = resolve));
		const ask = ctx.helpers.httpRequestWithAuthentication;
		ctx.helpers.httpRequestWithAuthentication = (...args) => {
			const answer = ask(...args);
			if (ctx.calls.length === 2) answer.catch(() => undefined).then(answered);
			return answer;
		};
		const pages = [];
		for await (const p of paginate.call(ctx, { path: '/api/v2/dashboard/scans/', pageSizeParam: 'page_size', pageSize: 2, prefetch: true })) {
			pages.push(p.map((r) => r.n));
			break;
		}
		await prefetchAnswered;
		// Node reports an unhandled rejection once the microtasks after it have run.
		await new Promise((resolve) => setImmediate(resolve));
		await new Promise((resolve) => setImmediate(resolve));
		return { pages, calls: ctx.calls.length };
	`);
	expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
	expect(JSON.parse(stdout)).toEqual({ pages: [[0, 1]], calls: 2 });
});
