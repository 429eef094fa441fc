'use strict';

/**
 * Real-n8n harness for end-to-end tests and benchmarks (plain CommonJS, Node built-ins only).
 *
 * Runs n8n 2.41.1 on Node 24 (installed by scripts/n8n-runtime.js into a cache outside the
 * checkout) with the package installed as a community package, so node types are
 * `n8n-nodes-scantrust.<nodeName>` exactly as for a user's install.
 *
 * CLI mode (one n8n process per command, ~3-5 s each):
 *   const tgz = packPackage();                       // npm pack of the BUILT package, once
 *   const n8n = await createN8n({ tgz });            // temp user folder, free ports, nodes installed
 *   afterAll(() => n8n.cleanup());                   // always: kills processes, removes temp dirs
 *   await n8n.importCredentials([{ id, name, type, data }]);
 *   await n8n.importWorkflow(wf);                    // Manual Trigger -> our node
 *   const r = await n8n.execute(wf.id);              // r.exitCode, r.run, nodeOutput(r.run, 'Node')
 *
 * Server mode (one `n8n start` per test file, then ~0.3 s per run):
 *   await n8n.start();                               // to /healthz/readiness
 *   await n8n.setupOwnerAndApiKey();                 // env-managed owner + public API key
 *   const credId = await n8n.createCredential({ name, type, data });
 *   const id = await n8n.createWorkflow(wf);         // server picks ids: wire credId into wf
 *   const ex = await n8n.run(id);                    // manual run; nodeOutput(ex, 'Node'), ex.status
 *   await n8n.activate(id);                          // polling trigger: poll() runs at once
 *   const [latest] = await n8n.waitForExecutions(id);
 *
 * Notes:
 * - The first ensureRuntime() on a machine installs n8n (minutes): run
 *   `node scripts/n8n-runtime.js` before jest (or in a globalSetup), not inside a test timeout.
 * - Build the package before packPackage(); it packs what is on disk (no scripts run).
 * - Give e2e tests generous timeouts (jest.setTimeout(120000) or more) and few workers: each
 *   n8n process wants most of a core for seconds.
 * - E2E_KEEP_N8N=1 keeps user folders after cleanup (paths printed); E2E_N8N_VERBOSE=1 echoes
 *   the server log to stderr. On failure, serverOutput() and the CLI results' `output` help.
 *
 * Only Node built-ins are used. Every process runs under a small watchdog (Node 24) that
 * kills n8n and its task-runner children when asked to stop, on a deadline, or when this
 * (jest) process goes away; a per-process reaper removes temp folders when it goes away, so
 * nothing outlives a failing or killed test run.
 */
/**
 * @typedef {object} N8nRuntime  what scripts/n8n-runtime.js ensureRuntime() returns
 * @property {string} nodeBin  Node 24 binary
 * @property {string} n8nBin  n8n's bin/n8n (run it as `nodeBin n8nBin ...`)
 * @property {NodeJS.ProcessEnv} env  full environment with Node 24 first on PATH
 * @property {string} runtimeDir
 * @property {string} nodeDir
 * @property {string} n8nDir
 * @property {string} nodeVersion
 * @property {string} n8nVersion
 *
 * @typedef {object} CliResult
 * @property {number} code  exit code (128+n when killed by signal n; 139 = SIGSEGV)
 * @property {string} stdout
 * @property {string} stderr
 * @property {string} output  stdout + stderr
 * @property {number} durationMs  wall time from spawn to exit
 * @property {boolean} timedOut
 *
 * @typedef {{ json: Record<string, unknown>, binary?: Record<string, unknown>, pairedItem?: unknown }} N8nItem
 *
 * @typedef {object} N8nTaskData  one run of one node
 * @property {number} [startTime]
 * @property {number} [executionTime]
 * @property {string} [executionStatus]
 * @property {{ main?: Array<N8nItem[] | null> }} [data]
 * @property {{ message?: string, description?: string, name?: string }} [error]
 *
 * @typedef {object} N8nRun  the parts of n8n's IRun that tests read (the whole object is there)
 * @property {string} [status]  'success' | 'error' | ...
 * @property {boolean} [finished]
 * @property {string} [mode]
 * @property {{ resultData: { runData: Record<string, N8nTaskData[]>, lastNodeExecuted?: string,
 *   error?: { message?: string, description?: string, name?: string, node?: { name?: string } } } }} data
 *
 * @typedef {object} ExecuteResult
 * @property {number} exitCode  0 success, 1 workflow error; 139 = SIGSEGV (see crashedAtExit)
 * @property {boolean} crashedAtExit  n8n died of SIGSEGV after printing the run: the exit-time
 *   crash of the 'vm' expression engine in the CLI (see CreateN8nOptions.cliExpressionEngine)
 * @property {N8nRun | null} run  null when no run could be found
 * @property {'stdout' | 'db' | null} runSource  the printed result, or the database when the print
 *   was missing or cut off (n8n exits before a large log line is fully written)
 * @property {N8nRun['data']['resultData']['error'] | undefined} error  run.data.resultData.error
 * @property {N8nLogLine[]} logs  parsed JSON log lines
 * @property {string} stdout
 * @property {string} stderr
 * @property {string} output
 * @property {number} durationMs
 *
 * @typedef {{ level?: string, message?: string, metadata?: Record<string, unknown> }} N8nLogLine
 *
 * @typedef {object} CredentialInput
 * @property {string} id
 * @property {string} name
 * @property {string} type
 * @property {Record<string, unknown>} data  plaintext; n8n encrypts it with TEST_ENCRYPTION_KEY on import
 *
 * @typedef {object} WorkflowInput
 * @property {string} [id]  at most 21 characters; generated when missing (CLI import only)
 * @property {string} name
 * @property {unknown[]} nodes
 * @property {Record<string, unknown>} connections
 * @property {Record<string, unknown>} [settings]
 * @property {boolean} [active]
 *
 * @typedef {object} CreateN8nOptions
 * @property {string | string[]} [tgz]  tarball(s) to install into <userFolder>/.n8n/nodes
 * @property {Record<string, string>} [env]  extra env for every n8n process (wins over the defaults)
 * @property {boolean} [useTemplate]  copy a pre-migrated .n8n built once per process (default true)
 * @property {boolean} [keep]  keep the temp folder after cleanup() (default: env E2E_KEEP_N8N=1)
 * @property {boolean} [owner]  env-managed owner at start(), for setupOwnerAndApiKey() (default true)
 * @property {string} [userFolder]  use this (persistent) N8N_USER_FOLDER instead of a temp one: it is
 *   created when missing, never removed by cleanup(), no template is copied (n8n migrates it on
 *   first start) and the tarball(s) are (re)installed only when they changed (the demo of
 *   `npm start` keeps its workflows this way)
 * @property {string | null} [encryptionKey]  N8N_ENCRYPTION_KEY (default: the fixed test key);
 *   null: none, n8n generates one into <userFolder>/.n8n/config on first start and keeps it
 * @property {number} [port]  N8N_PORT of start() (default: a free port)
 * @property {string} [ownerEmail]  env-managed owner (default OWNER_EMAIL)
 * @property {string} [ownerPassword]  its password (default OWNER_PASSWORD)
 * @property {'legacy' | 'vm'} [cliExpressionEngine]  expression engine of CLI commands. Default
 *   'legacy': with n8n 2.41.1's default 'vm' (isolated-vm) engine, `n8n execute` often dies of
 *   SIGSEGV (exit 139) at process exit, after printing its result, because the CLI exits without
 *   disposing the isolate pool. start() keeps n8n's default ('vm') unless `env` says otherwise.
 *
 * @typedef {object} StartOptions
 * @property {number} [timeoutMs]  readiness timeout (default 120 s)
 * @property {number} [maxLifetimeMs]  the watchdog stops the server after this (default 60 min)
 * @property {boolean} [verbose]  echo the server log to stderr (default env E2E_N8N_VERBOSE=1)
 *
 * @typedef {object} N8nWorker  an `n8n worker` process (queue mode), from startWorker()
 * @property {string} name
 * @property {number} healthPort  its /healthz server
 * @property {number} brokerPort  its task broker
 * @property {ReturnType<typeof spawnWatched>} handle
 * @property {CliResult | undefined} exited  set once it exited
 * @property {() => string} output  its log so far
 * @property {(timeoutMs?: number) => Promise<CliResult>} stop  SIGTERM, SIGKILL after the timeout
 *
 * @typedef {object} ApiExecution  an execution from the public API (`includeData=true`)
 * @property {string | number} id
 * @property {boolean} [finished]
 * @property {string} [mode]  'manual' | 'trigger' | 'cli' | ...
 * @property {string} [status]  'success' | 'error' | 'running' | ...
 * @property {string} [startedAt]
 * @property {string | null} [stoppedAt]
 * @property {string} [workflowId]
 * @property {N8nRun['data']} [data]
 */
