// waitFor polls a background job until its timeout. The clock is fake and sleep moves it, so the
// looks can be asserted by the time they happen at.
jest.mock('n8n-workflow', () => {
	const actual = jest.requireActual('n8n-workflow');
	return { ...actual, sleep: jest.fn(async (ms) => jest.setSystemTime(Date.now() + ms)) };
});

const { sleep } = require('n8n-workflow');
const { waitFor } = require('../../../../dist/nodes/shared/transport/wait');
const { fakeContext } = require('./fakeContext');

const START = Date.parse('2026-11-26T12:00:00Z');
beforeEach(() => {
	sleep.mockClear();
	jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'setImmediate', 'setTimeout'] });
});
afterEach(() => jest.useRealTimers());

/** A job that is done from `doneAt` ms on; records when it was looked at. */
function job(doneAt = Infinity) {
	const looks = [];
	const check = async () => {
		const at = Date.now() - START;
		looks.push(at);
		return { done: at >= doneAt, value: 'ready', state: 'processing' };
	};
	return { looks, check };
}

test('the last look falls on the timeout, not one interval before it', async () => {
	const { looks, check } = job();
	const error = await waitFor
		.call(fakeContext([]), { what: 'the job', intervalMs: 10_000, timeoutMs: 25_000, check, itemIndex: 1 })
		.catch((e) => e);
	expect(looks).toEqual([0, 10_000, 20_000, 25_000]);
	expect(error.message).toBe('Timed out after 25 s waiting for the job');
	expect(error.description).toMatch(/Last state: processing/);
	expect(error.context.itemIndex).toBe(1);
});

test('a job done just before the timeout is seen', async () => {
	const { looks, check } = job(24_000);
	const value = await waitFor.call(fakeContext([]), { what: 'the job', intervalMs: 10_000, timeoutMs: 25_000, check });
	expect(value).toBe('ready');
	expect(looks).toEqual([0, 10_000, 20_000, 25_000]);
});

test('a timeout that is a whole number of intervals gets its look at the timeout too', async () => {
	const { looks, check } = job();
	await waitFor.call(fakeContext([]), { what: 'the job', intervalMs: 5_000, timeoutMs: 15_000, check }).catch(() => {});
	expect(looks).toEqual([0, 5_000, 10_000, 15_000]);
});
