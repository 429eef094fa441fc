#!/usr/bin/env node
'use strict';
/*
 * `node scripts/screenshot.js [out.png]`: a screenshot of the n8n editor showing an example
 * workflow after a run, for the README (default docs/images/editor.png).
 *
 * Uses the n8n of `npm start` at http://localhost:5678 (demo login) when it is running; otherwise
 * starts `npm start` (scripts/start.js) itself and stops it afterwards. Opens the editor in
 * headless Chromium from Debian's packages (apt-get install chromium when missing), driven over
 * the DevTools protocol: logs in, opens the example "new product + work order", clicks
 * "Execute workflow", waits for every node to finish and captures the page.
 *
 * Environment: SCREENSHOT_WORKFLOW (example workflow id, default stProductWorkOrder),
 * SCREENSHOT_SIZE (default 1600x900), N8N_DEMO_PORT (5678).
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

// The DevTools client below uses the WebSocket global (Node ≥ 22): re-run under the n8n
// runtime's Node 24 when this Node has none.
if (typeof WebSocket === 'undefined') {
	const { ensureRuntime } = require('./n8n-runtime.js');
	const rt = ensureRuntime();
	const r = spawnSync(rt.nodeBin, [__filename, ...process.argv.slice(2)], { stdio: 'inherit' });
	process.exit(r.status ?? 1);
}

const PORT = Number(process.env.N8N_DEMO_PORT || 5678);
const BASE = `http://localhost:${PORT}`;
const OWNER_EMAIL = 'demo@example.com';
const OWNER_PASSWORD = 'Scantrust-demo-1';
const WORKFLOW = process.env.SCREENSHOT_WORKFLOW || 'stProductWorkOrder';
const [WIDTH, HEIGHT] = (process.env.SCREENSHOT_SIZE || '1600x900').split('x').map(Number);
const OUT = path.resolve(process.argv[2] || path.join(root, 'docs', 'images', 'editor.png'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (msg) => console.log(`[screenshot] ${msg}`);

async function up() {
	try {
		const res = await fetch(`http://127.0.0.1:${PORT}/healthz/readiness`);
		return res.ok;
	} catch {
		return false;
	}
}

/** Starts scripts/start.js and resolves once it wrote its ready file. */
async function startDemo() {
	const readyFile = path.join(os.tmpdir(), `scantrust-screenshot-ready-${process.pid}.json`);
	fs.rmSync(readyFile, { force: true });
	say('n8n is not running: starting `npm start` (scripts/start.js)');
	const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.js')], {
		cwd: root,
		env: { ...process.env, START_READY_FILE: readyFile },
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	const deadline = Date.now() + 20 * 60 * 1000;
	while (!fs.existsSync(readyFile)) {
		if (child.exitCode !== null) throw new Error(`scripts/start.js exited with ${child.exitCode}`);
		if (Date.now() > deadline) throw new Error('scripts/start.js was not ready in 20 minutes');
		await sleep(500);
	}
	fs.rmSync(readyFile, { force: true });
	return async () => {
		child.kill('SIGINT');
		await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
	};
}

function chromiumPath() {
	for (const name of ['chromium', 'chromium-browser']) {
		const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
		if (r.status === 0) return r.stdout.trim();
	}
	return null;
}

