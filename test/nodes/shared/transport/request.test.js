// The transport's retry, backoff and error mapping, with n8n-workflow's sleep replaced by a
// recorder and the clock pinned, so every wait can be asserted exactly.
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async () => {}) };
});

const { sleep, NodeApiError, NodeOperationError } = require('n8n-workflow');
const { apiCall } = require('../../../../dist/nodes/shared/transport/request');
const { RETRY } = require('../../../../dist/nodes/shared/transport/constants');
const { fakeContext, networkFailure, TOKEN } = require('./fakeContext');

const NOW = Date.parse('2026-11-26T12:00:00Z');
const throttled = (seconds, headers = {}) => ({
	status: 429,
	body: { detail: `Request was throttled. Expected available in ${seconds} seconds.`, code: 'throttled' },
	headers,
});
const ok = { status: 200, body: { ok: true } };

beforeEach(() => {
	sleep.mockClear();
	jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout'] });
});
afterEach(() => jest.useRealTimers());

const waits = () => sleep.mock.calls.map(([ms]) => ms);
/**
 * A wait the server named is kept, plus up to 10 % of it so parallel executions do not come back
 * in step. With the random draw pinned at its top the jitter is exactly that 10 %.
 */
let randomSpy;
const largestJitter = () => {
	randomSpy = jest.spyOn(Math, 'random').mockReturnValue(1);
};
afterEach(() => randomSpy?.mockRestore());

describe('429 handling', () => {
	test('Retry-After in seconds is waited, with up to 10 % jitter on top', async () => {
		largestJitter();
		const ctx = fakeContext([throttled(9, { 'retry-after': '3' }), ok]);
		const res = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
		expect(res.body).toEqual({ ok: true });
		expect(waits()).toEqual([3300]);
		expect(ctx.calls).toHaveLength(2);
	});

	test('Retry-After as an HTTP date waits until that moment, plus jitter', async () => {
		largestJitter();
		const at = new Date(NOW + 5000).toUTCString();
		const ctx = fakeContext([throttled(9, { 'Retry-After': at }), ok]);
		await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
		expect(waits()).toEqual([5500]);
	});

	test('only the detail text ("Expected available in 7 seconds.") is enough', async () => {
		largestJitter();
		const ctx = fakeContext([throttled(7), ok]);
		await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/', body: { sku: 'a' } });
		expect(waits()).toEqual([7700]);
		expect(ctx.calls).toHaveLength(2); // a throttled POST was refused before it applied anything
	});

	test('no hint at all: capped exponential backoff with jitter', async () => {
		const bare = { status: 429, body: 'Too many requests' };
		const ctx = fakeContext([bare, bare, bare, bare, ok]);
		await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
		const w = waits();
		expect(w).toHaveLength(4);
		w.forEach((ms, attempt) => {
			const ceiling = Math.min(RETRY.backoffCapMs, RETRY.backoffBaseMs * 2 ** attempt);
			expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
			expect(ms).toBeLessThanOrEqual(ceiling);
		});
	});

	test('a wait longer than the cap fails at once with a 429 NodeApiError that says what to do', async () => {
		const ctx = fakeContext([throttled(600, { 'retry-after': '600' })]);
		const error = await apiCall
			.call(ctx, { method: 'GET', path: '/api/v2/dashboard/scans/', itemIndex: 3 })
			.catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('429');
		expect(error.context.itemIndex).toBe(3);
		expect(error.description).toMatch(/asked to wait 600 s/);
		expect(error.description).toMatch(/Retry On Fail|fewer executions/);
		expect(waits()).toEqual([]);
	});

	test('the total wait budget is respected across retries', async () => {
		const ctx = fakeContext([throttled(50, { 'retry-after': '50' })]);
		const error = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' }).catch((e) => e);
		expect(error.httpCode).toBe('429');
		const total = waits().reduce((a, b) => a + b, 0);
		expect(total).toBeLessThanOrEqual(RETRY.maxTotalWaitMs);
		expect(error.description).toMatch(/Waited \d+ s in total/);
	});
});

