// A minimal n8n context for the transport's pure retry logic: the HTTP helper answers from a
// script and records what was asked. Everything that talks HTTP for real is tested against the
// sandbox through the n8n-core harness instead.
const TOKEN = 'unit-test-token-not-real-7f3a';

function fakeContext(script, { baseUrl = 'http://127.0.0.1:9', credentialId = 'c1' } = {}) {
	const calls = [];
	const context = {
		calls,
		getNode: () => ({
			id: 'n1',
			name: 'Scantrust',
			type: 'n8n-nodes-scantrust.scantrustProduct',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
			credentials: { scantrustApi: { id: credentialId, name: 'c' } },
		}),
		getCredentials: async () => ({ environment: 'custom', baseUrl, token: TOKEN }),
		helpers: {
			httpRequestWithAuthentication: async (name, options) => {
				calls.push({ ...options, headers: { ...options.headers, Authorization: `UAT ${TOKEN}` } });
				const step = script[Math.min(calls.length - 1, script.length - 1)];
				if (step instanceof Error) throw step;
				return { statusCode: step.status, body: step.body ?? {}, headers: step.headers ?? {} };
			},
		},
	};
	return context;
}

function networkFailure(code) {
	const cause = Object.assign(new Error(`connect ${code}`), { code });
	return Object.assign(new Error('The connection to the server was closed unexpectedly'), { cause });
}

module.exports = { fakeContext, networkFailure, TOKEN };