const childProcess = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const runtimeModule = require('../../scripts/n8n-runtime.js');
const REPO_ROOT = runtimeModule.REPO_ROOT;
const PACKAGE_NAME = 'n8n-nodes-scantrust';

/** Fixed key for throwaway test user folders only. */
const TEST_ENCRYPTION_KEY = 'e2e-test-only-encryption-key-not-a-secret';
const OWNER_EMAIL = 'owner@example.com';

/** Password of the env-managed owner in throwaway test instances (not a secret). */
const OWNER_PASSWORD = 'E2e-test-Passw0rd!';
let runtimeCache;

/**
 * Install (first time, minutes) or locate (afterwards, milliseconds) the n8n runtime.
 * @returns {N8nRuntime}
 */
function getRuntime() {
	if (!runtimeCache) runtimeCache = runtimeModule.ensureRuntime();
	return runtimeCache;
}

/**
 * `<PACKAGE_NAME>.<nodeName>`, the type string of one of our nodes inside n8n.
 * @param {string} nodeName
 * @param {string} [packageName]
 * @returns {string}
 */
function nodeType(nodeName, packageName = PACKAGE_NAME) {
	return `${packageName}.${nodeName}`;
}

// ---------------------------------------------------------------------------------------------
// Per-process scratch space; stale ones from dead processes are removed on load.
const TMP_PREFIX = 'scantrust-e2e-';
const PROCESS_DIR = path.join(os.tmpdir(), `${TMP_PREFIX}p${process.pid}`);

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

function removeStaleScratch() {
	let names = [];
	try {
		names = fs.readdirSync(os.tmpdir());
	} catch {
		return;
	}
	for (const name of names) {
		const m = new RegExp(`^${TMP_PREFIX}[pi](\\d+)(?:-|$)`).exec(name);
		if (!m) continue;
		const pid = Number(m[1]);
		if (pid === process.pid || pidAlive(pid)) continue;
		if (fs.existsSync(path.join(os.tmpdir(), name, '.keep'))) continue;
		try {
			fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
		} catch {
			/* someone else's, or gone */
		}
	}
}

removeStaleScratch();

function processDir() {
	fs.mkdirSync(PROCESS_DIR, { recursive: true });
	return PROCESS_DIR;
}
// Live instances, for the exit backstop (the normal path is cleanup()).
const liveInstances = new Set();

/*
 * Backstop for temp folders when cleanup() is never reached (jest worker killed, crash,
 * Ctrl-C): a detached reaper per process whose stdin is a pipe from us. When this process is
 * gone the pipe closes, and the reaper removes this process's scratch dir and instance folders
 * (except those marked .keep). (process 'exit' handlers don't run inside jest's sandbox.)
 * Processes are covered separately: every n8n runs under a watchdog that stops it on EOF too.
 */
const REAPER_SRC = `
const fs = require('fs'), os = require('os'), path = require('path');
const [pid, prefix] = process.argv.slice(1);
let reaping = false;
function reap() {
  if (reaping) return; reaping = true;
  setTimeout(() => {
    const tmp = os.tmpdir();
    for (const n of fs.readdirSync(tmp)) {
      const own = n === prefix + 'p' + pid || n.startsWith(prefix + 'i' + pid + '-');
      if (!own || fs.existsSync(path.join(tmp, n, '.keep'))) continue;
      try { fs.rmSync(path.join(tmp, n), { recursive: true, force: true }); } catch {}
    }
    process.exit(0);
  }, 3000);
}
process.stdin.on('end', reap); process.stdin.on('error', reap); process.stdin.resume();
`;

let backstopsInstalled = false;

function installExitHook() {
	if (backstopsInstalled) return;
	backstopsInstalled = true;
	// Outside jest (plain node scripts) this runs; inside jest it does not, hence the reaper.
	process.once('exit', () => {
		for (const inst of liveInstances) inst.cleanupSync();
	});
	const pidFile = path.join(processDir(), 'reaper.pid');
	try {
		if (pidAlive(Number(fs.readFileSync(pidFile, 'utf8')))) return;
	} catch {
		/* none yet */
	}
	try {
		const reaper = childProcess.spawn(
			process.execPath,
			['-e', REAPER_SRC, String(process.pid), TMP_PREFIX],
			{
				detached: true,
				stdio: ['pipe', 'ignore', 'ignore'],
			},
		);
		reaper.on('error', () => undefined);
		reaper.unref();
		// The pipe must not keep this process alive.
		/** @type {any} */ (reaper.stdin)?.unref();
		if (reaper.pid) fs.writeFileSync(pidFile, String(reaper.pid));
	} catch {
		/* best effort: stale folders are also removed when this module is next loaded */
	}
}

// ---------------------------------------------------------------------------------------------
// Small utilities
function sha(...parts) {
	const h = crypto.createHash('sha256');
	for (const p of parts) h.update(p).update('\0');
	return h.digest('hex').slice(0, 16);
}

function tail(s, n = 4000) {
	return s.length > n ? `...${s.slice(-n)}` : s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A TCP port that was free a moment ago on 127.0.0.1 (avoids `exclude`).
 * @param {number[]} [exclude]
 * @returns {Promise<number>}
 */
async function getFreePort(exclude = []) {
	for (let i = 0; i < 20; i++) {
		const port = await new Promise((resolve, reject) => {
			const srv = net.createServer();
			srv.unref();
			srv.on('error', reject);
			srv.listen(0, '127.0.0.1', () => {
				const addr = /** @type {net.AddressInfo} */ (srv.address());
				srv.close(() => resolve(addr.port));
			});
		});
		if (!exclude.includes(port)) return port;
	}
	throw new Error('no free port found');
}

function randomId(len = 16) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	const bytes = crypto.randomBytes(len);
	let s = '';
	for (const b of bytes) s += alphabet.charAt(b % alphabet.length);
	return s;
}

/** Env for npm/n8n children: the runtime env without variables an outer jest/npm run leaks. */
function baseChildEnv() {
	const env = { ...getRuntime().env };
	for (const k of Object.keys(env)) {
		if (
			/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_FUNCTION_ALLOW_)/.test(
				k,
			) ||
			/^(NODE_ENV|NODE_OPTIONS|JEST_WORKER_ID|TS_NODE_.*)$/.test(k)
		) {
			delete env[k];
		}
	}
	return env;
}

