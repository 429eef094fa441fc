// SCM upload pacing: the scm_update scope allows 10 calls per second, counted by the server over a
// sliding window of arrival times. Call n starts at least 1.1 s after call n - 10 was answered, so
// however late a call leaves (a starved process), the server never sees 11 in a second; no wait
// while the window has room. The window belongs to one execution (its context), not the process.
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	// The pacing's sleep moves the (fake) clock instead of waiting.
	return { ...actual, sleep: jest.fn(async (ms) => jest.setSystemTime(Date.now() + ms)) };
});

const { sleep } = require('n8n-workflow');
const { apiCall } = require('../../../../dist/nodes/shared/transport/request');
const { SCM_RATE } = require('../../../../dist/nodes/shared/transport/constants');
const { fakeContext } = require('./fakeContext');

let now = Date.parse('2026-11-26T12:00:00Z');
beforeEach(() => {
	sleep.mockClear();
	now += 3_600_000;
	jest.useFakeTimers({ now, doNotFake: ['nextTick', 'setImmediate', 'setTimeout'] });
});
afterEach(() => jest.useRealTimers());

/** Sends `count` SCM calls one after another and returns when each one started. */
async function starts(count, options) {
	const ctx = fakeContext([{ status: 200, body: {} }], options);
	const times = [];
	const original = ctx.helpers.httpRequestWithAuthentication;
	ctx.helpers.httpRequestWithAuthentication = async (...args) => {
		times.push(Date.now());
		return await original(...args);
	};
	for (let i = 0; i < count; i++) {
		await apiCall.call(ctx, { method: 'POST', path: '/api/v2/scm/upload/', body: {}, throttleScope: 'scm' });
	}
	return times.map((t) => t - now);
}

test('the first 10 calls go at once; then never more than 10 in any 1.1 s', async () => {
	const times = await starts(35);
	expect(SCM_RATE).toEqual({ requests: 10, windowMs: 1100 });
	expect(times.slice(0, 10)).toEqual(Array(10).fill(0));
	for (let i = 10; i < times.length; i++) expect(times[i] - times[i - 10]).toBeGreaterThanOrEqual(1100);
	// ...and no longer than that: 35 calls need 3 full windows.
	expect(times[34]).toBe(3300);
});

test('credentials are paced separately; other calls are not paced', async () => {
	await starts(10, { credentialId: 'a' });
	const other = await starts(10, { credentialId: 'b' });
	expect(other).toEqual(Array(10).fill(0));
	const ctx = fakeContext([{ status: 200, body: {} }], { credentialId: 'a' });
	await apiCall.call(ctx, { method: 'GET', path: '/api/v2/products/' });
	expect(sleep).not.toHaveBeenCalled();
});

/**
 * A server that counts arrivals over a sliding second, reached after a delay that varies from call
 * to call (how long the body takes to leave a busy process), answering after its own service time.
 */
async function throughSlowNetwork(count, delays) {
	const ctx = fakeContext([{ status: 200, body: {} }]);
	const arrivals = [];
	const original = ctx.helpers.httpRequestWithAuthentication;
	ctx.helpers.httpRequestWithAuthentication = async (...args) => {
		const k = arrivals.length;
		jest.setSystemTime(Date.now() + delays(k));
		arrivals.push(Date.now());
		jest.setSystemTime(Date.now() + 5);
		return await original(...args);
	};
	for (let i = 0; i < count; i++) {
		await apiCall.call(ctx, { method: 'POST', path: '/api/v2/scm/upload/', body: {}, throttleScope: 'scm' });
	}
	return arrivals;
}

test('a call that leaves late cannot crowd the server\'s window: arrivals of any 11 calls span more than a second', async () => {
	// Calls 0, 20, 40 leave 400 ms late (the event loop was busy), the others at once: counted from
	// the starts, call 10 would arrive 1.1 - 0.4 = 0.7 s after call 0.
	const arrivals = await throughSlowNetwork(45, (k) => (k % 20 === 0 ? 400 : 0));
	for (let i = 10; i < arrivals.length; i++) expect(arrivals[i] - arrivals[i - 10]).toBeGreaterThan(1000);
});

test('the window belongs to the execution: a new execution starts with an empty one', async () => {
	const first = await starts(10);
	expect(first).toEqual(Array(10).fill(0));
	const second = await starts(10);
	expect(second).toEqual(Array(10).fill(0));
	expect(sleep).not.toHaveBeenCalled();
});
