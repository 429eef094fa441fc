// The credential attaches the UAT token only where it belongs.
const { ScantrustApi } = require('../../dist/credentials/ScantrustApi.credentials');

const credential = new ScantrustApi();
const TOKEN = 'credential-test-token-not-real';

const authenticate = (data, request) => credential.authenticate({ token: TOKEN, ...data }, request);

test('production: header "Authorization: UAT <token>" for the API origin', async () => {
	const out = await authenticate({ environment: 'production' }, { url: 'https://api.scantrust.com/api/v2/me/' });
	expect(out.headers.Authorization).toBe(`UAT ${TOKEN}`);
});

test('staging and a relative URL on the credential test baseURL', async () => {
	const out = await authenticate(
		{ environment: 'staging' },
		{ baseURL: 'https://api.staging.scantrust.io', url: '/api/v2/me/' },
	);
	expect(out.headers.Authorization).toBe(`UAT ${TOKEN}`);
});

test('a custom base URL with a path prefix (a proxy) works', async () => {
	const out = await authenticate(
		{ environment: 'custom', baseUrl: 'https://proxy.example.com/scantrust/' },
		{ url: 'https://proxy.example.com/scantrust/api/v2/products/' },
	);
	expect(out.headers.Authorization).toBe(`UAT ${TOKEN}`);
});

test('plain http is allowed only to loopback', async () => {
	const out = await authenticate({ environment: 'custom', baseUrl: 'http://127.0.0.1:8790' }, { url: 'http://127.0.0.1:8790/api/v2/me/' });
	expect(out.headers.Authorization).toBe(`UAT ${TOKEN}`);
	await expect(
		authenticate({ environment: 'custom', baseUrl: 'http://scantrust.example.com' }, { url: 'http://scantrust.example.com/api/v2/me/' }),
	).rejects.toThrow(/clear text/);
});

test.each([
	['https://u:p@proxy.example.com', /user name or password/],
	['https://proxy.example.com/?a=1', /query string/],
	['https://proxy.example.com/#x', /fragment/],
	['', /Base URL is empty/],
])('custom base URL %p is refused', async (baseUrl, pattern) => {
	await expect(authenticate({ environment: 'custom', baseUrl }, { url: 'https://proxy.example.com/api/v2/me/' })).rejects.toThrow(pattern);
});

test('the token is never attached to another origin (a download link, a redirect, a foreign next link)', async () => {
	await expect(
		authenticate({ environment: 'production' }, { url: 'https://files.example-bucket.com/export.csv' }),
	).rejects.toThrow(/Refusing to send the Scantrust UAT token to https:\/\/files\.example-bucket\.com/);
	await expect(
		authenticate({ environment: 'production' }, { url: 'http://api.scantrust.com/api/v2/products/' }),
	).rejects.toThrow(/Refusing/);
});

test('errors never contain the token', async () => {
	const error = await authenticate({ environment: 'production' }, { url: 'https://evil.example.com/' }).catch((e) => e);
	expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain(TOKEN);
});

test('the credential test calls GET /api/v2/me/ and explains 401 and 403', () => {
	expect(credential.test.request.url).toBe('/api/v2/me/');
	const messages = credential.test.rules.map((rule) => [rule.properties.value, rule.properties.message]);
	expect(messages).toEqual([
		[401, expect.stringMatching(/wrong or expired/)],
		[403, expect.stringMatching(/permissions/)],
	]);
});

test.each([
	[{ environment: 'production' }, 'https://api.scantrust.com'],
	[{ environment: 'staging' }, 'https://api.staging.scantrust.io'],
	[{ environment: 'custom', baseUrl: 'http://127.0.0.1:8790' }, 'http://127.0.0.1:8790'],
])('the credential test resolves its base URL for %j as n8n would', (data, expected) => {
	const { Workflow } = require('n8n-workflow');
	const { nodeTypes } = require('../harness/n8n');
	const node = { id: 'n', name: 'N', type: 'n8n-nodes-scantrust.scantrustProduct', typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({ id: 'w', nodes: [node], connections: {}, active: false, nodeTypes });
	const resolved = workflow.expression.getSimpleParameterValue(
		node,
		credential.test.request.baseURL,
		'internal',
		{ $credentials: { token: TOKEN, ...data } },
		undefined,
		'',
	);
	expect(resolved).toBe(expected);
});

describe('the credential test calls the same place the nodes do', () => {
	const { Workflow } = require('n8n-workflow');
	const { nodeTypes } = require('../harness/n8n');
	const { useSandbox } = require('../helpers/sandbox');
	const getSandbox = useSandbox();

	/**
	 * The test request's URL as n8n builds it: the baseURL expression resolved over $credentials,
	 * then joined with the url the way axios joins them (the base's path is kept).
	 */
	function testUrl(credentials) {
		const node = { id: 'c', name: 'Credential test', type: 'n8n-nodes-scantrust.scantrustProduct', typeVersion: 1, position: [0, 0], parameters: {} };
		const workflow = new Workflow({ id: 'credential-test', nodes: [node], connections: {}, nodeTypes, active: false, settings: {} });
		const { baseURL, url } = credential.test.request;
		const base = workflow.expression.getSimpleParameterValue(node, baseURL, 'internal', { $credentials: credentials }, undefined, '');
		return `${String(base).replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
	}

	test.each([
		['https://gw.example.com/scantrust', 'https://gw.example.com/scantrust/api/v2/me/'],
		['https://gw.example.com/scantrust/', 'https://gw.example.com/scantrust/api/v2/me/'],
		['https://gw.example.com/scantrust/api/v2', 'https://gw.example.com/scantrust/api/v2/me/'],
		['https://gw.example.com/api/v2/', 'https://gw.example.com/api/v2/me/'],
		['https://gw.example.com/api/scantrust', 'https://gw.example.com/api/scantrust/api/v2/me/'],
	])('custom base URL %s → %s', (baseUrl, expected) => {
		expect(testUrl({ environment: 'custom', baseUrl, token: TOKEN })).toBe(expected);
	});

	test('production and staging', () => {
		expect(testUrl({ environment: 'production' })).toBe('https://api.scantrust.com/api/v2/me/');
		expect(testUrl({ environment: 'staging' })).toBe('https://api.staging.scantrust.io/api/v2/me/');
	});

	test('a base URL ending in /api/v2 passes the test against the sandbox', async () => {
		const sandbox = getSandbox();
		const credentials = { environment: 'custom', baseUrl: `${sandbox.baseUrl}/api/v2`, token: sandbox.tokens.full };
		const url = testUrl(credentials);
		const request = await credential.authenticate(credentials, { url, method: 'GET', headers: {} });
		const response = await fetch(url, { headers: request.headers });
		expect(response.status).toBe(200);
		expect(new URL(url).pathname).toBe('/api/v2/me/');
	});
});
