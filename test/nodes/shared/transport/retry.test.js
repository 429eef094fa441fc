const { serverRequestedWaitMs, backoffMs } = require('../../../../dist/nodes/shared/transport/retry');

const NOW = Date.parse('2026-11-26T12:00:00Z');

test.each([
	[{ 'Retry-After': '12' }, undefined, 12000],
	[{ 'retry-after': '1.5' }, undefined, 1500],
	[{ 'Retry-After': new Date(NOW + 30_000).toUTCString() }, undefined, 30000],
	[{ 'Retry-After': new Date(NOW - 30_000).toUTCString() }, undefined, 0],
	[{}, { detail: 'Request was throttled. Expected available in 7 seconds.' }, 7000],
	[{}, { detail: 'Request was throttled. Expected available in 1 second.' }, 1000],
	[{}, { detail: 'Something else' }, undefined],
	[undefined, 'plain text', undefined],
])('server-requested wait from %j / %j is %s ms', (headers, body, expected) => {
	expect(serverRequestedWaitMs(headers, body, NOW)).toBe(expected);
});

test('backoff grows, is capped, and is jittered', () => {
	expect(backoffMs(0, () => 0)).toBe(250);
	expect(backoffMs(0, () => 1)).toBe(500);
	expect(backoffMs(3, () => 1)).toBe(4000);
	expect(backoffMs(20, () => 1)).toBe(20000);
	expect(backoffMs(20, () => 0)).toBe(10000);
});

describe('the retry policy (one for the API and the file store)', () => {
	const { classify, decide } = require('../../../../dist/nodes/shared/transport/retry');
	const { RETRY } = require('../../../../dist/nodes/shared/transport/constants');
	const answer = (status, headers = {}, body = {}) => ({ status, headers, body });
	const state = (over = {}) => ({ attempts: 1, waitedMs: 0, timeouts: 0, serverErrors: 0, ...over });
	const read = { safeToRepeat: true, canLookUp: false };
	const change = { safeToRepeat: false, canLookUp: false };
	const changeWithLookUp = { safeToRepeat: false, canLookUp: true };

	test.each([
		[answer(200), 'success'],
		[answer(204), 'success'],
		[answer(429), 'refused'],
		[answer(503), 'refused'],
		[answer(500), 'serverError'],
		[answer(502), 'noAnswer'],
		[answer(504), 'noAnswer'],
		[answer(400), 'final'],
		[answer(404), 'final'],
		[{ networkCode: 'ECONNREFUSED' }, 'refused'],
		[{ networkCode: 'ECONNRESET' }, 'noAnswer'],
		[{ networkCode: 'ETIMEDOUT' }, 'noAnswer'],
	])('%j is classified %s', (attempt, verdict) => {
		expect(classify(attempt)).toBe(verdict);
	});

	test('a status the caller handles itself is a success', () => {
		expect(classify(answer(400), [400])).toBe('success');
	});

	test('HTTP 500 on a request safe to repeat: retried with backoff, at most RETRY.serverErrorRetries times', () => {
		for (let errors = 1; errors <= RETRY.serverErrorRetries; errors++) {
			const decision = decide('serverError', answer(500), state({ attempts: errors, serverErrors: errors }), read, () => 1);
			expect(decision).toEqual({ action: 'retry', waitMs: Math.min(RETRY.backoffCapMs, RETRY.backoffBaseMs * 2 ** (errors - 1)) });
		}
		const last = RETRY.serverErrorRetries + 1;
		expect(decide('serverError', answer(500), state({ attempts: last, serverErrors: last }), read)).toMatchObject({
			action: 'throw',
			why: 'spent',
		});
	});

	test('HTTP 500 on a change: looked up when it can be, otherwise its outcome is unknown; never sent blindly', () => {
		expect(decide('serverError', answer(500), state({ serverErrors: 1 }), changeWithLookUp)).toEqual({ action: 'lookUp' });
		expect(decide('serverError', answer(500), state({ serverErrors: 1 }), change)).toMatchObject({
			action: 'throw',
			why: 'outcomeUnknown',
		});
	});

	test('a change looked up and not found goes again within the budget, and says "not applied" when it is spent', () => {
		expect(decide('notApplied', answer(502), state(), changeWithLookUp, () => 0)).toMatchObject({ action: 'retry' });
		expect(decide('notApplied', answer(500), state({ serverErrors: RETRY.serverErrorRetries + 1 }), changeWithLookUp)).toMatchObject({
			action: 'throw',
			why: 'notApplied',
		});
	});

	test('a second timeout ends even a read', () => {
		expect(decide('noAnswer', { networkCode: 'ETIMEDOUT' }, state({ timeouts: 1 }), read)).toMatchObject({ action: 'retry' });
		expect(decide('noAnswer', { networkCode: 'ETIMEDOUT' }, state({ attempts: 2, timeouts: 2 }), read)).toMatchObject({
			action: 'throw',
			why: 'spent',
		});
	});

	test('a wait the server named gets up to 10 % of it on top, never less than asked', () => {
		const asked = answer(429, { 'Retry-After': '4' });
		expect(decide('refused', asked, state(), read, () => 0)).toEqual({ action: 'retry', waitMs: 4000 });
		expect(decide('refused', asked, state(), read, () => 1)).toEqual({ action: 'retry', waitMs: 4400 });
		expect(decide('refused', asked, state(), read, () => 0.5).waitMs).toBe(4200);
		// the storm's 1 s: 1.0 to 1.1 s, not 1.0 to 2.0 s
		expect(decide('refused', answer(429, { 'Retry-After': '1' }), state(), read, () => 1).waitMs).toBe(1100);
	});

	test('the jitter on a named wait is at least 0-50 ms and at most 0-1,000 ms', () => {
		const waitMs = (headers) => decide('refused', answer(429, headers), state(), read, () => 1).waitMs;
		expect(waitMs({ 'Retry-After': '0.2' })).toBe(250); // 10 % would be 20 ms
		expect(waitMs({ 'Retry-After': '0' })).toBe(50);
		expect(waitMs({ 'Retry-After': '30' })).toBe(31_000); // 10 % would be 3 s
	});

	test('a named wait longer than RETRY.maxWaitMs, or past the total cap, gives up at once', () => {
		const long = answer(429, { 'Retry-After': String(RETRY.maxWaitMs / 1000 + 1) });
		expect(decide('refused', long, state(), read)).toMatchObject({ action: 'throw', why: 'spent', tooLong: true });
		const fits = answer(429, { 'Retry-After': '30' });
		expect(decide('refused', fits, state({ waitedMs: RETRY.maxTotalWaitMs - 29_000 }), read)).toMatchObject({
			action: 'throw',
			why: 'spent',
			serverWaitMs: 30_000,
		});
	});

	test('refused requests go again whatever they are: a 503 on a change', () => {
		expect(decide('refused', answer(503), state(), change, () => 0)).toEqual({ action: 'retry', waitMs: RETRY.backoffBaseMs / 2 });
		expect(decide('refused', answer(503), state({ attempts: RETRY.maxAttempts }), change)).toMatchObject({ action: 'throw', why: 'spent' });
	});
});
