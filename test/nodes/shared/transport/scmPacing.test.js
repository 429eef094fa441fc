// SCM upload pacing: at most 10 calls start in any 1.1 s per credential (the scm_update scope
// allows 10 per second, counted over a sliding window), with no wait while the window has room.
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
	// Each test far from the last, so the process-wide pacing history is out of the window.
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