function ensureChromium() {
	if (chromiumPath()) return chromiumPath();
	say('installing chromium from Debian (apt-get)');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
		const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
		if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${r.status})`);
	}
	const p = chromiumPath();
	if (!p) throw new Error('chromium is not on PATH after apt-get install');
	return p;
}

/** Headless Chromium with a fresh profile; resolves with its DevTools port. */
function launchChromium(bin) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'scantrust-chromium-'));
	const proc = spawn(
		bin,
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
			'--no-default-browser-check',
			'--hide-scrollbars',
			'--remote-debugging-address=127.0.0.1',
			'--remote-debugging-port=0',
			`--user-data-dir=${profile}`,
			`--window-size=${WIDTH},${HEIGHT}`,
			'about:blank',
		],
		{ stdio: ['ignore', 'ignore', 'pipe'] },
	);
	const close = async () => {
		proc.kill('SIGTERM');
		await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
		fs.rmSync(profile, { recursive: true, force: true });
	};
	return new Promise((resolve, reject) => {
		let err = '';
		const timer = setTimeout(() => reject(new Error(`chromium did not start:\n${err}`)), 30000);
		proc.stderr.on('data', (d) => {
			err += d.toString();
			const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
			if (m) {
				clearTimeout(timer);
				resolve({ port: Number(m[1]), close });
			}
		});
		proc.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`chromium exited (${code}):\n${err}`));
		});
	});
}

/** Minimal DevTools protocol client for one page. */
async function connectPage(port) {
	const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
	const page = targets.find((t) => t.type === 'page');
	if (!page) throw new Error('no page target');
	const ws = new WebSocket(page.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		ws.onopen = resolve;
		ws.onerror = () => reject(new Error('DevTools websocket failed'));
	});
	let seq = 0;
	const pending = new Map();
	const listeners = new Map();
	ws.onmessage = (ev) => {
		const msg = JSON.parse(String(ev.data));
		if (msg.id && pending.has(msg.id)) {
			const { resolve, reject } = pending.get(msg.id);
			pending.delete(msg.id);
			if (msg.error) reject(new Error(`${msg.error.message} ${msg.error.data ?? ''}`));
			else resolve(msg.result);
		} else if (msg.method) {
			for (const fn of listeners.get(msg.method) ?? []) fn(msg.params);
		}
	};
	const send = (method, params = {}) =>
		new Promise((resolve, reject) => {
			const id = ++seq;
			pending.set(id, { resolve, reject });
			ws.send(JSON.stringify({ id, method, params }));
		});
	const once = (method, timeoutMs = 60000) =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`timeout waiting for ${method}`)), timeoutMs);
			const fn = (params) => {
				clearTimeout(timer);
				listeners.set(method, (listeners.get(method) ?? []).filter((f) => f !== fn));
				resolve(params);
			};
			listeners.set(method, [...(listeners.get(method) ?? []), fn]);
		});
	const evaluate = async (expression) => {
		const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
		if (r.exceptionDetails) throw new Error(`page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
		return r.result.value;
	};
	const navigate = async (url) => {
		const loaded = once('Page.loadEventFired');
		await send('Page.navigate', { url });
		await loaded;
	};
	const waitFor = async (expression, what, timeoutMs = 60000) => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const v = await evaluate(expression).catch(() => undefined);
			if (v) return v;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
			await sleep(250);
		}
	};
	return { send, evaluate, navigate, waitFor, close: () => ws.close() };
}

/** Sandbox mode: remove what the example creates, so that it runs again (its SKU is fixed). */
async function resetExampleData() {
	const sandbox = `http://127.0.0.1:${process.env.SANDBOX_PORT || 8790}`;
	let token;
	try {
		token = (await (await fetch(`${sandbox}/__sandbox/tokens`)).json()).tokens.full;
	} catch {
		return; // not the sandbox (a real account): leave its data alone
	}
	const headers = { Authorization: `UAT ${token}`, Accept: 'application/json' };
	const wf = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'new-product-work-order.json'), 'utf8'));
	const set = wf.nodes.find((n) => n.type === 'n8n-nodes-base.set');
	const sku = set?.parameters?.assignments?.assignments?.find((a) => a.name === 'sku')?.value;
	if (!sku) return;
	const list = await (await fetch(`${sandbox}/api/v2/products/?sku=${encodeURIComponent(sku)}&is_archived=1`, { headers })).json();
	const list2 = await (await fetch(`${sandbox}/api/v2/products/?sku=${encodeURIComponent(sku)}`, { headers })).json();
	for (const p of [...(list.results ?? []), ...(list2.results ?? [])]) {
		await fetch(`${sandbox}/api/v2/products/${p.id}/`, { method: 'DELETE', headers });
	}
}

/** On failure, keep what the page showed (a PNG in the temp folder) for the error message. */
async function waitOrShowWhy(page, wait) {
	try {
		return await wait();
	} catch (e) {
		const file = path.join(os.tmpdir(), `scantrust-screenshot-failed-${process.pid}.png`);
		try {
			const shot = await page.send('Page.captureScreenshot', { format: 'png' });
			fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
			e.message += ` (the page at that moment: ${file})`;
		} catch {
			/* no picture */
		}
		throw e;
	}
}

