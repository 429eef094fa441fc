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
