#!/usr/bin/env node
'use strict';
/*
 * `npm start`: try the nodes in a real n8n in a browser, on a fresh clone.
 *
 *   1. dev dependencies (`npm ci --ignore-scripts` when node_modules is missing or stale, as
 *      `npm test` does) and the n8n runtime (Node 24 + n8n 2.41.1, in a cache outside the
 *      checkout, minutes the first time);
 *   2. build (tsc + gulp build:assets, skipped when dist/ is newer than the sources) and
 *      `npm pack`, installed into n8n as a community package (like the end-to-end tests);
 *   3. the sandbox Scantrust API with scans arriving live (or, with SCANTRUST_UAT_TOKEN, the
 *      real Scantrust API), an SMTP catch-all for the e-mail examples (messages are printed and
 *      saved under .n8n-demo/mail/, nothing is sent anywhere);
 *   4. n8n at http://localhost:5678 with a fixed owner login, the credentials "Scantrust account"
 *      and "SMTP account", and every examples/*.json (credentials wired by name; files under
 *      .n8n-demo/files/). Its user folder .n8n-demo/ (git-ignored) keeps your workflows and
 *      executions across restarts; delete it to start afresh.
 *
 * Ctrl-C stops everything this started.
 *
 * Environment:
 *   SCANTRUST_UAT_TOKEN            use your own Scantrust account instead of the sandbox (never printed)
 *   SCANTRUST_ENVIRONMENT          production (default) or staging, with SCANTRUST_UAT_TOKEN
 *   N8N_DEMO_PORT                  n8n's port (5678)
 *   N8N_DEMO_LISTEN_ADDRESS        n8n's listen address (127.0.0.1; 0.0.0.0 to reach it from elsewhere)
 *   SANDBOX_PORT                   the sandbox's port (8790; a free one when taken)
 *   SANDBOX_LIVE_SCANS_PER_MINUTE  live scans (6)
 *   SANDBOX_LIVE_COUNTERFEIT_EVERY every Nth live scan is flagged counterfeit (6: one a minute; 0: by chance only)
 *   START_READY_FILE               write {url, email, password, ...} as JSON here once ready (scripts)
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
process.chdir(root);

const DEMO_DIR = path.join(root, '.n8n-demo');
const FILES_DIR = path.join(DEMO_DIR, 'files');
const MAIL_DIR = path.join(DEMO_DIR, 'mail');
const BUILD_STAMP = path.join(DEMO_DIR, '.dist-built');
const EXAMPLES_DIR = path.join(root, 'examples');
const PORT = Number(process.env.N8N_DEMO_PORT || 5678);
const LISTEN = process.env.N8N_DEMO_LISTEN_ADDRESS || '127.0.0.1';
const URL_BASE = `http://localhost:${PORT}`;
/** Local demo login (not a secret: the demo listens on loopback and holds throwaway data). */
const OWNER_EMAIL = 'demo@example.com';
const OWNER_PASSWORD = 'Scantrust-demo-1';
const CREDENTIAL_NAMES = { scantrustApi: 'Scantrust account', smtp: 'SMTP account' };
/** Where the example files expect n8n's files folder (n8n's Docker image). */
const EXAMPLE_FILES_DIR = '/home/node/.n8n-files';

const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (msg) => console.log(`[start ${secs()}] ${msg}`);

