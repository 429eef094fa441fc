// New Scan against an export whose scans carry no uuid (issue 12, defect 7): such a scan used to be
// delivered again on every poll while it sat inside the late-scan window, because the trigger
// remembered delivered scans by uuid only. A proxy in front of the sandbox strips the uuids.
const http = require('node:http');
const { runPoll, sandboxCredential } = require('../../harness/n8n');
const { useSandbox } = require('../../helpers/sandbox');

const getSandbox = useSandbox();
let sandbox;
let proxy;
let proxyUrl;

beforeAll(async () => {
	proxy = http.createServer(async (req, res) => {
		const target = `${getSandbox().baseUrl}${req.url}`;
		const response = await fetch(target, { headers: { authorization: req.headers.authorization ?? '' } });
		let text = await response.text();
		if (req.url.startsWith('/api/v2/dashboard/scans/') && response.ok) {
			const body = JSON.parse(text);
			for (const record of body.results ?? []) delete record.scan.uuid;
			text = JSON.stringify(body);
		}
		res.writeHead(response.status, { 'Content-Type': response.headers.get('content-type') ?? 'application/json' });
		res.end(text);
	});
	await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
});
afterAll(async () => {
	await new Promise((resolve) => proxy.close(resolve));
});
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

test('a scan without a uuid is delivered once, not again on every poll inside the late-scan window', async () => {
	const staticData = {};
	const credentials = sandboxCredential(sandbox);
	credentials.scantrustApi.baseUrl = proxyUrl;
	const poll = async () => {
		const { result } = await runPoll({
			type: 'scantrustTrigger',
			parameters: { event: 'newScan', options: { lateScanMinutes: 10 } },
			credentials,
			staticData,
		});
		return result === null ? [] : result[0].map((item) => item.json);
	};
	await poll();
	const created = sandbox.addScans({ count: 3 });
	const first = await poll();
	expect(first).toHaveLength(3);
	expect(first.every((event) => event.scan.uuid === undefined)).toBe(true);
	expect(first.map((event) => event.scan.datetime).sort()).toEqual(created.map((scan) => scan.datetime).sort());
	// Still inside the late-scan window: re-read, and recognised as delivered.
	expect(await poll()).toEqual([]);
	expect(await poll()).toEqual([]);
	// A new one still arrives, once.
	sandbox.addScans({ count: 1 });
	expect(await poll()).toHaveLength(1);
	expect(await poll()).toEqual([]);
});
