'use strict';

/**
 * Shared set-up for the end-to-end tests of examples/*.json (plain CommonJS).
 *
 * One real n8n per test file, in server mode (`n8n start` once, then ~0.3 s per manual run),
 * against a sandbox Scantrust API started in the test process, with an SMTP server on loopback
 * and a folder n8n's file nodes may read and write (N8N_RESTRICT_FILE_ACCESS_TO).
 *
 *   const env = useExampleEnv({ sandbox: { jobDelayMs: 300 } });   // registers beforeAll/afterAll
 *   test('...', async () => {
 *     const wf = loadExample('blacklist-codes-from-file.json');
 *     setParameter(wf, 'Read codes-to-blacklist.csv', 'fileSelector', env.file('x.csv'));
 *     await env.deploy(wf);                         // credentials re-pointed, same workflow id
 *     const { ex, insideMs } = await env.runExample(wf.id);
 *   });
 *
 * Only parameters of the imported copy are rewritten (paths, poll intervals, values that
 * must match the sandbox's data); the example files themselves stay as users get them.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { createN8n, packPackage, nodeOutput } = require('./n8n.js');
const { startSandbox } = require('../../sandbox');
const { startSmtpServer } = require('./smtp.js');

const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
/** Credential ids and names the example files reference. */
const EXAMPLE_CREDENTIALS = {
	scantrustApi: { id: 'scantrustAccount', name: 'Scantrust account' },
	smtp: { id: 'smtpAccount', name: 'SMTP account' },
};

/** @param {string} file @returns {any} a fresh copy of examples/<file> */
function loadExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
}

/** @returns {string[]} the example files */
function exampleFiles() {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort();
}

/**
 * @param {any} wf
 * @param {string} name
 * @returns {any} the node called `name`
 */
function getNode(wf, name) {
	const node = wf.nodes.find((n) => n.name === name);
	if (!node) throw new Error(`workflow ${wf.id} has no node "${name}"`);
	return node;
}

/**
 * Sets a parameter of a node of a workflow copy; `dotted` is a path inside `parameters`.
 * @param {any} wf
 * @param {string} nodeName
 * @param {string} dotted  e.g. 'fileSelector', 'options.pollInterval'
 * @param {unknown} value
 */
function setParameter(wf, nodeName, dotted, value) {
	const keys = dotted.split('.');
	let target = getNode(wf, nodeName).parameters;
	for (const k of keys.slice(0, -1)) {
		if (target[k] === undefined || target[k] === null || typeof target[k] !== 'object')
			target[k] = {};
		target = target[k];
	}
	target[/** @type {string} */ (keys[keys.length - 1])] = value;
}

/**
 * Sets an assignment of an Edit Fields (Set) node by its field name.
 * @param {any} wf
 * @param {string} nodeName
 * @param {string} field
 * @param {unknown} value
 */
function setAssignment(wf, nodeName, field, value) {
	const list = getNode(wf, nodeName).parameters.assignments.assignments;
	const a = list.find((x) => x.name === field);
	if (!a) throw new Error(`node "${nodeName}" has no field "${field}"`);
	a.value = value;
}

/** Error of one node's first run (n8n's serialized error object), if any. */
function nodeError(ex, nodeName) {
	return ex?.data?.resultData?.runData?.[nodeName]?.[0]?.error;
}

/** The items of a node's run with their binary metadata. */
function nodeItems(ex, nodeName, outputIndex = 0) {
	return ex?.data?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[outputIndex] ?? [];
}

/** Plain GET on the sandbox API with a token (the test's own view of Scantrust). */
async function sandboxGet(sandbox, pathAndQuery, token = sandbox.tokens.full) {
	const res = await fetch(`${sandbox.baseUrl}${pathAndQuery}`, {
		headers: { Authorization: `UAT ${token}`, Accept: 'application/json' },
	});
	if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
	return res.json();
}

/** Every record of a cursor- or offset-paged sandbox list. */
async function sandboxGetAll(sandbox, pathAndQuery, token) {
	const out = [];
	let next = pathAndQuery;
	while (next) {
		const page = await sandboxGet(sandbox, next, token);
		out.push(...page.results);
		next = page.next ? new URL(page.next).pathname + new URL(page.next).search : null;
	}
	return out;
}

/**
 * Files of a "stored" or "deflated" zip (the central directory is not needed for these).
 * @param {Buffer} buf
 * @returns {Record<string, Buffer>}
 */
