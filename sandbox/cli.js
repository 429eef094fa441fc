#!/usr/bin/env node
// @ts-check
'use strict';

// Standalone sandbox: `node sandbox/cli.js` (or `npm run sandbox`).
// Serves on 127.0.0.1:8790 (SANDBOX_PORT overrides; the file store takes the next free
// port unless SANDBOX_FILES_PORT is set), prints the URLs and the throwaway tokens, then
// logs one line per request. Other settings come from SANDBOX_* variables:
// SANDBOX_SEED, SANDBOX_SCANS, SANDBOX_PRODUCTS, SANDBOX_CODES, SANDBOX_LATENCY_MS,
// SANDBOX_JOB_DELAY_MS, SANDBOX_LIVE_SCANS_PER_MINUTE, SANDBOX_LIVE_SCAN_LAG_MS,
// SANDBOX_PUBLIC_ORIGIN, SANDBOX_THROTTLE=0, SANDBOX_HOST, SANDBOX_QUIET=1.

const { startSandbox } = require('./index');

const env = process.env;
/** @param {string | undefined} v */
const num = (v) => (v === undefined || v === '' ? undefined : Number(v));

async function main() {
  const quiet = env.SANDBOX_QUIET === '1';
  const sandbox = await startSandbox({
    host: env.SANDBOX_HOST || '127.0.0.1',
    port: num(env.SANDBOX_PORT) ?? 8790,
    fileStorePort: num(env.SANDBOX_FILES_PORT) ?? 0,
    seed: env.SANDBOX_SEED || undefined,
    scanCount: num(env.SANDBOX_SCANS),
    productCount: num(env.SANDBOX_PRODUCTS),
    codeCount: num(env.SANDBOX_CODES),
    latencyMs: num(env.SANDBOX_LATENCY_MS),
    jobDelayMs: num(env.SANDBOX_JOB_DELAY_MS),
    liveScansPerMinute: num(env.SANDBOX_LIVE_SCANS_PER_MINUTE),
    liveScanLagMs: num(env.SANDBOX_LIVE_SCAN_LAG_MS),
    publicOrigin: env.SANDBOX_PUBLIC_ORIGIN || null,
    throttle: env.SANDBOX_THROTTLE !== '0',
    onLog: quiet ? undefined : (e) => {
      const q = new URLSearchParams(e.query).toString();
      const status = e.dropped ? 'DROPPED' : e.status === null ? 'HANG' : e.status;
      const extra = [e.token ? `token=${e.token}` : '', e.authorizationHeaderSeen && e.origin === 'files' ? 'AUTH-HEADER-SEEN' : '', e.faulted ? `fault=${e.faulted}` : '']
        .filter(Boolean).join(' ');
      process.stdout.write(`${e.time} ${e.origin.padEnd(5)} ${e.method.padEnd(6)} ${e.path}${q ? '?' + q : ''} -> ${status} ${e.durationMs}ms ${extra}\n`);
    },
  });
  const s = sandbox.summary();
  process.stdout.write([
    'Scantrust sandbox is running (throwaway data and tokens; never a real API).',
    `  base URL        ${sandbox.baseUrl}   (API under ${sandbox.apiUrl}/)`,
    `  file store URL  ${sandbox.fileStoreUrl}`,
    `  control         ${sandbox.baseUrl}/__sandbox/state`,
    `  data            ${s.counts.products} products, ${s.counts.codes} codes, ${s.counts.workorders} work orders, ${s.counts.scans} scans`,
    '  tokens (header "Authorization: UAT <token>"):',
    ...Object.entries(sandbox.tokens).map(([name, value]) => `    ${name.padEnd(10)} ${value}`),
    '',
  ].join('\n') + '\n');

  const stop = async () => {
    await sandbox.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`sandbox failed to start: ${err && err.message}\n`);
  process.exit(1);
});
