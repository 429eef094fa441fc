// @ts-check
'use strict';

// startSandbox(options): a local HTTP server that behaves like the documented Scantrust
// Admin REST API (see /work/shared/scantrust-api.md), plus a second origin playing the
// file store. Where the reference is silent, docs/sandbox-choices.md says what the
// sandbox does and why.

const { createApiServer } = require('./server');
const { createFileStore } = require('./filestore');
const { createFaults } = require('./faults');
const { PRESETS, ALL_PERMISSIONS, createTokenRegistry } = require('./auth');
const { buildState, normalizeSeed, createRng, uuidFrom, hash32 } = require('./seed');
const { indexState } = require('./model');
const { createScanStore, seedScans, addLiveScans } = require('./scanstore');

const ROUTE_MODULES = ['products', 'scans', 'scm', 'codes', 'workorders', 'ingestion'];

/**
 * @typedef {object} SandboxOptions
 * @property {number} [port] API port; 0 (default) picks a free one
 * @property {number} [fileStorePort] file-store port; 0 (default) picks a free one
 * @property {string} [host] default 127.0.0.1
 * @property {number | string} [seed] data seed
 * @property {number | string | Date} [now] the "current time" the seed data is built around (default: real now)
 * @property {number} [scanCount] seeded scans over the last ~6 months (default 3000)
 * @property {number} [productCount] default 45
 * @property {number} [codeCount] default 4000
 * @property {number} [latencyMs] fixed latency added to every API request
 * @property {number} [scanPageLatencyMs] extra latency per scan-export page (the server's time to build a page; default 0)
 * @property {'oldest' | 'newest'} [scanOrder] the cursor export's order: oldest first (default) or newest first
 * @property {boolean} [scanShuffle] shuffle the scans inside each export page (default false)
 * @property {'second' | 'day'} [scanDatePrecision] how `date_from`/`date_to` are honoured: to the second (fractions
 *   dropped; default) or by whole UTC day only (a date-time taken as its date)
 * @property {number} [jobDelayMs] how long async jobs take to finish (default 2000)
 * @property {number} [liveScansPerMinute] new scans arriving over time (default 0)
 * @property {number} [liveScanLagMs] live scans are dated up to this much in the past (default 0)
 * @property {number} [liveCounterfeitEvery] every Nth live scan is flagged counterfeit (default 0: only by
 *   chance, about 1 in 28, so a demo could wait many minutes for its first alert)
 * @property {string | null} [publicOrigin] origin used in absolute next/previous links
 * @property {boolean} [throttle] enforce the documented rate limits (default true)
 * @property {boolean} [exportIdLists] the code export reads `extended_id=a,b` / `serial_number=a,b` as a list (default false: one literal ID)
 * @property {'list' | 'indexed'} [scmItemErrors] the SCM sync upload's per-item 400 errors: a list aligned with
 *   the items (default) or an object keyed by item index (DRF's ListField shape)
 * @property {boolean} [ingestionTemplates] offer `GET ingestion/templates/` (default true; false: Django's 404)
 * @property {(entry: any) => void} [onLog] called with each request-log entry
 * @property {number} [logLimit] oldest log entries are dropped beyond this (default 100000)
 * @property {number} [exportRows] when above 0, every code export is that many synthetic rows,
 *   generated as they are downloaded (big-file benchmarks and tests; default 0: the real codes)
 */

/** The scan export's undocumented behaviours the sandbox can switch between (docs/sandbox-choices.md). */
const SCAN_ORDERS = ['oldest', 'newest'];
const SCAN_DATE_PRECISIONS = ['second', 'day'];
const SCM_ITEM_ERRORS = ['list', 'indexed'];

/**
 * @param {string} name
 * @param {unknown} value
 * @param {string[]} allowed
 */
function checkChoice(name, value, allowed) {
  if (!allowed.includes(/** @type {string} */ (value))) throw new Error(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return /** @type {any} */ (value);
}

/** @param {SandboxOptions} o */
function normalizeOptions(o) {
  const now = o.now === undefined ? null : o.now instanceof Date ? o.now.getTime() : typeof o.now === 'string' ? Date.parse(o.now) : o.now;
  return {
    port: o.port ?? 0,
    fileStorePort: o.fileStorePort ?? 0,
    host: o.host || '127.0.0.1',
    seed: normalizeSeed(o.seed),
    now,
    scanCount: o.scanCount ?? 3000,
    // At least one (generic) product per brand.
    productCount: Math.max(3, o.productCount ?? 45),
    codeCount: Math.max(0, o.codeCount ?? 4000),
    latencyMs: o.latencyMs ?? 0,
    scanPageLatencyMs: o.scanPageLatencyMs ?? 0,
    scanOrder: checkChoice('scanOrder', o.scanOrder ?? 'oldest', SCAN_ORDERS),
    scanShuffle: o.scanShuffle ?? false,
    scanDatePrecision: checkChoice('scanDatePrecision', o.scanDatePrecision ?? 'second', SCAN_DATE_PRECISIONS),
    jobDelayMs: o.jobDelayMs ?? 2000,
    liveScansPerMinute: o.liveScansPerMinute ?? 0,
    liveScanLagMs: o.liveScanLagMs ?? 0,
    liveCounterfeitEvery: o.liveCounterfeitEvery ?? 0,
    publicOrigin: o.publicOrigin ? String(o.publicOrigin).replace(/\/+$/, '') : null,
    throttle: o.throttle ?? true,
    exportIdLists: o.exportIdLists ?? false,
    scmItemErrors: checkChoice('scmItemErrors', o.scmItemErrors ?? 'list', SCM_ITEM_ERRORS),
    ingestionTemplates: o.ingestionTemplates ?? true,
    onLog: o.onLog,
    logLimit: o.logLimit ?? 100000,
    exportRows: Math.max(0, o.exportRows ?? 0),
  };
}

/**
 * @param {import('node:http').Server} server
 * @param {number} port
 * @param {string} host
 * @returns {Promise<number>}
 */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
    });
  });
}