describe('faults', () => {
	test('503 on a GET is retried', async () => {
		const ctx = fakeContext([{ status: 503, body: 'busy' }, ok]);
		const res = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
		expect(res.status).toBe(200);
		expect(ctx.calls).toHaveLength(2);
	});

	test('503 on a POST is retried: Scantrust refused it before handling it', async () => {
		const ctx = fakeContext([{ status: 503, body: 'busy' }, ok]);
		const res = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {}, itemIndex: 1 });
		expect(res.status).toBe(200);
		expect(ctx.calls).toHaveLength(2);
	});

	test('502 on a POST without a read-back: not sent again, the error says the outcome is unknown', async () => {
		const ctx = fakeContext([{ status: 502, body: 'bad gateway' }, ok]);
		const error = await apiCall
			.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {}, itemIndex: 1 })
			.catch((e) => e);
		expect(error.httpCode).toBe('502');
		expect(error.description).toMatch(/may or may not have applied/);
		expect(error.outcomeUnknown).toBe(true);
		expect(ctx.calls).toHaveLength(1);
	});

	test('504 on a POST with a read-back: looked up, and sent again only when not there', async () => {
		const ctx = fakeContext([{ status: 504 }, { status: 201, body: { id: 9 } }]);
		const readBack = jest.fn(async () => undefined);
		const res = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {}, readBack });
		expect(readBack).toHaveBeenCalledTimes(1);
		expect(res.body).toEqual({ id: 9 });
		expect(ctx.calls).toHaveLength(2);
	});

	test('a read-back is asked after every unknown outcome, not only the first', async () => {
		const ctx = fakeContext([networkFailure('ECONNRESET'), networkFailure('ECONNRESET'), { status: 201, body: { id: 3 } }]);
		const readBack = jest.fn(async () => undefined);
		const res = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {}, readBack });
		expect(readBack).toHaveBeenCalledTimes(2);
		expect(res.body).toEqual({ id: 3 });
		expect(ctx.calls).toHaveLength(3);
	});

	test('a read-back that fails itself: the error says the outcome is unknown and why it could not be checked', async () => {
		const ctx = fakeContext([networkFailure('ECONNRESET'), ok]);
		const error = await apiCall
			.call(ctx, {
				method: 'POST',
				path: '/api/v2/products/',
				body: {},
				readBack: async () => {
					throw new Error('lookup refused');
				},
			})
			.catch((e) => e);
		expect(error.description).toMatch(/may or may not have applied/);
		expect(error.description).toMatch(/Checking whether it was applied failed too: lookup refused/);
		expect(error.outcomeUnknown).toBe(true);
		expect(ctx.calls).toHaveLength(1);
	});

	test('a connection that was never made (ECONNREFUSED) is retried even for a POST: nothing was sent', async () => {
		const ctx = fakeContext([networkFailure('ECONNREFUSED'), ok]);
		const res = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {} });
		expect(res.status).toBe(200);
		expect(ctx.calls).toHaveLength(2);
	});

	test('a timeout is retried once for a GET, then a clear error: a hung server does not hang the workflow', async () => {
		const timeout = Object.assign(new Error('timeout of 60000ms exceeded'), { code: 'ECONNABORTED' });
		const ctx = fakeContext([timeout]);
		const error = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/', itemIndex: 2 }).catch((e) => e);
		expect(ctx.calls).toHaveLength(2);
		expect(error.message).toMatch(/did not answer GET \/api\/v2\/products\/ in time/);
		expect(error.description).toMatch(/within 60 s/);
		expect(error.context.itemIndex).toBe(2);
	});

	test('503 on a POST that is safe to repeat is retried', async () => {
		const ctx = fakeContext([{ status: 503 }, ok]);
		await apiCall.call(ctx, { method: 'POST', path: '/api/v2/codes/x/', safeToRepeat: true });
		expect(ctx.calls).toHaveLength(2);
	});

	test('a dropped connection on a GET is retried', async () => {
		const ctx = fakeContext([networkFailure('ECONNRESET'), ok]);
		const res = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
		expect(res.status).toBe(200);
		expect(ctx.calls).toHaveLength(2);
	});

	test('a dropped connection on a POST is not repeated blindly and says the outcome is unknown', async () => {
		const ctx = fakeContext([networkFailure('ECONNRESET'), ok]);
		const error = await apiCall
			.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {}, itemIndex: 2 })
			.catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.context.itemIndex).toBe(2);
		expect(error.description).toMatch(/may or may not have applied/);
		expect(ctx.calls).toHaveLength(1);
	});

	test('a dropped POST with a read-back: found means applied, no second POST', async () => {
		const ctx = fakeContext([networkFailure('ECONNRESET'), ok]);
		const res = await apiCall.call(ctx, {
			method: 'POST',
			path: '/api/v2/products/',
			body: {},
			readBack: async () => ({ id: 7 }),
		});
		expect(res.body).toEqual({ id: 7 });
		expect(ctx.calls).toHaveLength(1);
	});

	test('a dropped POST with a read-back: not found means not applied, sent once more', async () => {
		const ctx = fakeContext([networkFailure('ECONNRESET'), { status: 201, body: { id: 8 } }]);
		const res = await apiCall.call(ctx, {
			method: 'POST',
			path: '/api/v2/products/',
			body: {},
			readBack: async () => undefined,
		});
		expect(res.body).toEqual({ id: 8 });
		expect(ctx.calls).toHaveLength(2);
	});
});

