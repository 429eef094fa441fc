// Download links live on the file store: its refusals are explained as such, never as a UAT permission problem.
jest.mock('n8n-workflow', () => ({ ...jest.requireActual('n8n-workflow'), sleep: jest.fn(async () => {}) }));

const { NodeApiError } = require('n8n-workflow');
const { downloadFile } = require('../../../../dist/nodes/shared/transport/files');
const { fakeContext } = require('./fakeContext');

function contextAnswering(steps) {
	const ctx = fakeContext([]);
	ctx.downloads = [];
	ctx.helpers.httpRequest = async (options) => {
		ctx.downloads.push(options);
		const step = steps[Math.min(ctx.downloads.length - 1, steps.length - 1)];
		return { statusCode: step.status, body: Buffer.from(step.body ?? ''), headers: step.headers ?? {} };
	};
	return ctx;
}

test('an expired link is reported as a file-store refusal with what to do', async () => {
	const ctx = contextAnswering([
		{ status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>' },
	]);
	const error = await downloadFile.call(ctx, 'http://127.0.0.1:9/bucket/export.csv?X-Amz-Signature=abc', 2).catch((e) => e);
	expect(error).toBeInstanceOf(NodeApiError);
	expect(error.message).toBe('The file store refused the download (HTTP 403, GET /bucket/export.csv): AccessDenied: Request has expired');
	expect(error.description).toMatch(/expire/);
	expect(error.description).not.toMatch(/UAT/);
	expect(error.context.itemIndex).toBe(2);
});

test('downloads never carry the token and 503s are retried', async () => {
	const ctx = contextAnswering([{ status: 503 }, { status: 200, body: 'a,b\r\n1,2\r\n', headers: { 'content-type': 'text/csv' } }]);
	const file = await downloadFile.call(ctx, 'http://127.0.0.1:9/bucket/export.csv');
	expect(file.data.toString()).toBe('a,b\r\n1,2\r\n');
	expect(ctx.downloads).toHaveLength(2);
	expect(ctx.downloads.every((o) => !o.headers || !('Authorization' in o.headers))).toBe(true);
	expect(ctx.calls).toHaveLength(0); // the authenticated helper was never used
});

describe('the file store under the one retry policy', () => {
	const { sleep } = require('n8n-workflow');
	const { RETRY } = require('../../../../dist/nodes/shared/transport/constants');
	const { uploadToPresignedUrl } = require('../../../../dist/nodes/shared/transport/files');
	const waits = () => sleep.mock.calls.map(([ms]) => ms);
	const slowDown = (seconds) => ({ status: 429, headers: { 'Retry-After': String(seconds) }, body: '<Error><Code>SlowDown</Code></Error>' });
	const csv = { status: 200, body: 'a\r\n1\r\n' };
	beforeEach(() => sleep.mockClear());

	test('a 429 waits as long as its Retry-After asks, with up to 10 % jitter on top (the same rule as the API)', async () => {
		const random = jest.spyOn(Math, 'random').mockReturnValue(1);
		try {
			const ctx = contextAnswering([slowDown(7), slowDown(3), csv]);
			const file = await downloadFile.call(ctx, 'http://127.0.0.1:9/bucket/export.csv');
			expect(file.data.toString()).toBe('a\r\n1\r\n');
			expect(waits()).toEqual([7700, 3300]);
		} finally {
			random.mockRestore();
		}
	});

	test('parallel transfers told the same wait do not come back in step', async () => {
		const named = [];
		for (let run = 0; run < 5; run++) {
			sleep.mockClear();
			await downloadFile.call(contextAnswering([slowDown(5), csv]), 'http://127.0.0.1:9/bucket/export.csv');
			named.push(waits()[0]);
		}
		expect(new Set(named).size).toBeGreaterThan(1);
	});

	test('429s stop at the total cap with a file-store error, not after an open-ended wait', async () => {
		const ctx = contextAnswering([slowDown(50)]);
		const error = await downloadFile.call(ctx, 'http://127.0.0.1:9/bucket/export.csv', 4).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/The file store refused the download \(HTTP 429/);
		expect(error.context.itemIndex).toBe(4);
		expect(waits().reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(RETRY.maxTotalWaitMs);
		expect(ctx.downloads.length).toBeLessThan(RETRY.maxAttempts);
	});

	test('a Retry-After longer than the single-wait cap fails at once', async () => {
		const ctx = contextAnswering([slowDown(RETRY.maxWaitMs / 1000 + 60)]);
		const error = await downloadFile.call(ctx, 'http://127.0.0.1:9/bucket/export.csv').catch((e) => e);
		expect(error.httpCode).toBe('429');
		expect(waits()).toEqual([]);
		expect(ctx.downloads).toHaveLength(1);
	});

	test('an upload throttled with 429 is sent again after the named wait (the same file to the same key)', async () => {
		const ctx = contextAnswering([slowDown(2), { status: 204 }]);
		const result = await uploadToPresignedUrl.call(ctx, {
			url: 'http://127.0.0.1:9/bucket/',
			fields: { key: 'a.csv' },
			file: { size: 1, fileName: 'a.csv', contentType: 'text/csv', open: async () => (async function* () { yield Buffer.from('x'); })() },
		});
		expect(result.status).toBe(204);
		expect(ctx.downloads).toHaveLength(2);
		expect(waits()[0]).toBeGreaterThanOrEqual(2000);
	});

	test('a 500 is retried a bounded number of times, then explained as a file-store failure', async () => {
		const ctx = contextAnswering([{ status: 500, body: '<Error><Code>InternalError</Code></Error>' }]);
		const error = await downloadFile.call(ctx, 'http://127.0.0.1:9/bucket/export.csv').catch((e) => e);
		expect(error.message).toMatch(/HTTP 500.*InternalError/);
		expect(ctx.downloads).toHaveLength(RETRY.serverErrorRetries + 1);
	});
});
