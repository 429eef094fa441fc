#!/usr/bin/env node
// @ts-check
'use strict';

// Standalone sandbox: `node sandbox/cli.js` (or `npm run sandbox`).
// Serves on 127.0.0.1:8790 (SANDBOX_PORT overrides; the file store takes the next free
// port unless SANDBOX_FILES_PORT is set), prints the URLs and the throwaway tokens, then
// logs one line per request. Other settings come from SANDBOX_* variables:
// SANDBOX_SEED, SANDBOX_SCANS, SANDBOX_PRODUCTS, SANDBOX_CODES, SANDBOX_LATENCY_MS,
// SANDBOX_JOB_DELAY_MS, SANDBOX_LIVE_SCANS_PER_MINUTE, SANDBOX_LIVE_SCAN_LAG_MS, SANDBOX_LIVE_COUNTERFEIT_EVERY,
// SANDBOX_PUBLIC_ORIGIN, SANDBOX_THROTTLE=0, SANDBOX_HOST, SANDBOX_QUIET=1.
// The scan export's open questions (docs/sandbox-choices.md) are flags (or variables):
//   --scan-order oldest|newest          SANDBOX_SCAN_ORDER          the cursor export's order
//   --scan-shuffle                      SANDBOX_SCAN_SHUFFLE=1      any order inside a page
//   --scan-date-precision second|day    SANDBOX_SCAN_DATE_PRECISION how date_from/date_to are honoured
//   --scan-page-latency-ms N            SANDBOX_SCAN_PAGE_LATENCY_MS server time per export page
// and the code export's:
//   --export-id-lists                   SANDBOX_EXPORT_ID_LISTS=1   extended_id=a,b read as a list
// the SCM upload's and the code upload's:
//   --scm-item-errors list|indexed      SANDBOX_SCM_ITEM_ERRORS     per-item 400 errors' shape
//   --no-ingestion-templates            SANDBOX_INGESTION_TEMPLATES=0  GET ingestion/templates/ answers 404
// They can be changed while it runs: POST /__sandbox/config {"scanOrder": "newest", "exportIdLists": true, ...}.

const { startSandbox } = require('./index');

const env = process.env;
/** @param {string | undefined} v */
const num = (v) => (v === undefined || v === '' ? undefined : Number(v));

/** `--name value` / `--name=value` / `--flag` from the command line. */
function parseFlags(argv) {
  /** @type {Record<string, string>} */
  const flags = {};
  const known = ['--scan-order', '--scan-shuffle', '--scan-date-precision', '--scan-page-latency-ms', '--export-id-lists', '--scm-item-errors', '--no-ingestion-templates'];
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    if (!known.includes(name)) throw new Error(`unknown option ${argv[i]} (known: ${known.join(', ')})`);
    if (name === '--scan-shuffle' || name === '--export-id-lists' || name === '--no-ingestion-templates') flags[name] = inline ?? '1';
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`${name} needs a value`);
      flags[name] = value;
    }
  }
  return flags;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const shuffle = flags['--scan-shuffle'] ?? env.SANDBOX_SCAN_SHUFFLE;
  const idLists = flags['--export-id-lists'] ?? env.SANDBOX_EXPORT_ID_LISTS;
  const templates = flags['--no-ingestion-templates'] !== undefined ? '0' : env.SANDBOX_INGESTION_TEMPLATES;
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
    scanPageLatencyMs: num(flags['--scan-page-latency-ms'] ?? env.SANDBOX_SCAN_PAGE_LATENCY_MS),
    scanOrder: /** @type {any} */ (flags['--scan-order'] ?? env.SANDBOX_SCAN_ORDER) || undefined,
    scanShuffle: shuffle === undefined ? undefined : !['0', 'false', ''].includes(shuffle),
    scanDatePrecision: /** @type {any} */ (flags['--scan-date-precision'] ?? env.SANDBOX_SCAN_DATE_PRECISION) || undefined,
    jobDelayMs: num(env.SANDBOX_JOB_DELAY_MS),
    liveScansPerMinute: num(env.SANDBOX_LIVE_SCANS_PER_MINUTE),
    liveScanLagMs: num(env.SANDBOX_LIVE_SCAN_LAG_MS),
    liveCounterfeitEvery: num(env.SANDBOX_LIVE_COUNTERFEIT_EVERY),
    publicOrigin: env.SANDBOX_PUBLIC_ORIGIN || null,
    throttle: env.SANDBOX_THROTTLE !== '0',
    exportIdLists: idLists === undefined ? undefined : !['0', 'false', ''].includes(idLists),
    scmItemErrors: /** @type {any} */ (flags['--scm-item-errors'] ?? env.SANDBOX_SCM_ITEM_ERRORS) || undefined,
    ingestionTemplates: templates === undefined ? undefined : !['0', 'false', ''].includes(templates),
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
    `  scan export     ${s.config.scanOrder} first${s.config.scanShuffle ? ', shuffled inside pages' : ''}, dates honoured ${s.config.scanDatePrecision === 'day' ? 'by whole UTC day' : 'to the second'}${s.config.scanPageLatencyMs ? `, ${s.config.scanPageLatencyMs} ms per page` : ''}`,
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
