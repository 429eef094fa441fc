// Starts the sandbox for a test file and gives the tests a few shortcuts into its request log.
const { startSandbox } = require('../../sandbox');

/** Starts a sandbox before the file's tests and closes it after; returns a getter. */
function useSandbox(options = {}) {
	const holder = { sandbox: undefined };
	beforeAll(async () => {
		holder.sandbox = await startSandbox({ seed: 1, jobDelayMs: 200, ...options });
	});
	afterAll(async () => {
		await holder.sandbox?.close();
	});
	return () => holder.sandbox;
}

/** API requests in the log, optionally only those matching a method and a path fragment. */
function apiRequests(sandbox, method, pathPart) {
	return sandbox.log.filter(
		(entry) =>
			entry.origin === 'api' &&
			!entry.path.startsWith('/__sandbox') &&
			(!method || entry.method === method) &&
			(!pathPart || entry.path.includes(pathPart)),
	);
}

module.exports = { useSandbox, apiRequests };