describe('HTTP 500 (Scantrust: "retry the request later")', () => {
	const serverError = { status: 500, body: { detail: 'Server Error' } };

	test('one transient 500 on a read is retried after a backoff and the read goes on', async () => {
		const ctx = fakeContext([serverError, ok]);
		const res = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/dashboard/scans/' });
		expect(res.body).toEqual({ ok: true });
		expect(ctx.calls).toHaveLength(2);
		expect(waits()).toHaveLength(1);
		expect(waits()[0]).toBeGreaterThanOrEqual(RETRY.backoffBaseMs / 2);
	});

	test('a read that keeps getting 500 is retried RETRY.serverErrorRetries times with growing backoff, then fails', async () => {
		const ctx = fakeContext([serverError]);
		const error = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/', itemIndex: 2 }).catch((e) => e);
		expect(error.httpCode).toBe('500');
		expect(error.context.itemIndex).toBe(2);
		expect(ctx.calls).toHaveLength(RETRY.serverErrorRetries + 1);
		waits().forEach((ms, attempt) => {
			const ceiling = Math.min(RETRY.backoffCapMs, RETRY.backoffBaseMs * 2 ** attempt);
			expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
			expect(ms).toBeLessThanOrEqual(ceiling);
		});
		expect(error.outcomeUnknown).toBeUndefined();
	});

	test('a change safe to repeat is retried after a 500 too', async () => {
		const ctx = fakeContext([serverError, ok]);
		await apiCall.call(ctx, { method: 'PATCH', path: '/api/v2/products/1/', body: {}, safeToRepeat: true });
		expect(ctx.calls).toHaveLength(2);
	});

	test('a change with a read-back is looked up after a 500 and sent again only when it is not there', async () => {
		const ctx = fakeContext([serverError, { status: 201, body: { id: 5 } }]);
		const readBack = jest.fn(async () => undefined);
		const res = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {}, readBack });
		expect(readBack).toHaveBeenCalledTimes(1);
		expect(res.body).toEqual({ id: 5 });
		expect(ctx.calls).toHaveLength(2);
	});

	test('a change without a read-back keeps today\'s rule: not sent again, its outcome reported as unknown', async () => {
		const ctx = fakeContext([serverError, ok]);
		const error = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/', body: {}, itemIndex: 3 }).catch((e) => e);
		expect(ctx.calls).toHaveLength(1);
		expect(error.httpCode).toBe('500');
		expect(error.outcomeUnknown).toBe(true);
		expect(error.message).toMatch(/may or may not have been applied, and was not sent again/);
		expect(error.description).toMatch(/HTTP 500\), so it may or may not have applied it/);
	});

	test('a GET that starts a job, marked not safe to repeat, is not sent again after a 502 or a dropped answer', async () => {
		for (const failure of [{ status: 502, body: 'bad gateway' }, networkFailure('ECONNRESET')]) {
			const ctx = fakeContext([failure, ok]);
			const error = await apiCall
				.call(ctx, { method: 'GET', path: '/api/v2/codes/download/', safeToRepeat: false })
				.catch((e) => e);
			expect(ctx.calls).toHaveLength(1);
			expect(error.outcomeUnknown).toBe(true);
		}
	});
});