function walkStats(root, rel, out) {
	const abs = path.join(root, rel);
	let st;
	try {
		st = fs.statSync(abs);
	} catch {
		return;
	}
	if (st.isDirectory()) {
		if (path.basename(rel) === 'node_modules') return;
		for (const name of fs.readdirSync(abs).sort()) walkStats(root, path.join(rel, name), out);
	} else {
		out.push(`${rel}:${st.size}:${st.mtimeMs}`);
	}
}

/*
 * Runs under Node 24: spawn argv[1..] in its own process group and relay its output; on
 * SIGTERM/SIGINT/SIGHUP, on stdin EOF (our parent died) or at the deadline send SIGTERM, then
 * SIGKILL the whole group after the grace period. When the child exits, SIGKILL whatever is
 * left in its group (task runners) and exit with the child's code. Output is relayed (not
 * inherited) so that n8n never writes into a pipe whose reader is gone (EPIPE) while it
 * shuts down after its parent died.
 */
const WATCHDOG_SRC = `
const { spawn } = require('child_process');
const os = require('os');
const grace = Number(process.env.E2E_WATCHDOG_GRACE_MS || 10000);
const maxMs = Number(process.env.E2E_WATCHDOG_MAX_MS || 0);
delete process.env.E2E_WATCHDOG_GRACE_MS; delete process.env.E2E_WATCHDOG_MAX_MS;
let parentGone = false;
process.stdout.on('error', () => { parentGone = true; });
process.stderr.on('error', () => { parentGone = true; });
const relay = (stream, data) => { if (!parentGone) { try { stream.write(data); } catch { parentGone = true; } } };
const [cmd, ...args] = process.argv.slice(1);
const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
child.stdout.on('data', (d) => relay(process.stdout, d));
child.stderr.on('data', (d) => relay(process.stderr, d));
let stopping = false;
const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch {} };
function stop(why) {
  if (stopping) return; stopping = true;
  try { process.kill(child.pid, 'SIGTERM'); } catch {}
  if (why) relay(process.stderr, '[e2e-watchdog] stopping n8n: ' + why + '\\n');
  setTimeout(() => { relay(process.stderr, '[e2e-watchdog] grace period over, SIGKILL\\n'); killGroup('SIGKILL'); }, grace).unref();
}
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => stop(''));
process.stdin.on('end', () => { parentGone = true; stop('parent went away'); });
process.stdin.on('error', () => { parentGone = true; stop('parent went away'); });
process.stdin.resume();
if (maxMs > 0) setTimeout(() => stop('deadline of ' + maxMs + ' ms reached'), maxMs).unref();
let exitCode = 1;
child.on('error', (e) => { relay(process.stderr, '[e2e-watchdog] ' + e.message + '\\n'); process.exit(127); });
child.on('exit', (code, sig) => {
  killGroup('SIGKILL');
  exitCode = code !== null ? code : 128 + (os.constants.signals[sig] || 0);
  setTimeout(() => process.exit(exitCode), 2000).unref();
});
child.on('close', () => process.exit(exitCode));
`;