function unzip(buf) {
	const zlib = require('zlib');
	/** @type {Record<string, Buffer>} */
	const files = {};
	let p = 0;
	while (p + 30 <= buf.length && buf.readUInt32LE(p) === 0x04034b50) {
		const flags = buf.readUInt16LE(p + 6);
		const method = buf.readUInt16LE(p + 8);
		const compressed = buf.readUInt32LE(p + 18);
		const nameLen = buf.readUInt16LE(p + 26);
		const extraLen = buf.readUInt16LE(p + 28);
		if (flags & 0x08) throw new Error('zip entries with data descriptors are not supported here');
		const name = buf.subarray(p + 30, p + 30 + nameLen).toString('utf8');
		const start = p + 30 + nameLen + extraLen;
		const data = buf.subarray(start, start + compressed);
		files[name] = method === 0 ? Buffer.from(data) : zlib.inflateRawSync(data);
		p = start + compressed;
	}
	return files;
}

/** Timings of this process's example runs, printed by afterAll. */
const timings = [];

/**
 * Registers beforeAll/afterAll for a test file: sandbox, SMTP server, files folder, n8n server
 * with the package, an owner, an API key and the two credentials the examples use.
 * @param {{ sandbox?: Record<string, unknown>, n8nEnv?: Record<string, string>, label?: string }} [options]
 */
function useExampleEnv(options = {}) {
	/** ids of the workflows created in this instance */
	const deployed = new Set();
	const env = {
		/** @type {any} */ sandbox: undefined,
		/** @type {import('./smtp.js').SmtpServer | undefined} */ smtp: undefined,
		/** @type {import('./n8n.js').N8nInstance | undefined} */ n8n: undefined,
		filesDir: '',
		/** @type {Record<string, { id: string, name: string }>} */ credentials: {},
		setupMs: 0,
		setupSteps: '',
		/** a path inside the folder n8n's file nodes may use */
		file(name) {
			return path.join(env.filesDir, name);
		},
		/**
		 * Another credential (e.g. a token with fewer permissions); returns its { id, name }.
		 * @param {string} name
		 * @param {string} type
		 * @param {Record<string, unknown>} data
		 */
		async createCredential(name, type, data) {
			const n8n = /** @type {import('./n8n.js').N8nInstance} */ (env.n8n);
			const created = await n8n.rest('POST', '/credentials', { name, type, data });
			return { id: String(created.id), name };
		},
		scantrustData(token) {
			return { environment: 'custom', baseUrl: env.sandbox.baseUrl, token };
		},
		/**
		 * Creates (or replaces) the workflow in n8n with its own id, pointing every node's
		 * credential of a known type at this instance's credential.
		 * @param {any} wf
		 * @param {Record<string, { id: string, name: string }>} [credentials]  per type, overrides
		 * @returns {Promise<string>}
		 */
		async deploy(wf, credentials = {}) {
			const n8n = /** @type {import('./n8n.js').N8nInstance} */ (env.n8n);
			const creds = { ...env.credentials, ...credentials };
			for (const node of wf.nodes) {
				for (const type of Object.keys(node.credentials ?? {})) {
					if (!creds[type]) throw new Error(`no credential of type ${type} for node ${node.name}`);
					node.credentials[type] = creds[type];
				}
			}
			if (deployed.has(wf.id)) {
				// n8n 2.x deletes only archived workflows (archiving also unpublishes).
				const id = encodeURIComponent(wf.id);
				await n8n.rest('POST', `/workflows/${id}/archive`, {});
				await n8n.rest('DELETE', `/workflows/${id}`);
			}
			const created = await n8n.rest('POST', '/workflows', {
				id: wf.id,
				name: wf.name,
				description: wf.description,
				nodes: wf.nodes,
				connections: wf.connections,
				settings: wf.settings ?? {},
				pinData: wf.pinData ?? {},
				meta: wf.meta,
			});
			if (String(created.id) !== wf.id)
				throw new Error(`n8n gave workflow ${wf.id} the id ${created.id}`);
			deployed.add(wf.id);
			return wf.id;
		},
		/**
		 * A manual run from the workflow's Manual Trigger, as "Execute workflow" in the editor.
		 * @param {string} workflowId
		 * @param {{ triggerNode?: string, timeoutMs?: number }} [opts]
		 */
		async runExample(workflowId, opts = {}) {
			const n8n = /** @type {import('./n8n.js').N8nInstance} */ (env.n8n);
			const started = Date.now();
			const ex = await n8n.run(workflowId, { timeoutMs: 240000, ...opts });
			const wallMs = Date.now() - started;
			return { ex, wallMs, insideMs: insideMs(ex) };
		},
	};

	beforeAll(async () => {
		const started = Date.now();
		const steps = [];
		const step = (name) => steps.push(`${name} ${Date.now() - started}`);
		env.sandbox = await startSandbox({ seed: 1, jobDelayMs: 300, ...(options.sandbox ?? {}) });
		env.smtp = await startSmtpServer();
		// Named like the harness's own scratch folders, so a crashed run's folder is reaped too.
		env.filesDir = fs.mkdtempSync(path.join(os.tmpdir(), `scantrust-e2e-i${process.pid}-files-`));
		step('sandbox+smtp');
		const tgz = packPackage();
		step('pack');
		env.n8n = await createN8n({
			tgz,
			env: { N8N_RESTRICT_FILE_ACCESS_TO: env.filesDir, ...(options.n8nEnv ?? {}) },
		});
		step('user folder');
		await env.n8n.start();
		step('n8n start');
		await env.n8n.setupOwnerAndApiKey();
		step('owner+key');
		env.credentials.scantrustApi = await env.createCredential(
			EXAMPLE_CREDENTIALS.scantrustApi.name,
			'scantrustApi',
			env.scantrustData(env.sandbox.tokens.full),
		);
		env.credentials.smtp = await env.createCredential(EXAMPLE_CREDENTIALS.smtp.name, 'smtp', {
			host: env.smtp.host,
			port: env.smtp.port,
			secure: false,
			disableStartTls: true,
			user: 'e2e-mailer',
			password: 'not-a-secret',
		});
		env.setupMs = Date.now() - started;
		env.setupSteps = steps.join(', ');
	}, 600000);

	afterAll(async () => {
		try {
			await env.n8n?.cleanup();
		} finally {
			await env.smtp?.close();
			await env.sandbox?.close();
			if (env.filesDir) fs.rmSync(env.filesDir, { recursive: true, force: true });
			if (timings.length) {
				const lines = timings.map(
					(t) =>
						`  ${t.example.padEnd(36)} inside n8n ${String(t.insideMs).padStart(6)} ms, run() ${String(t.wallMs).padStart(6)} ms${t.note ? `  (${t.note})` : ''}`,
				);
				process.stdout.write(
					`\n[e2e timings] ${options.label ?? ''} set-up (sandbox, smtp, n8n start, owner, credentials) ${env.setupMs} ms (cumulative: ${env.setupSteps})\n${lines.join('\n')}\n`,
				);
				const out = process.env['E2E_TIMINGS_FILE'];
				if (out) {
					fs.appendFileSync(
						out,
						`${JSON.stringify({ file: options.label, setupMs: env.setupMs, timings })}\n`,
					);
				}
				timings.length = 0;
			}
		}
	}, 120000);

	return env;
}