describe('redirects (never followed by n8n, which would carry the token along)', () => {
	const moved = (location, status = 301) => ({ status, body: '', headers: { location } });

	test('every request asks n8n not to follow redirects', async () => {
		const ctx = fakeContext([ok]);
		await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
		expect(ctx.calls[0].disableFollowRedirect).toBe(true);
	});

	test('a GET redirected within the configured origin (Django adding the slash) is followed once', async () => {
		const ctx = fakeContext([moved('/api/v2/products/?limit=5'), ok]);
		const res = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products', qs: { limit: 5 } });
		expect(res.status).toBe(200);
		expect(ctx.calls[1].url).toBe('http://127.0.0.1:9/api/v2/products/?limit=5');
		expect(ctx.calls[1].qs).toBeUndefined();
	});

	test.each([
		['another origin', 'https://files.example.com/export.csv'],
		['another port on the same host', 'http://127.0.0.1:10/api/v2/products/'],
		['https instead of http', 'https://127.0.0.1:9/api/v2/products/'],
	])('a redirect to %s is refused, not followed', async (_, location) => {
		const ctx = fakeContext([moved(location, 302), ok]);
		const error = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/', itemIndex: 1 }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/redirect \(HTTP 302\).*it was not followed/);
		expect(error.description).toMatch(/only sent to http:\/\/127\.0\.0\.1:9/);
		expect(error.context.itemIndex).toBe(1);
		expect(ctx.calls).toHaveLength(1);
		expect(JSON.stringify(error)).not.toContain(TOKEN);
	});

	test('a redirect out of the path prefix (a proxy) is refused', async () => {
		const ctx = fakeContext([moved('/other/api/v2/products/'), ok], { baseUrl: 'http://127.0.0.1:9/scantrust' });
		const error = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' }).catch((e) => e);
		expect(error.message).toMatch(/not followed/);
		expect(ctx.calls).toHaveLength(1);
	});

	test('a redirected POST is refused: following it would turn the change into a GET', async () => {
		const ctx = fakeContext([moved('/api/v2/products/'), ok]);
		const error = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products', body: {} }).catch((e) => e);
		expect(error.description).toMatch(/arrive as a GET and not be applied/);
		expect(ctx.calls).toHaveLength(1);
	});

	test('a redirect loop ends with an error', async () => {
		const ctx = fakeContext([moved('/api/v2/products/')]);
		const error = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' }).catch((e) => e);
		expect(error.description).toMatch(/More than 5 redirects/);
		expect(ctx.calls).toHaveLength(6);
	});
});