/**
 * Starts the sandbox.
 * @param {SandboxOptions} [options]
 */
async function startSandbox(options = {}) {
  const opts = normalizeOptions(options);
  const tokenRegistry = createTokenRegistry();
  const tokens = {
    full: tokenRegistry.create(PRESETS.full, 'full'),
    readOnly: tokenRegistry.create(PRESETS.readOnly, 'readOnly'),
    noProduct: tokenRegistry.create(PRESETS.noProduct, 'noProduct'),
  };

  /** @type {any[]} */
  const log = [];
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  /** @type {NodeJS.Timeout | null} */
  let liveTimer = null;

  /** @type {any} */
  const rt = {
    options: opts,
    tokenRegistry,
    faults: createFaults(opts.seed),
    /** @type {any} */ state: {},
    baseUrl: '',
    seq: 0,
    /** @type {any} */ handle: null,
    /**
     * The sandbox clock: real time, shifted when the `now` option pins the seed data to
     * another moment, so "the last 6 months" stays the last 6 months of the data.
     */
    clockOffset: 0,
    now() {
      return Date.now() + rt.clockOffset;
    },
    /** Seeded PRNG for things created at run time (IDs, keys), reset with the state. */
    rng: createRng(hash32(opts.seed, 7)),
    uuid() {
      return uuidFrom(rt.rng.u32);
    },
    /**
     * Runs `fn` after `ms`; pending runs are cancelled by reset() and close().
     * @param {number} ms
     * @param {() => void} fn
     */
    schedule(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, Math.max(0, ms));
      timers.add(t);
    },
    /**
     * @param {'api' | 'files'} origin
     * @param {string} method
     * @param {string} path
     * @param {URLSearchParams} query
     * @param {boolean} authorizationHeaderSeen
     */
    newLogEntry(origin, method, path, query, authorizationHeaderSeen) {
      return {
        seq: ++rt.seq, time: new Date().toISOString(), origin, method, path,
        query: Object.fromEntries(query), status: /** @type {number | null} */ (null), token: /** @type {string | null} */ (null),
        authorizationHeaderSeen, dropped: false, faulted: /** @type {string | false} */ (false), durationMs: 0, retryAfterS: /** @type {number | null} */ (null),
        _start: Date.now(),
      };
    },
    /** @param {any} entry @param {number | null} status */
    finishLog(entry, status) {
      entry.status = status;
      entry.durationMs = Date.now() - entry._start;
      delete entry._start;
      log.push(entry);
      if (log.length > opts.logLimit) log.splice(0, log.length - opts.logLimit);
      if (opts.onLog) opts.onLog(entry);
    },
  };

  function build() {
    const now = opts.now ?? Date.now();
    rt.clockOffset = now - Date.now();
    const state = indexState(buildState({ seed: opts.seed, now, productCount: opts.productCount, codeCount: opts.codeCount }));
    state.scans = createScanStore();
    seedScans(state, { seed: opts.seed, now, count: opts.scanCount });
    // Keep the same object so references to handle.state stay valid across reset().
    for (const k of Object.keys(rt.state)) delete rt.state[k];
    Object.assign(rt.state, state);
    rt.rng = createRng(hash32(opts.seed, 7));
  }
  build();

  const routes = ROUTE_MODULES.flatMap((m) => require(`./routes/${m}`)(rt));
  const api = createApiServer(rt, routes);
  const files = createFileStore(rt);
  rt.files = files.store;

  const apiPort = await listen(api.server, opts.port, opts.host);
  let filePort;
  try {
    filePort = await listen(files.server, opts.fileStorePort, opts.host);
  } catch (err) {
    api.server.close();
    throw err;
  }
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  rt.baseUrl = `http://${hostForUrl}:${apiPort}`;
  const fileStoreUrl = `http://${hostForUrl}:${filePort}`;
  files.store.setOrigin(fileStoreUrl);

  function startLiveScans() {
    if (liveTimer) clearInterval(liveTimer);
    liveTimer = null;
    if (opts.liveScansPerMinute > 0) {
      let arrived = 0;
      liveTimer = setInterval(() => {
        arrived++;
        const every = opts.liveCounterfeitEvery;
        const flags = every > 0 && arrived % every === 0 ? ['counterfeit'] : undefined;
        try {
          addLiveScans(rt, { count: 1, lagMs: opts.liveScanLagMs, flags });
        } catch {
          // No active code to scan (tiny seeds): nothing arrives.
        }
      }, 60000 / opts.liveScansPerMinute);
    }
  }
  startLiveScans();

  const config = () => ({
    latencyMs: opts.latencyMs, scanPageLatencyMs: opts.scanPageLatencyMs, scanOrder: opts.scanOrder,
    scanShuffle: opts.scanShuffle, scanDatePrecision: opts.scanDatePrecision, jobDelayMs: opts.jobDelayMs, liveScansPerMinute: opts.liveScansPerMinute,
    liveScanLagMs: opts.liveScanLagMs, liveCounterfeitEvery: opts.liveCounterfeitEvery, throttle: opts.throttle, publicOrigin: opts.publicOrigin,
    exportIdLists: opts.exportIdLists,
    scmItemErrors: opts.scmItemErrors,
    ingestionTemplates: opts.ingestionTemplates,
    exportRows: opts.exportRows,
  });

  const handle = {
    baseUrl: rt.baseUrl,
    apiUrl: `${rt.baseUrl}/api/v2`,
    fileStoreUrl,
    port: apiPort,
    fileStorePort: filePort,
    /** Token values by name: full, readOnly, noProduct. */
    tokens,
    permissions: ALL_PERMISSIONS,
    presets: PRESETS,
    /** The live in-memory data (same object across reset()). */
    state: rt.state,
    /** Request log of both origins (same array across clearLog()). */
    log,
    faults: rt.faults,
    /** The file store: put(key, body, type, name), presignGet(key, ttlSeconds), presignPost(key, ttlSeconds, onUpload). */
    files: files.store,
    /**
     * A new token with exactly these permissions; returns its value.
     * @param {Iterable<string>} permissions
     * @param {string} [name] shown in the log (default custom1, custom2, …)
     */
    createToken(permissions, name) {
      return tokenRegistry.create(permissions, name);
    },
    clearLog() {
      log.length = 0;
    },
    /**
     * Creates scans now; `lagMs` backdates each one by up to that much ("late" scans).
     * @param {{ count?: number, lagMs?: number, flags?: string[], extendedId?: string, productId?: number, at?: string | number }} [o]
     */
    addScans(o = {}) {
      return addLiveScans(rt, o);
    },
    /** @param {Partial<ReturnType<typeof config>>} o */
    setOptions(o) {
      if (o.scanOrder !== undefined) checkChoice('scanOrder', o.scanOrder, SCAN_ORDERS);
      if (o.scanDatePrecision !== undefined) checkChoice('scanDatePrecision', o.scanDatePrecision, SCAN_DATE_PRECISIONS);
      if (o.scmItemErrors !== undefined) checkChoice('scmItemErrors', o.scmItemErrors, SCM_ITEM_ERRORS);
      for (const k of /** @type {(keyof ReturnType<typeof config>)[]} */ (Object.keys(config()))) {
        if (o[k] !== undefined) /** @type {any} */ (opts)[k] = k === 'publicOrigin' && o[k] ? String(o[k]).replace(/\/+$/, '') : o[k];
      }
      startLiveScans();
      return config();
    },
    config,
    /** Back to the seeded data; clears faults, log, throttle history, jobs and files. */
    reset() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      rt.faults.clear();
      api.histories.clear();
      api.releaseHung();
      files.store.clear();
      log.length = 0;
      build();
    },
    summary() {
      const s = rt.state;
      return {
        baseUrl: rt.baseUrl,
        fileStoreUrl,
        counts: {
          brands: s.brands.length, campaigns: s.campaigns.length, products: s.products.length, codes: s.codes.length,
          workorders: s.workorders.length, scans: s.scans.length, documents: s.documents.size, scmTasks: s.scmTasks.size,
          ingestions: s.ingestions.length,
        },
        scans: s.scans.length ? { oldest: s.scans.datetimeAt(0), newest: s.scans.datetimeAt(s.scans.length - 1) } : null,
        config: config(),
        faults: rt.faults.get(),
        requests: rt.seq,
        pendingJobs: timers.size,
      };
    },
    /** Stops both servers, pending jobs and live scans. */
    async close() {
      if (liveTimer) clearInterval(liveTimer);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      api.releaseHung();
      const stop = (/** @type {import('node:http').Server} */ s) => new Promise((resolve) => {
        s.close(() => resolve(undefined));
        s.closeAllConnections();
      });
      await Promise.all([stop(api.server), stop(files.server)]);
    },
  };
  rt.handle = handle;
  return handle;
}

module.exports = { startSandbox, ALL_PERMISSIONS, PRESETS, SCAN_ORDERS, SCAN_DATE_PRECISIONS };