function spawnWatched(cmd, args, opts) {
	const rt = getRuntime();
	const started = Date.now();
	const maxOutput = opts.maxOutput ?? 50 * 1024 * 1024;
	const env = {
		...opts.env,
		E2E_WATCHDOG_GRACE_MS: String(opts.graceMs ?? 10000),
		E2E_WATCHDOG_MAX_MS: String(opts.timeoutMs > 0 ? opts.timeoutMs : 0),
	};
	const proc = childProcess.spawn(rt.nodeBin, ['-e', WATCHDOG_SRC, cmd, ...args], {
		cwd: opts.cwd,
		env,
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	let combined = '';
	const add = (which, chunk) => {
		const s = chunk.toString('utf8');
		if (which === 'out') {
			if (stdout.length < maxOutput) stdout += s;
		} else if (stderr.length < maxOutput) stderr += s;
		if (combined.length < maxOutput) combined += s;
		opts.onOutput?.(s);
	};
	proc.stdout?.on('data', (c) => add('out', c));
	proc.stderr?.on('data', (c) => add('err', c));
	proc.stdin?.on('error', () => undefined);
	const done = new Promise((resolve) => {
		let settled = false;
		const finish = (code) => {
			if (settled) return;
			settled = true;
			proc.stdin?.destroy();
			const durationMs = Date.now() - started;
			resolve({
				code,
				stdout,
				stderr,
				output: stdout + stderr,
				durationMs,
				timedOut: opts.timeoutMs > 0 && durationMs >= opts.timeoutMs && code !== 0,
			});
		};
		proc.on('error', (e) => {
			stderr += `\nspawn error: ${e.message}`;
			finish(127);
		});
		proc.on('close', (code, sig) =>
			finish(code !== null ? code : 128 + (sig ? os.constants.signals[sig] : 0)),
		);
	});
	return { proc, done, output: () => combined };
}

// ---------------------------------------------------------------------------------------------
// Packing the package under test
const packCache = new Map();

/**
 * `npm pack` of the already BUILT package at repoDir (run `npm run build` first) into a
 * per-process temp dir; cached per process and per content (package.json + `files` entries).
 * @param {string} [repoDir]
 * @returns {string} path of the .tgz
 */
function packPackage(repoDir = REPO_ROOT) {
	const dir = path.resolve(repoDir);
	const pkgJsonPath = path.join(dir, 'package.json');
	const pkg = JSON.parse(fs.readFileSync(pkgJsonPath, 'utf8'));
	const stats = [];
	walkStats(dir, 'package.json', stats);
	for (const entry of pkg.files ?? ['dist']) walkStats(dir, entry, stats);
	for (const nodeFile of pkg.n8n?.nodes ?? []) {
		if (!fs.existsSync(path.join(dir, nodeFile))) {
			throw new Error(`packPackage: ${nodeFile} is missing in ${dir}; build the package first`);
		}
	}
	const key = sha(dir, ...stats);
	const cached = packCache.get(key);
	if (cached && fs.existsSync(cached)) return cached;
	const dest = path.join(processDir(), `pack-${key}`);
	fs.rmSync(dest, { recursive: true, force: true });
	fs.mkdirSync(dest, { recursive: true });
	const r = childProcess.spawnSync(
		'npm',
		['pack', '--json', '--ignore-scripts', '--pack-destination', dest],
		{ cwd: dir, env: baseChildEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
	);
	if (r.status !== 0)
		throw new Error(`npm pack failed in ${dir} (${r.status}):\n${r.stdout}\n${r.stderr}`);
	const tgz = fs.readdirSync(dest).find((f) => f.endsWith('.tgz'));
	if (!tgz) throw new Error(`npm pack produced no .tgz in ${dest}:\n${r.stdout}\n${r.stderr}`);
	installExitHook();
	const out = path.join(dest, tgz);
	packCache.set(key, out);
	return out;
}

// ---------------------------------------------------------------------------------------------
// Pre-migrated .n8n templates (once per process; per tarball set)
const templateCache = new Map();

function fixedEnv(userFolder, brokerPort) {
	return {
		...baseChildEnv(),
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		// Our package is not n8n-verified; 2.x warns that this default flips to false in 3.0.
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_LOG_FORMAT: 'json',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
	};
}

async function runN8nCli(env, cwd, args, timeoutMs) {
	const rt = getRuntime();
	return spawnWatched(rt.nodeBin, [rt.n8nBin, ...args], { cwd, env, timeoutMs }).done;
}

async function npmInstallNodes(env, n8nFolder, tgzs) {
	const nodesDir = path.join(n8nFolder, 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pj = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pj))
		fs.writeFileSync(pj, JSON.stringify({ name: 'installed-nodes', private: true }, null, 2));
	const r = await spawnWatched(
		'npm',
		[
			'install',
			...tgzs,
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--prefer-offline',
			'--loglevel=error',
		],
		{ cwd: nodesDir, env, timeoutMs: 5 * 60 * 1000 },
	).done;
	if (r.code !== 0)
		throw new Error(
			`npm install of ${tgzs.join(' ')} into ${nodesDir} failed (${r.code}):\n${tail(r.output)}`,
		);
}

async function buildBaseTemplate() {
	const dir = path.join(
		processDir(),
		`tpl-base-${sha(TEST_ENCRYPTION_KEY, getRuntime().runtimeDir)}`,
	);
	if (fs.existsSync(path.join(dir, '.done'))) return dir;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const env = { ...fixedEnv(dir, await getFreePort()), N8N_EXPRESSION_ENGINE: 'legacy' };
	const emptyFile = path.join(dir, 'empty.json');
	fs.writeFileSync(emptyFile, '[]');
	// Any DB command runs all migrations on a fresh folder.
	const r = await runN8nCli(
		env,
		dir,
		['import:credentials', `--input=${emptyFile}`],
		3 * 60 * 1000,
	);
	if (!fs.existsSync(path.join(dir, '.n8n', 'database.sqlite'))) {
		throw new Error(`building the migrated .n8n template failed (${r.code}):\n${tail(r.output)}`);
	}
	fs.rmSync(emptyFile, { force: true });
	fs.writeFileSync(path.join(dir, '.done'), '');
	return dir;
}

function templateFor(tgzs) {
	const key = sha(
		TEST_ENCRYPTION_KEY,
		...tgzs.map((t) => `${t}:${fs.statSync(t).size}:${fs.statSync(t).mtimeMs}`),
	);
	let p = templateCache.get(key);
	if (!p) {
		p = (async () => {
			installExitHook();
			const base = await buildBaseTemplate();
			if (tgzs.length === 0) return base;
			const dir = path.join(processDir(), `tpl-${key}`);
			fs.rmSync(dir, { recursive: true, force: true });
			fs.cpSync(path.join(base, '.n8n'), path.join(dir, '.n8n'), {
				recursive: true,
				verbatimSymlinks: true,
			});
			await npmInstallNodes(fixedEnv(dir, 0), path.join(dir, '.n8n'), tgzs);
			return dir;
		})();
		p.catch(() => templateCache.delete(key));
		templateCache.set(key, p);
	}
	return p;
}

/*
 * Runs under Node 24 with n8n's own sqlite3 and flatted: the newest execution of a workflow
 * (started at or after a time) from the user folder's database, written as JSON to a file.
 */
const READ_EXECUTION_SRC = `
const fs = require('fs');
const { createRequire } = require('module');
const [n8nBin, dbFile, workflowId, since, outFile] = process.argv.slice(1);
const r = createRequire(n8nBin);
const sqlite3 = r('sqlite3');
const flatted = r('flatted');
const db = new sqlite3.Database(dbFile, sqlite3.OPEN_READONLY);
db.get(
  'SELECT e.id, e.mode, e.status, e.finished, e.startedAt, e.stoppedAt, d.data FROM execution_entity e ' +
    'JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? AND e.startedAt >= ? ORDER BY e.id DESC LIMIT 1',
  [workflowId, since],
  (err, row) => {
    if (err) { process.stderr.write(String(err)); process.exit(2); }
    const out = row ? { id: String(row.id), mode: row.mode, status: row.status, finished: !!row.finished,
      startedAt: row.startedAt, stoppedAt: row.stoppedAt, data: flatted.parse(row.data) } : null;
    fs.writeFileSync(outFile, JSON.stringify(out));
    db.close(() => process.exit(0));
  },
);
`;

function sqliteTime(ms) {
	return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * @param {string} text
 * @returns {N8nLogLine[]}
 */
function parseLogLines(text) {
	const out = [];
	for (const line of text.split('\n')) {
		const t = line.trim();
		if (!t.startsWith('{')) continue;
		try {
			const v = JSON.parse(t);
			if (v && typeof v === 'object') out.push(v);
		} catch {
			/* not JSON */
		}
	}
	return out;
}

/**
 * The IRun printed by `n8n execute` (last log message that parses to { data: { resultData } }).
 * @param {N8nLogLine[]} logs
 * @returns {N8nRun | null}
 */
function extractRun(logs) {
	for (let i = logs.length - 1; i >= 0; i--) {
		const msg = logs[i]?.message;
		if (typeof msg !== 'string' || !msg.startsWith('{')) continue;
		try {
			const v = JSON.parse(msg);
			if (v && v.data && v.data.resultData) return v;
		} catch {
			/* another message */
		}
	}
	return null;
}

/**
 * Items a node emitted: `runData[nodeName][runIndex].data.main[outputIndex]` (json only).
 * Works on an execute() run and on an execution from listExecutions()/getExecution().
 * @param {{ data?: N8nRun['data'] } | null | undefined} run
 * @param {string} nodeName
 * @param {{ runIndex?: number, outputIndex?: number }} [opts]
 * @returns {Array<Record<string, unknown>>}
 */
function nodeOutput(run, nodeName, opts = {}) {
	const task = run?.data?.resultData?.runData?.[nodeName]?.[opts.runIndex ?? 0];
	const items = task?.data?.main?.[opts.outputIndex ?? 0] ?? [];
	return items.map((i) => i.json);
}

/** Whether an execution has ended (its status can no longer change). */
function executionFinished(e) {
	return !['new', 'running', 'waiting'].includes(String(e.status));
}

function httpRequest(method, url, opts = {}) {
	return new Promise((resolve, reject) => {
		const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
		const headers = { accept: 'application/json', ...(opts.headers ?? {}) };
		if (body) {
			headers['content-type'] = 'application/json';
			headers['content-length'] = String(body.length);
		}
		// agent: false, so no keep-alive socket outlives a test.
		const req = http.request(
			url,
			{ method, headers, agent: false, timeout: opts.timeoutMs ?? 30000 },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

const ownerHashCache = new Map();

function ownerPasswordHash(password = OWNER_PASSWORD) {
	const cached = ownerHashCache.get(password);
	if (cached) return cached;
	const rt = getRuntime();
	const code =
		"const r=require('module').createRequire(process.argv[1]);" +
		'process.stdout.write(r("bcryptjs").hashSync(process.argv[2], 10))';
	const r = childProcess.spawnSync(rt.nodeBin, ['-e', code, rt.n8nBin, password], {
		encoding: 'utf8',
	});
	if (r.status !== 0 || !r.stdout.startsWith('$2'))
		throw new Error(`bcrypt hash failed: ${r.stderr}`);
	ownerHashCache.set(password, r.stdout);
	return r.stdout;
}

/** sha256 of a file (hex). */
function fileHash(file) {
	return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// The instance
class N8nInstance {
	constructor(userFolder, ports, options) {
		this.cleaned = false;
		this.fileSeq = 0;
		/** N8N_USER_FOLDER (n8n keeps its state in `<userFolder>/.n8n`). */
		this.userFolder = userFolder;
		this.n8nFolder = path.join(userFolder, '.n8n');
		/** N8N_PORT of start(). */
		this.port = ports[0];
		/** Task-broker port of `n8n start`. */
		this.brokerPort = ports[1];
		/** Task-broker port of CLI commands (so they can run while the server is up). */
		this.cliBrokerPort = ports[2];
		this.baseUrl = `http://127.0.0.1:${this.port}`;
		/** @type {string | undefined} public API key, set by setupOwnerAndApiKey() */
		this.apiKey = undefined;
		/** @type {string | undefined} */
		this.cookie = undefined;
		/** @type {ReturnType<typeof spawnWatched> | undefined} */
		this.server = undefined;
		/** @type {Promise<CliResult> | undefined} */
		this.serverExit = undefined;
		/** @type {CreateN8nOptions} */
		this.options = options;
		/** A folder given by the caller (options.userFolder): never removed. */
		this.persistent = options.userFolder !== undefined;
		this.keep = this.persistent || (options.keep ?? process.env['E2E_KEEP_N8N'] === '1');
		if (this.keep && !this.persistent) fs.writeFileSync(path.join(userFolder, '.keep'), '');
		this.ownerEmail = options.ownerEmail ?? OWNER_EMAIL;
		this.ownerPassword = options.ownerPassword ?? OWNER_PASSWORD;
		/** @type {Set<N8nWorker>} workers started by startWorker() */
		this.workers = new Set();
	}

	/**
	 * Prefer createN8n().
	 * @param {CreateN8nOptions} [options]
	 * @returns {Promise<N8nInstance>}
	 */
	static async create(options = {}) {
		getRuntime();
		installExitHook();
		const tgzs =
			options.tgz === undefined ? [] : Array.isArray(options.tgz) ? options.tgz : [options.tgz];
		const root = options.userFolder
			? path.resolve(options.userFolder)
			: fs.mkdtempSync(path.join(os.tmpdir(), `${TMP_PREFIX}i${process.pid}-`));
		if (options.userFolder) fs.mkdirSync(root, { recursive: true });
		const p1 = options.port ?? (await getFreePort());
		const p2 = await getFreePort([p1]);
		const p3 = await getFreePort([p1, p2]);
		const inst = new N8nInstance(root, [p1, p2, p3], options);
		liveInstances.add(inst);
		try {
			if (inst.persistent) {
				await inst.installPackagesIfChanged(tgzs);
			} else if (options.useTemplate !== false) {
				const tpl = await templateFor(tgzs);
				fs.cpSync(path.join(tpl, '.n8n'), inst.n8nFolder, {
					recursive: true,
					verbatimSymlinks: true,
				});
			} else {
				fs.mkdirSync(inst.n8nFolder, { recursive: true });
				if (tgzs.length) await npmInstallNodes(inst.env(), inst.n8nFolder, tgzs);
			}
		} catch (e) {
			await inst.cleanup();
			throw e;
		}
		return inst;
	}

	/**
	 * Persistent folders: (re)install the tarball(s) into .n8n/nodes when their content changed
	 * since the last install (a marker file keeps the hashes).
	 * @param {string[]} tgzs
	 */
	async installPackagesIfChanged(tgzs) {
		fs.mkdirSync(this.n8nFolder, { recursive: true });
		if (!tgzs.length) return;
		const marker = path.join(this.n8nFolder, 'nodes', '.installed-tarballs.json');
		const want = JSON.stringify(tgzs.map((t) => fileHash(t)).sort());
		let have = '';
		try {
			have = fs.readFileSync(marker, 'utf8');
		} catch {
			/* first install */
		}
		if (have === want) return;
		await npmInstallNodes(this.env(), this.n8nFolder, tgzs);
		fs.writeFileSync(marker, want);
	}

	/**
	 * The environment of this instance's n8n processes.
	 * @param {'cli' | 'server'} [kind]
	 * @returns {NodeJS.ProcessEnv}
	 */
	env(kind = 'cli') {
		const env = fixedEnv(this.userFolder, kind === 'server' ? this.brokerPort : this.cliBrokerPort);
		if (kind === 'cli') env['N8N_EXPRESSION_ENGINE'] = this.options.cliExpressionEngine ?? 'legacy';
		Object.assign(env, {
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		});
		if (kind === 'server' && this.options.owner !== false) {
			Object.assign(env, {
				N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
				N8N_INSTANCE_OWNER_EMAIL: this.ownerEmail,
				N8N_INSTANCE_OWNER_PASSWORD_HASH: ownerPasswordHash(this.ownerPassword),
			});
		}
		if (this.options.encryptionKey === null) delete env['N8N_ENCRYPTION_KEY'];
		else if (this.options.encryptionKey !== undefined)
			env['N8N_ENCRYPTION_KEY'] = this.options.encryptionKey;
		Object.assign(env, this.options.env ?? {});
		return env;
	}

	assertUsable() {
		if (this.cleaned) throw new Error('this N8nInstance was cleaned up');
	}

	writeInput(prefix, value) {
		const file = path.join(this.userFolder, `${prefix}-${++this.fileSeq}.json`);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	/**
	 * Run any n8n CLI command against this user folder (does not throw on non-zero exit).
	 * @param {string[]} args
	 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [opts]
	 * @returns {Promise<CliResult>}
	 */
	async cli(args, opts = {}) {
		this.assertUsable();
		return runN8nCli(
			{ ...this.env('cli'), ...(opts.env ?? {}) },
			this.userFolder,
			args,
			opts.timeoutMs ?? 180000,
		);
	}

	/**
	 * `n8n import:credentials`; `data` is plaintext and gets encrypted. Throws on failure.
	 * @param {CredentialInput[]} creds
	 * @returns {Promise<CliResult>}
	 */
	async importCredentials(creds) {
		const file = this.writeInput('credentials', creds);
		const r = await this.cli(['import:credentials', `--input=${file}`]);
		if (r.code !== 0) throw new Error(`import:credentials failed (${r.code}):\n${tail(r.output)}`);
		return r;
	}

	/**
	 * `n8n import:workflow` of one workflow; returns its id (generated if missing).
	 * @param {WorkflowInput} wf
	 * @returns {Promise<string>}
	 */
	async importWorkflow(wf) {
		const ids = await this.importWorkflows([wf]);
		return ids[0];
	}

	/**
	 * `n8n import:workflow` of several workflows in one CLI call; returns their ids.
	 * @param {WorkflowInput[]} wfs
	 * @returns {Promise<string[]>}
	 */
	async importWorkflows(wfs) {
		const withIds = wfs.map((wf) => ({ ...wf, id: wf.id ?? randomId(16) }));
		for (const wf of withIds) {
			if (wf.id.length > 21) throw new Error(`workflow id ${wf.id} is longer than 21 characters`);
		}
		const file = this.writeInput('workflows', withIds);
		const r = await this.cli(['import:workflow', `--input=${file}`]);
		if (r.code !== 0) throw new Error(`import:workflow failed (${r.code}):\n${tail(r.output)}`);
		return withIds.map((wf) => wf.id);
	}

	/**
	 * `n8n publish:workflow --id=<id>` (2.x's replacement of `update:workflow --active`): the
	 * workflow is activated by the next start(), and its polling triggers poll once at once.
	 * @param {string} workflowId
	 * @returns {Promise<CliResult>}
	 */
	async publishWorkflow(workflowId) {
		const r = await this.cli(['publish:workflow', `--id=${workflowId}`]);
		if (r.code !== 0) throw new Error(`publish:workflow failed (${r.code}):\n${tail(r.output)}`);
		return r;
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. The workflow must start with a Manual Trigger (or an
	 * Execute Workflow Trigger). Does not throw on a failed run: check `exitCode`/`error`.
	 * @param {string} workflowId
	 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [opts]
	 * @returns {Promise<ExecuteResult>}
	 */
	async execute(workflowId, opts = {}) {
		// sqlite stores whole milliseconds in UTC; allow for clock granularity.
		const since = Date.now() - 1000;
		const r = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], opts);
		const logs = parseLogLines(r.stdout);
		let run = extractRun(logs);
		/** @type {ExecuteResult['runSource']} */
		let runSource = run ? 'stdout' : null;
		if (!run) {
			run = await this.readExecutionFromDb(workflowId, since).catch(() => null);
			if (run) runSource = 'db';
		}
		return {
			exitCode: r.code,
			crashedAtExit: r.code === 139 && run !== null,
			run,
			runSource,
			error: run?.data.resultData.error,
			logs,
			stdout: r.stdout,
			stderr: r.stderr,
			output: r.output,
			durationMs: r.durationMs,
		};
	}

	/**
	 * The newest stored execution of a workflow (started at or after `sinceMs`), read straight
	 * from the user folder's database (works with or without the server running).
	 * @param {string} workflowId
	 * @param {number} [sinceMs]
	 * @returns {Promise<N8nRun | null>}
	 */
	async readExecutionFromDb(workflowId, sinceMs = 0) {
		const rt = getRuntime();
		const outFile = path.join(this.userFolder, `execution-${++this.fileSeq}.json`);
		const r = await spawnWatched(
			rt.nodeBin,
			[
				'-e',
				READ_EXECUTION_SRC,
				rt.n8nBin,
				path.join(this.n8nFolder, 'database.sqlite'),
				workflowId,
				sqliteTime(sinceMs),
				outFile,
			],
			{ cwd: this.userFolder, env: baseChildEnv(), timeoutMs: 120000 },
		).done;
		if (r.code !== 0)
			throw new Error(
				`reading the execution from the database failed (${r.code}): ${tail(r.output)}`,
			);
		const text = fs.readFileSync(outFile, 'utf8');
		fs.rmSync(outFile, { force: true });
		return JSON.parse(text);
	}

	get running() {
		return this.server !== undefined;
	}

	/** Output of the `n8n start` process so far. */
	serverOutput() {
		return this.server?.output() ?? '';
	}

	/**
	 * `n8n start`, resolved once /healthz/readiness answers 200.
	 * @param {StartOptions} [opts]
	 * @returns {Promise<void>}
	 */
	async start(opts = {}) {
		this.assertUsable();
		if (this.server) throw new Error('n8n is already running');
		const rt = getRuntime();
		const verbose = opts.verbose ?? process.env['E2E_N8N_VERBOSE'] === '1';
		const server = spawnWatched(rt.nodeBin, [rt.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: this.env('server'),
			timeoutMs: opts.maxLifetimeMs ?? 60 * 60 * 1000,
			graceMs: 15000,
			...(verbose ? { onOutput: (s) => void process.stderr.write(s) } : {}),
		});
		this.server = server;
		/** @type {CliResult | undefined} */
		let exited;
		this.serverExit = server.done.then((r) => {
			exited = r;
			this.server = undefined;
			this.cookie = undefined;
			return r;
		});
		const deadline = Date.now() + (opts.timeoutMs ?? 120000);
		for (;;) {
			if (exited) {
				throw new Error(
					`n8n start exited with ${exited.code} before it was ready:\n${tail(exited.output)}`,
				);
			}
			try {
				const res = await httpRequest('GET', `${this.baseUrl}/healthz/readiness`, {
					timeoutMs: 2000,
				});
				if (res.status === 200) return;
			} catch {
				/* not listening yet */
			}
			if (Date.now() > deadline) {
				const out = server.output();
				await this.stop();
				throw new Error(`n8n was not ready within ${opts.timeoutMs ?? 120000} ms:\n${tail(out)}`);
			}
			await sleep(200);
		}
	}

	/**
	 * SIGTERM (graceful, ~2 s), SIGKILL of the process group after the grace period.
	 * @param {number} [timeoutMs]
	 * @returns {Promise<CliResult | undefined>}
	 */
	async stop(timeoutMs = 25000) {
		const server = this.server;
		const exit = this.serverExit;
		if (!server || !exit) return undefined;
		try {
			server.proc.kill('SIGTERM');
		} catch {
			/* already gone */
		}
		const timer = new Promise((r) => setTimeout(() => r(undefined), timeoutMs).unref());
		const r = await Promise.race([exit, timer]);
		if (!r) {
			try {
				server.proc.kill('SIGKILL');
			} catch {
				/* already gone */
			}
			return exit;
		}
		return r;
	}

	/** Login as the env-managed owner (cookie kept for rest()). */
	async login() {
		if (!this.server) throw new Error('start() n8n first');
		const res = await httpRequest('POST', `${this.baseUrl}/rest/login`, {
			headers: { 'browser-id': 'e2e' },
			body: { emailOrLdapLoginId: this.ownerEmail, password: this.ownerPassword },
		});
		if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
		const setCookie = res.headers['set-cookie'] ?? [];
		const auth = setCookie
			.map((c) => c.split(';')[0] ?? '')
			.filter((c) => c.startsWith('n8n-auth='));
		if (!auth.length)
			throw new Error(`login returned no n8n-auth cookie: ${JSON.stringify(res.headers)}`);
		this.cookie = auth.join('; ');
	}

	/**
	 * Internal `/rest` API with the owner's session cookie (may change between n8n versions).
	 * @param {string} method
	 * @param {string} urlPath  after /rest
	 * @param {unknown} [body]
	 * @returns {Promise<any>} the response's `data`
	 */
	async rest(method, urlPath, body) {
		if (!this.cookie) await this.login();
		const res = await httpRequest(method, `${this.baseUrl}/rest${urlPath}`, {
			headers: { cookie: this.cookie ?? '', 'browser-id': 'e2e' },
			body,
		});
		if (res.status < 200 || res.status >= 300)
			throw new Error(`${method} /rest${urlPath}: ${res.status} ${res.text}`);
		return res.json?.data ?? res.json;
	}

	/**
	 * Log in as the env-managed owner and create a public-API key with all scopes it may have.
	 * `label` names the key; with `replace`, the owner's earlier keys of that label are deleted
	 * first (a persistent user folder then keeps one key, not one per start).
	 * @param {{ label?: string, replace?: boolean }} [opts]
	 * @returns {Promise<string>} the API key (also kept as this.apiKey)
	 */
	async setupOwnerAndApiKey(opts = {}) {
		if (this.options.owner === false) throw new Error('created with owner: false');
		await this.login();
		let scopes = [
			'workflow:read',
			'workflow:list',
			'workflow:create',
			'workflow:update',
			'workflow:delete',
			'workflow:activate',
			'workflow:deactivate',
			'execution:read',
			'execution:list',
			'credential:create',
		];
		try {
			const available = await this.rest('GET', '/api-keys/scopes');
			if (Array.isArray(available) && available.length) scopes = available;
		} catch {
			/* older/newer n8n: use the list above */
		}
		const label = opts.label ?? `e2e-${randomId(6)}`;
		if (opts.replace) {
			const existing = await this.rest('GET', '/api-keys');
			const keys = Array.isArray(existing) ? existing : (existing?.items ?? []);
			for (const k of Array.isArray(keys) ? keys : []) {
				if (k?.label === label) await this.rest('DELETE', `/api-keys/${encodeURIComponent(k.id)}`);
			}
		}
		const created = await this.rest('POST', '/api-keys', {
			label,
			expiresAt: null,
			scopes,
		});
		if (!created?.rawApiKey) throw new Error(`no rawApiKey in ${JSON.stringify(created)}`);
		const key = created.rawApiKey;
		this.apiKey = key;
		return key;
	}

	/**
	 * Public API (`/api/v1`) call with the API key; throws on non-2xx.
	 * @param {string} method
	 * @param {string} urlPath  after /api/v1
	 * @param {unknown} [body]
	 * @returns {Promise<any>}
	 */
	async api(method, urlPath, body) {
		if (!this.apiKey) throw new Error('call setupOwnerAndApiKey() first');
		const res = await httpRequest(method, `${this.baseUrl}/api/v1${urlPath}`, {
			headers: { 'X-N8N-API-KEY': this.apiKey },
			body,
		});
		if (res.status < 200 || res.status >= 300)
			throw new Error(`${method} /api/v1${urlPath}: ${res.status} ${res.text}`);
		return res.json;
	}

	/**
	 * Activate (publish) a workflow; a polling trigger's poll() runs at once.
	 * @param {string} workflowId
	 * @returns {Promise<unknown>}
	 */
	activate(workflowId) {
		return this.api('POST', `/workflows/${encodeURIComponent(workflowId)}/activate`);
	}

	deactivate(workflowId) {
		return this.api('POST', `/workflows/${encodeURIComponent(workflowId)}/deactivate`);
	}

	/**
	 * Executions of a workflow, newest first (with their data by default).
	 * @param {string} workflowId
	 * @param {{ includeData?: boolean, limit?: number, status?: string }} [opts]
	 * @returns {Promise<ApiExecution[]>}
	 */
	async listExecutions(workflowId, opts = {}) {
		const q = new URLSearchParams({
			workflowId,
			includeData: String(opts.includeData ?? true),
			limit: String(opts.limit ?? 100),
		});
		if (opts.status) q.set('status', opts.status);
		const res = await this.api('GET', `/executions?${q.toString()}`);
		return res.data;
	}

	/**
	 * Every execution of a workflow, newest first, also those the list leaves out. `GET
	 * /executions` leaves out each execution the main instance still counts as running, and in
	 * queue mode n8n 2.41's main can go on counting one that a worker has finished (by our reading
	 * of n8n's code: a finished job is removed from Bull at once, so when the worker finishes it
	 * before main listens for its end, main never hears of it; docs/reliability.md). `GET
	 * /executions/:id` does not hide them, so the ids the list skips, up to the first id that does
	 * not exist yet, are read one by one. `memo.hidden` gets the ids the list left out
	 * this time (also for a while after an execution started: main counts it until it hears of
	 * its end).
	 * @param {string} workflowId
	 * @param {{ known?: Map<number, ApiExecution | null>, hidden?: Set<string> }} [memo] what
	 *   earlier calls read: executions that cannot change any more (finished), or `null` for
	 *   another workflow's
	 * @returns {Promise<ApiExecution[]>}
	 */
	async allExecutions(workflowId, memo = {}) {
		const known = memo.known ?? new Map();
		const listed = await this.listExecutions(workflowId, { limit: 250 });
		const byId = new Map(listed.map((e) => [Number(e.id), e]));
		const newestListed = Math.max(0, ...byId.keys());
		for (let id = 1; ; id++) {
			if (byId.has(id)) continue;
			if (known.has(id)) {
				const e = known.get(id);
				if (e) {
					memo.hidden?.add(String(id));
					byId.set(id, e);
				}
				continue;
			}
			let e;
			try {
				e = await this.getExecution(id, true);
			} catch (err) {
				if (!/: 404 /.test(String(err))) throw err;
			}
			// Past the newest listed id, the first id that does not exist is the end; below it, an id
			// can still be missing while its row is being written.
			if (!e) {
				if (id > newestListed) break;
				continue;
			}
			if (String(e.workflowId) !== String(workflowId)) {
				known.set(id, null);
				continue;
			}
			if (executionFinished(e)) known.set(id, e);
			memo.hidden?.add(String(id));
			byId.set(id, e);
		}
		return [...byId.values()].sort((a, b) => Number(b.id) - Number(a.id));
	}

	/**
	 * @param {string | number} id
	 * @param {boolean} [includeData]
	 * @returns {Promise<ApiExecution>}
	 */
	async getExecution(id, includeData = true) {
		return this.api('GET', `/executions/${id}?includeData=${includeData}`);
	}

	/**
	 * Wait until the workflow has at least `count` finished executions (not new/running/waiting);
	 * returns them newest first.
	 * @param {string} workflowId
	 * @param {{ count?: number, timeoutMs?: number, intervalMs?: number }} [opts]
	 * @returns {Promise<ApiExecution[]>}
	 */
	async waitForExecutions(workflowId, opts = {}) {
		const count = opts.count ?? 1;
		const deadline = Date.now() + (opts.timeoutMs ?? 60000);
		for (;;) {
			const all = await this.listExecutions(workflowId);
			const done = all.filter(executionFinished);
			if (done.length >= count) return done;
			if (!this.server)
				throw new Error(`n8n stopped while waiting for executions:\n${tail(this.serverOutput())}`);
			if (Date.now() > deadline) {
				throw new Error(
					`timed out waiting for ${count} execution(s) of ${workflowId}; have ${JSON.stringify(all.map((e) => [e.id, e.status]))}\n` +
						tail(this.serverOutput()),
				);
			}
			await sleep(opts.intervalMs ?? 250);
		}
	}

	/**
	 * Wait until one execution has finished (not new/running/waiting); returns it with data.
	 * @param {string | number} id
	 * @param {{ timeoutMs?: number, intervalMs?: number }} [opts]
	 * @returns {Promise<ApiExecution>}
	 */
	async waitForExecution(id, opts = {}) {
		const deadline = Date.now() + (opts.timeoutMs ?? 60000);
		for (;;) {
			let ex;
			try {
				ex = await this.getExecution(id, true);
			} catch (e) {
				if (!/: 404 /.test(String(e))) throw e;
			}
			if (ex && executionFinished(ex)) return ex;
			if (!this.server)
				throw new Error(
					`n8n stopped while waiting for execution ${id}:\n${tail(this.serverOutput())}`,
				);
			if (Date.now() > deadline) {
				throw new Error(
					`timed out waiting for execution ${id} (status ${ex?.status})\n${tail(this.serverOutput())}`,
				);
			}
			await sleep(opts.intervalMs ?? 100);
		}
	}

	/**
	 * Create a credential through the public API (the server picks the id); returns the id.
	 * @param {{ name: string, type: string, data: Record<string, unknown> }} cred
	 * @returns {Promise<string>}
	 */
	async createCredential(cred) {
		const res = await this.api('POST', '/credentials', {
			name: cred.name,
			type: cred.type,
			data: cred.data,
		});
		return res.id;
	}

	/**
	 * Update a credential through the public API (`PATCH /credentials/:id`).
	 * @param {string} id
	 * @param {{ name?: string, type?: string, data?: Record<string, unknown> }} cred
	 * @returns {Promise<unknown>}
	 */
	updateCredential(id, cred) {
		return this.api('PATCH', `/credentials/${encodeURIComponent(id)}`, cred);
	}

	/**
	 * Every credential (id, name, type; no data), through the public API.
	 * @returns {Promise<Array<{ id: string, name: string, type: string }>>}
	 */
	async listCredentials() {
		return this.listAll('/credentials');
	}

	/**
	 * Every workflow (without pagination limits), through the public API.
	 * @returns {Promise<Array<{ id: string, name: string, active?: boolean, nodes?: unknown[] }>>}
	 */
	async listWorkflows() {
		return this.listAll('/workflows');
	}

	/** @param {string} urlPath */
	async listAll(urlPath) {
		const out = [];
		let cursor;
		do {
			const q = new URLSearchParams({ limit: '250' });
			if (cursor) q.set('cursor', cursor);
			const res = await this.api('GET', `${urlPath}?${q.toString()}`);
			out.push(...(res.data ?? []));
			cursor = res.nextCursor;
		} while (cursor);
		return out;
	}

	/**
	 * Queue mode: `n8n worker` on this user folder (same DB, encryption key and community
	 * packages), resolved once its /healthz/readiness answers (DB and Redis connected). Give the
	 * instance `env` with EXECUTIONS_MODE=queue, QUEUE_BULL_REDIS_HOST/PORT and a shared DB
	 * (DB_TYPE=postgresdb ...); start() the main instance first (it runs the migrations).
	 * Workers are stopped by stopWorkers() and cleanup().
	 * @param {{ concurrency?: number, env?: Record<string, string>, timeoutMs?: number, verbose?: boolean, name?: string }} [opts]
	 * @returns {Promise<N8nWorker>}
	 */
	async startWorker(opts = {}) {
		this.assertUsable();
		const rt = getRuntime();
		const taken = [this.port, this.brokerPort, this.cliBrokerPort];
		for (const w of this.workers) taken.push(w.healthPort, w.brokerPort);
		const brokerPort = await getFreePort(taken);
		const healthPort = await getFreePort([...taken, brokerPort]);
		const name = opts.name ?? `worker${this.workers.size + 1}`;
		const verbose = opts.verbose ?? process.env['E2E_N8N_VERBOSE'] === '1';
		const env = {
			...this.env('server'),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			...(opts.env ?? {}),
		};
		const handle = spawnWatched(
			rt.nodeBin,
			[rt.n8nBin, 'worker', `--concurrency=${opts.concurrency ?? 10}`],
			{
				cwd: this.userFolder,
				env,
				timeoutMs: 60 * 60 * 1000,
				graceMs: 15000,
				...(verbose ? { onOutput: (s) => void process.stderr.write(`[${name}] ${s}`) } : {}),
			},
		);
		/** @type {N8nWorker} */
		const worker = {
			name,
			healthPort,
			brokerPort,
			handle,
			exited: undefined,
			output: () => handle.output(),
			stop: async (timeoutMs = 25000) => {
				try {
					handle.proc.kill('SIGTERM');
				} catch {
					/* gone */
				}
				const timer = new Promise((r) => setTimeout(() => r(undefined), timeoutMs).unref());
				const r = await Promise.race([handle.done, timer]);
				if (!r) {
					try {
						handle.proc.kill('SIGKILL');
					} catch {
						/* gone */
					}
				}
				this.workers.delete(worker);
				return handle.done;
			},
		};
		handle.done.then((r) => {
			worker.exited = r;
		});
		this.workers.add(worker);
		const deadline = Date.now() + (opts.timeoutMs ?? 120000);
		for (;;) {
			if (worker.exited) {
				this.workers.delete(worker);
				throw new Error(
					`n8n worker exited with ${worker.exited.code} before it was ready:\n${tail(worker.exited.output)}`,
				);
			}
			try {
				const res = await httpRequest('GET', `http://127.0.0.1:${healthPort}/healthz/readiness`, {
					timeoutMs: 2000,
				});
				if (res.status === 200) return worker;
			} catch {
				/* not listening yet */
			}
			if (Date.now() > deadline) {
				await worker.stop();
				throw new Error(`n8n worker was not ready in time:\n${tail(handle.output())}`);
			}
			await sleep(200);
		}
	}

	/** Stop every worker started by startWorker(). */
	async stopWorkers() {
		await Promise.all([...this.workers].map((w) => w.stop()));
	}

	/**
	 * Create a workflow through the public API (the server picks the id); returns the id.
	 * @param {WorkflowInput} wf
	 * @returns {Promise<string>}
	 */
	async createWorkflow(wf) {
		const res = await this.api('POST', '/workflows', {
			name: wf.name,
			nodes: wf.nodes,
			connections: wf.connections,
			settings: wf.settings ?? {},
		});
		return res.id;
	}

	/**
	 * Fast path while the server runs: a manual execution, as the editor's "Execute workflow"
	 * (or, with a polling trigger's name, "Fetch test event"), through the internal
	 * `POST /rest/workflows/:id/run`; waits for it and returns the finished execution with data
	 * (`nodeOutput(ex, 'Node')`, `ex.status`, `ex.data.resultData.error`). Needs
	 * setupOwnerAndApiKey(). The trigger defaults to the workflow's Manual Trigger.
	 * @param {string} workflowId
	 * @param {{ triggerNode?: string, timeoutMs?: number }} [opts]
	 * @returns {Promise<ApiExecution>}
	 */
	async run(workflowId, opts = {}) {
		let trigger = opts.triggerNode;
		if (!trigger) {
			const wf = await this.api('GET', `/workflows/${encodeURIComponent(workflowId)}`);
			trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger')?.name;
			if (!trigger)
				throw new Error(`workflow ${workflowId} has no Manual Trigger; pass triggerNode`);
		}
		const res = await this.rest('POST', `/workflows/${encodeURIComponent(workflowId)}/run`, {
			triggerToStartFrom: { name: trigger },
		});
		if (!res?.executionId)
			throw new Error(`manual run of ${workflowId} started no execution: ${JSON.stringify(res)}`);
		return this.waitForExecution(
			res.executionId,
			opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs },
		);
	}

	/** Stop n8n and remove the temp folder (unless keep). Idempotent; call it in afterAll/afterEach. */
	async cleanup() {
		if (this.cleaned) return;
		try {
			await this.stopWorkers();
			await this.stop();
		} finally {
			this.cleaned = true;
			liveInstances.delete(this);
			this.removeFolder();
		}
	}

	/** Synchronous last resort (process exit): signal the watchdog, remove the folder. */
	cleanupSync() {
		if (this.cleaned) return;
		this.cleaned = true;
		liveInstances.delete(this);
		for (const p of [this.server, ...[...this.workers].map((w) => w.handle)]) {
			try {
				p?.proc.kill('SIGTERM');
			} catch {
				/* gone */
			}
		}
		this.removeFolder();
	}

	removeFolder() {
		if (this.persistent) return;
		if (this.keep) {
			process.stderr.write(`[e2e] kept n8n user folder ${this.userFolder}\n`);
			return;
		}
		try {
			fs.rmSync(this.userFolder, { recursive: true, force: true, maxRetries: 3 });
		} catch {
			/* best effort */
		}
	}
}

/**
 * A fresh n8n user folder (pre-migrated copy) with the tarball(s) installed as community nodes.
 * @param {CreateN8nOptions} [options]
 * @returns {Promise<N8nInstance>}
 */
function createN8n(options = {}) {
	return N8nInstance.create(options);
}

module.exports = {
	REPO_ROOT,
	PACKAGE_NAME,
	TEST_ENCRYPTION_KEY,
	OWNER_EMAIL,
	OWNER_PASSWORD,
	getRuntime,
	nodeType,
	getFreePort,
	packPackage,
	executionFinished,
	spawnWatched,
	httpRequest,
	parseLogLines,
	extractRun,
	nodeOutput,
	N8nInstance,
	createN8n,
};