describe('error mapping', () => {
	const cases = [
		[400, { sku: ['product with this sku already exists.'], name: ['This field may not be blank.'] }, /sku: product with this sku already exists\.[\s\S]*name: This field may not be blank\./],
		[401, { detail: 'Invalid token.' }, /UAT token/],
		[403, { detail: 'You do not have permission to perform this action.' }, /product_create/],
		[404, { detail: 'Not found.' }, /Check the ID/],
		[429, { detail: 'Request was throttled. Expected available in 999 seconds.' }, /rate-limit|waited/i],
		[500, { detail: 'Server Error' }, /Scantrust support/],
		[503, 'Service Unavailable', /Retry later/],
	];
	test.each(cases)('HTTP %i becomes a NodeApiError with the item index', async (status, body, pattern) => {
		const ctx = fakeContext([{ status, body }]);
		const error = await apiCall
			.call(ctx, {
				method: 'POST',
				path: '/api/v2/products/',
				body: { sku: 'x' },
				itemIndex: 4,
				permissions: ['product_create', 'product_view'],
			})
			.catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe(String(status));
		expect(error.context.itemIndex).toBe(4);
		expect(`${error.message}\n${error.description}`).toMatch(pattern);
		// The token must never travel inside an error (n8n shows and stores errors).
		expect(JSON.stringify(error)).not.toContain(TOKEN);
		expect(JSON.stringify(error.toJSON ? error.toJSON() : {})).not.toContain(TOKEN);
		expect(`${error.message}${error.description}${error.stack}`).not.toContain(TOKEN);
	});

	test('400 renders nested DRF errors of batched items as field paths', async () => {
		const ctx = fakeContext([{ status: 400, body: { items: [{}, { extended_id: ['Invalid.'] }] } }]);
		const error = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/scm/upload/' }).catch((e) => e);
		expect(error.description).toContain('items[1].extended_id: Invalid.');
	});

	test('a network error carries no token and names the origin', async () => {
		const ctx = fakeContext([networkFailure('ECONNREFUSED')]);
		const error = await apiCall.call(ctx, { method: 'POST', path: '/api/v2/products/' }).catch((e) => e);
		expect(error.message).toMatch(/ECONNREFUSED/);
		expect(error.description).toContain('http://127.0.0.1:9');
		expect(JSON.stringify(error)).not.toContain(TOKEN);
	});
});

describe('base URL', () => {
	test.each([
		['http://scantrust.example.com', /plain http/],
		['https://user:pw@scantrust.example.com', /user name or password/],
		['https://scantrust.example.com/?x=1', /query string/],
		['https://scantrust.example.com/#top', /fragment/],
		['not a url', /not a valid URL/],
	])('%s is refused before any request', async (baseUrl, pattern) => {
		const ctx = fakeContext([ok], { baseUrl });
		const error = await apiCall.call(ctx, { method: 'GET', path: '/api/v2/me/', itemIndex: 0 }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(pattern);
		expect(ctx.calls).toHaveLength(0);
	});

	test.each([
		['the backend\'s own link', 'http://backend.internal/api/v2/products/?offset=20&limit=20'],
		['the gateway\'s link, prefix included', 'https://gw.example.com/api/scantrust/api/v2/products/?offset=20&limit=20'],
	])('a gateway whose path contains /api/ (…/api/scantrust): %s is rebased without doubling the prefix', async (_, next) => {
		const ctx = fakeContext([ok], { baseUrl: 'https://gw.example.com/api/scantrust' });
		await apiCall.call(ctx, { method: 'GET', path: next });
		expect(ctx.calls[0].url).toBe('https://gw.example.com/api/scantrust/api/v2/products/?offset=20&limit=20');
	});

	test('a base URL pasted with its /api/v2 root calls the same endpoints', async () => {
		const ctx = fakeContext([ok], { baseUrl: 'https://gw.example.com/scantrust/api/v2/' });
		await apiCall.call(ctx, { method: 'GET', path: '/api/v2/me/' });
		expect(ctx.calls[0].url).toBe('https://gw.example.com/scantrust/api/v2/me/');
	});

	test('a path prefix (a proxy) is kept, and absolute next links are rebased onto it', async () => {
		const ctx = fakeContext([ok, ok], { baseUrl: 'https://proxy.example.com/scantrust/' });
		await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
		await apiCall.call(ctx, { method: 'GET', path: 'http://api.scantrust.com/api/v2/products/?offset=20&limit=20' });
		expect(ctx.calls.map((c) => c.url)).toEqual([
			'https://proxy.example.com/scantrust/api/v2/products/',
			'https://proxy.example.com/scantrust/api/v2/products/?offset=20&limit=20',
		]);
	});
});