function run(title, command, args) {
	const started = Date.now();
	say(`${title}: ${command} ${args.join(' ')}`);
	const r = spawnSync(command, args, { stdio: 'inherit', cwd: root });
	if (r.status !== 0) {
		console.error(`✖ ${title} failed (exit ${r.status ?? r.signal})`);
		process.exit(r.status || 1);
	}
	say(`${title} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// --- 1. dependencies ------------------------------------------------------------------------
function dependenciesStale() {
	const marker = path.join(root, 'node_modules', '.package-lock.json');
	if (!fs.existsSync(marker)) return true;
	return fs.statSync(path.join(root, 'package-lock.json')).mtimeMs > fs.statSync(marker).mtimeMs + 1000;
}

// --- 2. build --------------------------------------------------------------------------------
function newestMtime(dir) {
	let newest = 0;
	if (!fs.existsSync(dir)) return newest;
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
		else if (/\.(ts|json|svg|png)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
			newest = Math.max(newest, fs.statSync(p).mtimeMs);
	}
	return newest;
}

function distIsCurrent() {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const built = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].map((f) => path.join(root, f));
	if (!built.length || !built.every((f) => fs.existsSync(f))) return false;
	// tsc is incremental: files whose output did not change keep their old mtime, so the time of
	// the last successful build here counts too.
	let stamp = 0;
	try {
		stamp = fs.statSync(BUILD_STAMP).mtimeMs;
	} catch {
		/* never built here */
	}
	const oldestBuilt = Math.max(stamp, Math.min(...built.map((f) => fs.statSync(f).mtimeMs)));
	const sources = Math.max(
		newestMtime(path.join(root, 'nodes')),
		newestMtime(path.join(root, 'credentials')),
		newestMtime(path.join(root, 'icons')),
	);
	return sources <= oldestBuilt + 1000;
}

function portFree(port, host) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, host, () => srv.close(() => resolve(true)));
	});
}

// --- 3. services -----------------------------------------------------------------------------
function scantrustMode() {
	const token = process.env.SCANTRUST_UAT_TOKEN;
	if (!token) return { real: false };
	const environment = (process.env.SCANTRUST_ENVIRONMENT || 'production').toLowerCase();
	if (!['production', 'staging'].includes(environment)) {
		console.error(`✖ SCANTRUST_ENVIRONMENT must be production or staging (got "${environment}")`);
		process.exit(2);
	}
	return { real: true, environment, token };
}

async function startDemoSandbox() {
	const { startSandbox } = require('../sandbox');
	const wanted = Number(process.env.SANDBOX_PORT || 8790);
	const port = (await portFree(wanted, '127.0.0.1')) ? wanted : 0;
	return startSandbox({
		port,
		seed: 1,
		liveScansPerMinute: Number(process.env.SANDBOX_LIVE_SCANS_PER_MINUTE || 6),
		// Some live scans reach "Scantrust" up to a minute late, as from phones that were offline.
		liveScanLagMs: 60_000,
		// By chance about 1 scan in 28 is counterfeit: at 6 a minute the counterfeit alert's first
		// e-mail took minutes (9 on average over ten seeds). A steady one a minute shows it working.
		liveCounterfeitEvery: Number(process.env.SANDBOX_LIVE_COUNTERFEIT_EVERY ?? 6),
		jobDelayMs: 3000,
	});
}

/** Sample input files for the file examples (sandbox mode, written once, never overwritten). */
function writeSampleFiles(sandbox) {
	fs.mkdirSync(FILES_DIR, { recursive: true });
	const active = sandbox.state.codes.filter((c) => c.status === 1);
	const dairy = active.filter((c) => c.campaign === 2207);
	const samples = {
		'codes-to-blacklist.csv': ['extended_id', ...active.slice(-5).map((c) => c.extended_id)],
		'scm-data.csv': [
			'extended_id,lot_number,production_date',
			...dairy.slice(0, 5).map((c, i) => `${c.extended_id},L-DEMO-${String(i + 1).padStart(3, '0')},2026-03-02`),
		],
		'codes.csv': ['id,lot_number', ...[1, 2, 3, 4, 5].map((i) => `DEMO-CODE-${Date.now().toString(36)}-${i},L-DEMO-UPLOAD`)],
	};
	for (const [name, lines] of Object.entries(samples)) {
		const file = path.join(FILES_DIR, name);
		if (!fs.existsSync(file)) fs.writeFileSync(file, `${lines.join('\n')}\n`);
	}
}

/** Prints and saves each message the SMTP catch-all receives. */
function watchMail(smtp, parseMessage) {
	fs.mkdirSync(MAIL_DIR, { recursive: true });
	let seen = 0;
	const timer = setInterval(() => {
		while (seen < smtp.messages.length) {
			const msg = smtp.messages[seen++];
			const file = path.join(MAIL_DIR, `${new Date(msg.receivedAt).toISOString().replace(/[:.]/g, '-')}-${seen}.eml`);
			fs.writeFileSync(file, msg.raw);
			let subject = '';
			try {
				subject = parseMessage(msg.raw).subject ?? '';
			} catch {
				/* shown without subject */
			}
			say(`✉ mail to ${msg.to.join(', ')}: "${subject}" → ${path.relative(root, file)}`);
		}
	}, 1000);
	timer.unref();
	return timer;
}

// --- 4. n8n content --------------------------------------------------------------------------
async function ensureCredential(n8n, existing, name, type, data) {
	const found = existing.find((c) => c.name === name && c.type === type);
	if (found) {
		await n8n.updateCredential(found.id, { name, type, data });
		return { id: String(found.id), name };
	}
	const id = await n8n.createCredential({ name, type, data });
	return { id: String(id), name };
}

/** Creates the examples not in n8n yet (by their workflow id); returns [loaded, new]. */
async function loadExamples(n8n, credentialsByName) {
	if (!fs.existsSync(EXAMPLES_DIR)) return [0, 0];
	const files = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();
	const have = new Set((await n8n.listWorkflows()).map((w) => String(w.id)));
	let created = 0;
	for (const file of files) {
		let wf;
		try {
			wf = JSON.parse(
				fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8').split(EXAMPLE_FILES_DIR).join(FILES_DIR),
			);
		} catch (e) {
			say(`skipped examples/${file}: ${e.message}`);
			continue;
		}
		if (wf.id && have.has(String(wf.id))) continue;
		for (const node of wf.nodes ?? []) {
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				const mine = credentialsByName[ref?.name];
				if (mine) node.credentials[type] = mine;
			}
		}
		try {
			await n8n.rest('POST', '/workflows', {
				...(wf.id ? { id: wf.id } : {}),
				name: wf.name,
				description: wf.description,
				nodes: wf.nodes,
				connections: wf.connections,
				settings: wf.settings ?? {},
				pinData: wf.pinData ?? {},
				meta: wf.meta,
			});
			created++;
		} catch (e) {
			say(`could not load examples/${file}: ${String(e.message).slice(0, 300)}`);
		}
	}
	return [files.length, created];
}

/** How often live scans come, in words, from the sandbox's settings. */
function liveScanText({ liveScansPerMinute, liveCounterfeitEvery }) {
	if (!(liveScansPerMinute > 0)) return 'no live scans';
	const every = Math.round(60 / liveScansPerMinute);
	const scans = liveScansPerMinute >= 1 ? `a new scan every ${every} seconds` : `a new scan every ${Math.round(1 / liveScansPerMinute)} minutes`;
	if (!(liveCounterfeitEvery > 0)) return `${scans}, now and then a counterfeit one`;
	const minutes = liveCounterfeitEvery / liveScansPerMinute;
	return `${scans}, ${minutes === 1 ? 'one a minute' : `one every ${minutes.toFixed(minutes < 10 ? 1 : 0)} minutes`} flagged counterfeit`;
}

/** What to try live, and how soon it shows (the trigger polls once a minute). */
function liveHint({ liveScansPerMinute, liveCounterfeitEvery }) {
	if (!(liveScansPerMinute > 0) || !(liveCounterfeitEvery > 0)) {
		return ['  Live: publish an example with the Scantrust Events Trigger and watch its executions.'];
	}
	const firstCounterfeitMin = liveCounterfeitEvery / liveScansPerMinute;
	// The first poll on publishing only takes its starting point; the next ones (one a minute) deliver.
	const soonest = Math.ceil(firstCounterfeitMin + 1);
	return [
		'  Live: publish the counterfeit alert (Overview → "Scantrust: e-mail alert on a counterfeit scan" → Publish).',
		`  Its first e-mail shows up here within about ${soonest} minute${soonest === 1 ? '' : 's'}, then about one a minute.`,
	];
}

// --- main --------------------------------------------------------------------------------------
async function main() {
	const mode = scantrustMode();
	if (!(await portFree(PORT, LISTEN))) {
		console.error(`✖ port ${PORT} is in use (another n8n or npm start?). Set N8N_DEMO_PORT to use another one.`);
		process.exit(1);
	}
	// --loglevel=error: npm's engine warnings (dev tools that want a newer Node than this one) are
	// not what a newcomer should read first; errors still show.
	if (dependenciesStale()) {
		run('install dev dependencies', 'npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error']);
	}
	say('n8n runtime (Node 24 + n8n; installs into ~/.cache the first time, a few minutes)');
	const { ensureRuntime } = require('./n8n-runtime.js');
	const rt = ensureRuntime();
	say(`n8n ${rt.n8nVersion} on Node ${rt.nodeVersion}`);
	if (distIsCurrent()) say('dist/ is up to date');
	else {
		const buildStarted = new Date();
		run('build', 'npx', ['tsc', '-p', 'tsconfig.json']);
		run('build assets', 'npx', ['gulp', 'build:assets', '--silent']);
		fs.mkdirSync(DEMO_DIR, { recursive: true });
		fs.writeFileSync(BUILD_STAMP, '');
		fs.utimesSync(BUILD_STAMP, buildStarted, buildStarted);
	}
	const harness = require('../test/e2e/n8n.js');
	const { startSmtpServer, parseMessage } = require('../test/e2e/smtp.js');
	const tgz = harness.packPackage();
	say(`packed ${path.basename(tgz)}`);

	/** @type {Array<() => Promise<unknown>>} */
	const stops = [];
	let stopping = false;
	const stopAll = async (code) => {
		if (stopping) return;
		stopping = true;
		say('stopping…');
		for (const stop of stops.reverse()) {
			try {
				await stop();
			} catch (e) {
				console.error(`while stopping: ${e.message}`);
			}
		}
		say('stopped');
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));
	process.on('SIGHUP', () => void stopAll(0));

	try {
		let sandbox;
		let scantrustData;
		if (mode.real) {
			scantrustData = { environment: mode.environment, token: mode.token };
		} else {
			sandbox = await startDemoSandbox();
			stops.push(() => sandbox.close());
			writeSampleFiles(sandbox);
			scantrustData = { environment: 'custom', baseUrl: sandbox.baseUrl, token: sandbox.tokens.full };
			say(`sandbox Scantrust API at ${sandbox.baseUrl} (${sandbox.config().liveScansPerMinute} live scans a minute)`);
		}
		const smtp = await startSmtpServer();
		stops.push(() => smtp.close());
		const mailTimer = watchMail(smtp, parseMessage);
		stops.push(async () => clearInterval(mailTimer));
		fs.mkdirSync(FILES_DIR, { recursive: true });

		const fresh = !fs.existsSync(path.join(DEMO_DIR, '.n8n', 'database.sqlite'));
		say(`n8n user folder ${path.relative(root, DEMO_DIR)}/${fresh ? ' (new: first start migrates its database)' : ''}`);
		const n8n = await harness.createN8n({
			tgz,
			userFolder: DEMO_DIR,
			encryptionKey: null,
			port: PORT,
			ownerEmail: OWNER_EMAIL,
			ownerPassword: OWNER_PASSWORD,
			env: {
				N8N_LISTEN_ADDRESS: LISTEN,
				N8N_HOST: 'localhost',
				WEBHOOK_URL: `${URL_BASE}/`,
				N8N_EDITOR_BASE_URL: `${URL_BASE}/`,
				N8N_RESTRICT_FILE_ACCESS_TO: FILES_DIR,
				GENERIC_TIMEZONE: process.env.GENERIC_TIMEZONE || 'UTC',
				TZ: process.env.TZ || 'UTC',
			},
		});
		stops.push(() => n8n.cleanup());
		say('starting n8n');
		await n8n.start({ timeoutMs: 600_000, maxLifetimeMs: 0 });
		n8n.serverExit?.then((r) => {
			if (stopping) return;
			console.error(`✖ n8n exited (${r.code}):\n${r.output.slice(-4000)}`);
			void stopAll(1);
		});
		await n8n.setupOwnerAndApiKey({ label: 'npm start', replace: true });
		const existing = await n8n.listCredentials();
		const scantrust = await ensureCredential(n8n, existing, CREDENTIAL_NAMES.scantrustApi, 'scantrustApi', scantrustData);
		const smtpCred = await ensureCredential(n8n, existing, CREDENTIAL_NAMES.smtp, 'smtp', {
			host: smtp.host,
			port: smtp.port,
			secure: false,
			disableStartTls: true,
			user: 'demo',
			password: 'demo',
		});
		const [examples, created] = await loadExamples(n8n, {
			[CREDENTIAL_NAMES.scantrustApi]: scantrust,
			[CREDENTIAL_NAMES.smtp]: smtpCred,
		});

		const lines = [
			'',
			`  n8n with n8n-nodes-scantrust is ready (${secs()}):`,
			'',
			`    ${URL_BASE}`,
			`    login     ${OWNER_EMAIL}`,
			`    password  ${OWNER_PASSWORD}`,
			'',
			mode.real
				? `  Credential "${scantrust.name}": your Scantrust account (${mode.environment}, token from SCANTRUST_UAT_TOKEN).`
				: `  Credential "${scantrust.name}": the sandbox Scantrust API at ${sandbox.baseUrl} (throwaway data; ${liveScanText(sandbox.config())}).`,
			`  Credential "${smtpCred.name}": a local catch-all; e-mails are printed here and saved in ${path.relative(root, MAIL_DIR)}/.`,
			`  Examples: ${examples} (${created} new) — open one from the Overview page. Files for the file examples: ${path.relative(root, FILES_DIR)}/.`,
			'  To restore an example you changed: delete it in n8n and run npm start again (missing examples are',
			`  loaded anew; existing ones are never overwritten), or delete ${path.relative(root, DEMO_DIR)}/ to start afresh.`,
			...(mode.real ? [] : liveHint(sandbox.config())),
			`  Workflows and executions stay in ${path.relative(root, DEMO_DIR)}/ across restarts.`,
			'',
			'  Ctrl-C stops n8n, the sandbox and the mail catch-all.',
			'',
		];
		console.log(lines.join('\n'));
		if (process.env.START_READY_FILE) {
			fs.writeFileSync(
				process.env.START_READY_FILE,
				JSON.stringify({ url: URL_BASE, email: OWNER_EMAIL, password: OWNER_PASSWORD, pid: process.pid, sandbox: sandbox?.baseUrl ?? null, examples, readyAfterMs: Date.now() - t0 }),
			);
		}
	} catch (e) {
		console.error(`✖ npm start failed: ${e && e.stack ? e.stack : e}`);
		await stopAll(1);
	}
}

main();
