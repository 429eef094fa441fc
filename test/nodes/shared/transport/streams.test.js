// The stream helpers behind streamed downloads and uploads (nodes/shared/transport/streams.ts,
// multipart.ts): a real Node Readable for n8n's binary stores, bodies checked for length, the
// multipart body built around a streamed file with its length known up front.
const { Readable } = require('node:stream');
const { readableFrom, watchBody, exactly, BodyError } = require('../../../../dist/nodes/shared/transport/streams');
const { multipartBody, policyMaxBytes } = require('../../../../dist/nodes/shared/transport/multipart');
const { parseMultipart } = require('../../../../sandbox/formats');

async function* chunks(...parts) {
	for (const part of parts) yield Buffer.from(part);
}
const collect = async (iterable) => {
	const out = [];
	for await (const chunk of iterable) out.push(chunk);
	return Buffer.concat(out);
};

test('readableFrom gives a real Node Readable of bytes that event-based readers take too', async () => {
	const stream = readableFrom(chunks('ab', 'cd'));
	expect(stream).toBeInstanceOf(Readable);
	expect(stream.readableObjectMode).toBe(false);
	// n8n's S3, database and in-memory stores read with events, the filesystem store by iteration.
	const viaEvents = await new Promise((resolve, reject) => {
		const out = [];
		stream.on('data', (c) => out.push(c));
		stream.once('end', () => resolve(Buffer.concat(out).toString()));
		stream.once('error', reject);
	});
	expect(viaEvents).toBe('abcd');
	expect((await collect(readableFrom(chunks('x', 'y')))).toString()).toBe('xy');
});

test('readableFrom pulls from its source only as the reader reads (back-pressure)', async () => {
	let pulled = 0;
	async function* endless() {
		for (;;) {
			pulled++;
			yield Buffer.alloc(64 * 1024);
		}
	}
	const stream = readableFrom(endless());
	await new Promise((resolve) => stream.once('readable', resolve));
	await new Promise((resolve) => setImmediate(resolve));
	// The buffer holds about its high-water mark (256 KB), not the endless source.
	expect(pulled).toBeLessThan(10);
	stream.destroy();
});

test('watchBody passes the body on and counts it; a body short of its length fails as truncated', async () => {
	const whole = watchBody(chunks('12345', '67890'), { idleMs: 60_000, expectedBytes: 10, abort: () => {} });
	expect((await collect(whole.chunks)).toString()).toBe('1234567890');
	expect(whole.bytes).toBe(10);
	expect(whole.stalled).toBe(false);

	const short = watchBody(chunks('12345'), { idleMs: 60_000, expectedBytes: 10, abort: () => {} });
	const error = await collect(short.chunks).catch((e) => e);
	expect(error).toBeInstanceOf(BodyError);
	expect(error.reason).toBe('truncated');
	expect(error.message).toBe('the body ended after 5 of 10 bytes');
});

test('watchBody gives up on a body that stops arriving: it aborts the request and says it stalled', async () => {
	let abort;
	const aborted = new Promise((resolve) => (abort = resolve));
	async function* stalls() {
		yield Buffer.from('first');
		await aborted;
		throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
	}
	const watched = watchBody(stalls(), { idleMs: 100, abort });
	const error = await collect(watched.chunks).catch((e) => e);
	expect(error.message).toBe('aborted');
	expect(watched.stalled).toBe(true);
	expect(watched.bytes).toBe(5);
});

test('exactly: a file longer or shorter than its recorded size fails by name', async () => {
	expect((await collect(exactly(chunks('abc', 'de'), 5))).toString()).toBe('abcde');
	await expect(collect(exactly(chunks('abc'), 5))).rejects.toThrow('the file holds fewer bytes than its recorded size of 5');
	await expect(collect(exactly(chunks('abc', 'def'), 5))).rejects.toThrow('the file holds more bytes than its recorded size of 5');
});

test('multipartBody: fields in order, the file last, and the declared length is the bytes sent', async () => {
	const file = Buffer.from('id\r\nABCDEFGH01\r\n');
	const body = multipartBody(
		{ key: 'ingestion/x/codes.csv', policy: 'cG9saWN5', 'x-amz-signature': 'abc' },
		{ size: file.length, fileName: 'my "codes".csv', contentType: 'text/csv', open: async () => chunks(file) },
	);
	const sent = await collect(await body.open());
	expect(sent.length).toBe(body.length);
	const boundary = /boundary=(.+)$/.exec(body.contentType)[1];
	expect(boundary).toMatch(/^----n8nScantrust[A-Za-z0-9]{32}$/);
	const parts = parseMultipart(sent, boundary);
	expect(parts.map((p) => p.name)).toEqual(['key', 'policy', 'x-amz-signature', 'file']);
	expect(parts[3]).toMatchObject({ filename: 'my _codes_.csv', contentType: 'text/csv' });
	expect(parts[3].data.equals(file)).toBe(true);
	// Every attempt gets a fresh body.
	expect((await collect(await body.open())).equals(sent)).toBe(true);
});

test('policyMaxBytes reads the content-length-range of an S3 POST policy, and nothing else', () => {
	const policy = (conditions) => Buffer.from(JSON.stringify({ expiration: '2099-01-01T00:00:00Z', conditions })).toString('base64');
	expect(policyMaxBytes({ policy: policy([{ bucket: 'b' }, ['content-length-range', 0, 104857600]]) })).toBe(104857600);
	expect(policyMaxBytes({ Policy: policy([['content-length-range', 1, 5]]) })).toBe(5);
	expect(policyMaxBytes({ policy: policy([{ bucket: 'b' }]) })).toBeUndefined();
	expect(policyMaxBytes({ policy: 'not base64 json' })).toBeUndefined();
	expect(policyMaxBytes({})).toBeUndefined();
});
