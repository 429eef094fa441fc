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