async function main() {
	const stopDemo = (await up()) ? null : await startDemo();
	const chromium = await launchChromium(ensureChromium());
	let page;
	try {
		page = await connectPage(chromium.port);
		await page.send('Page.enable');
		await page.send('Runtime.enable');
		await page.send('Emulation.setDeviceMetricsOverride', {
			width: WIDTH,
			height: HEIGHT,
			deviceScaleFactor: 1,
			mobile: false,
		});
		say(`logging in at ${BASE}`);
		await page.navigate(`${BASE}/signin`);
		// Log in from the page itself: n8n ties its session cookie to the page's browser id.
		const login = await page.evaluate(`(async () => {
			let id = localStorage.getItem('n8n-browserId');
			if (!id) { id = crypto.randomUUID(); localStorage.setItem('n8n-browserId', id); }
			const res = await fetch('/rest/login', { method: 'POST', credentials: 'include',
				headers: { 'content-type': 'application/json', 'browser-id': id },
				body: JSON.stringify(${JSON.stringify({ emailOrLdapLoginId: OWNER_EMAIL, password: OWNER_PASSWORD })}) });
			return res.status;
		})()`);
		if (login !== 200) throw new Error(`login failed: HTTP ${login}`);
		if (WORKFLOW === 'stProductWorkOrder') await resetExampleData();
		say(`opening workflow ${WORKFLOW}`);
		await page.navigate(`${BASE}/workflow/${WORKFLOW}`);
		await page.waitFor(`document.querySelectorAll('[data-test-id="canvas-node"]').length > 2`, 'the canvas');
		await sleep(1500);
		const nodes = await page.evaluate(`document.querySelectorAll('[data-test-id="canvas-node"]').length`);
		say(`canvas shows ${nodes} nodes; executing the workflow`);
		await page.waitFor(`!!document.querySelector('[data-test-id="execute-workflow-button"]')`, 'the execute button');
		for (let attempt = 1; ; attempt++) {
			await page.evaluate(`document.querySelector('[data-test-id="execute-workflow-button"]').click()`);
			// Done when no node runs any more and all but the sticky note and one show success,
			// or when a node failed.
			const outcome = await waitOrShowWhy(page, () =>
				page.waitFor(
					`(() => { const q = (s) => document.querySelectorAll(s).length;
					  if (q('[data-test-id="canvas-node-status-error"]')) return 'error';
					  const running = q('[data-test-id="canvas-node-status-running"]');
					  return running === 0 && q('[data-test-id="canvas-node-status-success"]') >= ${Math.max(1, nodes - 2)} ? 'success' : ''; })()`,
					'the run to finish',
					180000,
				),
			);
			if (outcome === 'success') break;
			const message = await page.evaluate(`[...document.querySelectorAll('.el-notification')].map((n) => n.innerText).join(' | ')`);
			// The example's work-order reference carries the minute: a second run within the same
			// minute is refused as a duplicate. Wait for the next minute once.
			if (attempt === 1 && /already exists/.test(message)) {
				say(`the run failed (${message.replace(/\s+/g, ' ')}); trying again in the next minute`);
				await sleep(61000 - (Date.now() % 60000));
				if (WORKFLOW === 'stProductWorkOrder') await resetExampleData();
				await page.navigate(`${BASE}/workflow/${WORKFLOW}`);
				await page.waitFor(`!!document.querySelector('[data-test-id="execute-workflow-button"]')`, 'the execute button');
				await sleep(1500);
				continue;
			}
			throw new Error(`the workflow run failed: ${message}`);
		}
		await sleep(1000);
		const shot = await page.send('Page.captureScreenshot', { format: 'png' });
		fs.mkdirSync(path.dirname(OUT), { recursive: true });
		fs.writeFileSync(OUT, Buffer.from(shot.data, 'base64'));
		say(`saved ${path.relative(root, OUT)} (${WIDTH}x${HEIGHT})`);
	} finally {
		page?.close();
		await chromium.close();
		if (stopDemo) await stopDemo();
	}
}

main().catch((e) => {
	console.error(`✖ screenshot failed: ${e && e.stack ? e.stack : e}`);
	process.exit(1);
});