/** ms between an execution's startedAt and stoppedAt (n8n's own clock). */
function insideMs(ex) {
	const a = Date.parse(String(ex?.startedAt ?? ''));
	const b = Date.parse(String(ex?.stoppedAt ?? ''));
	return Number.isFinite(a) && Number.isFinite(b) ? b - a : NaN;
}

/**
 * @param {string} example
 * @param {{ insideMs: number, wallMs: number }} t
 * @param {string} [note]
 */
function recordTiming(example, t, note) {
	timings.push({ example, insideMs: t.insideMs, wallMs: t.wallMs, ...(note ? { note } : {}) });
}

/** A short account of a failed execution for assertion messages. */
function describeExecution(ex) {
	const err = ex?.data?.resultData?.error;
	const perNode = Object.entries(ex?.data?.resultData?.runData ?? {})
		.map(
			([name, runs]) =>
				`${name}: ${runs.map((r) => r.executionStatus ?? (r.error ? 'error' : 'ok')).join(',')}`,
		)
		.join('; ');
	return `status ${ex?.status}; ${perNode}${err ? `; error: ${err.message} ${err.description ?? ''}` : ''}`;
}

/** Fails with the execution's errors when it did not succeed. */
function expectSuccess(ex) {
	if (ex?.status !== 'success')
		throw new Error(`execution did not succeed: ${describeExecution(ex)}`);
}

module.exports = {
	EXAMPLES_DIR,
	expectSuccess,
	EXAMPLE_CREDENTIALS,
	loadExample,
	exampleFiles,
	getNode,
	setParameter,
	setAssignment,
	nodeOutput,
	nodeItems,
	nodeError,
	sandboxGet,
	sandboxGetAll,
	unzip,
	useExampleEnv,
	insideMs,
	recordTiming,
	describeExecution,
};
