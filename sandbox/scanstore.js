// @ts-check
'use strict';

// Scans, stored compactly so 300,000 of them fit in a few MB: per scan only its time,
// its code and a scan number live in typed arrays; everything else (uuid, app, device,
// location, flags…) is derived from the scan number and the seed when a page is
// rendered. Scans are kept sorted by (datetime, uuid), the export's order.
//
// What a scan says about its code (status, product, SCM data) is the code's state at
// scan time: seeded scans use the code's seeded state, later scans a snapshot taken
// when they are created.

const { createRng, hash32, uuidFrom, COUNTRIES, DAY } = require('./seed');
const { snapshotOf, productById, brandById, campaignById } = require('./model');
const { iso } = require('./drf');

/** Every flag value the sandbox produces. */
const FLAGS = ['counterfeit', 'out-of-market', 'blacklisted', 'inactive'];

const PLACES = {
  CH: [['Lausanne', 46.5197, 6.6323], ['Zurich', 47.3769, 8.5417]],
  FR: [['Paris', 48.8566, 2.3522], ['Lyon', 45.764, 4.8357]],
  DE: [['Berlin', 52.52, 13.405], ['Munich', 48.1351, 11.582]],
  IT: [['Milan', 45.4642, 9.19], ['Rome', 41.9028, 12.4964]],
  US: [['New York', 40.7128, -74.006], ['Chicago', 41.8781, -87.6298]],
  CN: [['Shanghai', 31.2304, 121.4737], ['Shenzhen', 22.5431, 114.0579]],
  JP: [['Tokyo', 35.6762, 139.6503], ['Osaka', 34.6937, 135.5023]],
  GB: [['London', 51.5072, -0.1276], ['Manchester', 53.4808, -2.2426]],
  BR: [['Sao Paulo', -23.5558, -46.6396], ['Rio de Janeiro', -22.9068, -43.1729]],
  IN: [['Mumbai', 19.076, 72.8777], ['Bengaluru', 12.9716, 77.5946]],
};
const DEVICES = [
  ['iOS', '17.5', 'iPhone 14'], ['iOS', '16.7', 'iPhone 12'], ['Android', '14', 'Pixel 8'],
  ['Android', '13', 'Galaxy S22'], ['Android', '12', 'Redmi Note 11'], ['iOS', '17.2', 'iPhone 15 Pro'],
];
const APPS = ['scantrust-ios', 'scantrust-android', 'web-scanner', 'wechat'];

function createScanStore() {
  let cap = 1024;
  let ts = new Float64Array(cap);
  let code = new Int32Array(cap);
  let sid = new Uint32Array(cap);
  const store = {
    length: 0,
    seed: 0,
    nextSid: 1,
    /** Per-scan data for scans created at run time, by scan number. @type {Map<number, { snapshot: any, flags?: string[] }>} */
    extras: new Map(),
    get ts() { return ts; },
    get code() { return code; },
    get sid() { return sid; },
    /** @param {number} n */
    reserve(n) {
      if (n <= cap) return;
      while (cap < n) cap *= 2;
      const grow = (/** @type {any} */ a, /** @type {any} */ T) => {
        const b = new T(cap);
        b.set(a.subarray(0, store.length));
        return b;
      };
      ts = grow(ts, Float64Array);
      code = grow(code, Int32Array);
      sid = grow(sid, Uint32Array);
    },
    /** @param {number} n scan number */
    uuidOf(n) {
      return uuidFrom(createRng(hash32(store.seed, n, 0x5ca9)).u32);
    },
    /** @param {number} i */
    datetimeAt(i) {
      return iso(ts[i]);
    },
    /**
     * First index whose (ts, uuid) sorts after the given position.
     * @param {number} t
     * @param {string} uuid
     */
    indexAfter(t, uuid) {
      let i = store.lowerBound(t);
      while (i < store.length && ts[i] === t && store.uuidOf(sid[i]) <= uuid) i++;
      return i;
    },
    /**
     * First index whose (ts, uuid) sorts at or after the given position.
     * @param {number} t
     * @param {string} uuid
     */
    indexAtOrAfter(t, uuid) {
      let i = store.lowerBound(t);
      while (i < store.length && ts[i] === t && store.uuidOf(sid[i]) < uuid) i++;
      return i;
    },
    /** First index with ts > t. @param {number} t */
    upperBound(t) {
      let lo = 0;
      let hi = store.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid] <= t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    /** First index with ts >= t. @param {number} t */
    lowerBound(t) {
      let lo = 0;
      let hi = store.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ts[mid] < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    },
    /**
     * Inserts one scan at its sorted place (usually the end).
     * @param {number} t
     * @param {number} codeIndex
     * @param {number} n scan number
     */
    insert(t, codeIndex, n) {
      store.reserve(store.length + 1);
      const i = store.indexAfter(t, store.uuidOf(n));
      if (i < store.length) {
        ts.copyWithin(i + 1, i, store.length);
        code.copyWithin(i + 1, i, store.length);
        sid.copyWithin(i + 1, i, store.length);
      }
      ts[i] = t;
      code[i] = codeIndex;
      sid[i] = n;
      store.length++;
      return i;
    },
  };
  return store;
}

/**
 * Fills the store with `count` scans spread over the ~6 months before `now`.
 * @param {any} state
 * @param {{ seed: number, now: number, count: number }} o
 */
function seedScans(state, o) {
  const store = state.scans;
  store.seed = o.seed;
  if (!state.codes.length || o.count <= 0) return;
  const rng = createRng(hash32(o.seed, 0x5ca75));
  const start = o.now - 182 * DAY;
  const span = 182 * DAY - 60000;
  const times = new Float64Array(o.count);
  for (let i = 0; i < o.count; i++) times[i] = Math.floor(start + rng.next() * span);
  times.sort();
  // Distinct milliseconds keep the order simple; real ties are handled by uuid anyway.
  for (let i = 1; i < o.count; i++) if (times[i] <= times[i - 1]) times[i] = times[i - 1] + 1;
  /** @type {number[]} */
  const scanned = [];
  state.codes.forEach((/** @type {any} */ c, /** @type {number} */ i) => {
    if (c.status !== 0) scanned.push(i);
  });
  store.reserve(o.count);
  for (let i = 0; i < o.count; i++) {
    // Most scans are of activated codes; some hit inactive ones.
    const idx = scanned.length && rng.next() < 0.92 ? scanned[rng.int(scanned.length)] : rng.int(state.codes.length);
    store.ts[i] = times[i];
    store.code[i] = idx;
    store.sid[i] = i + 1;
  }
  store.length = o.count;
  store.nextSid = o.count + 1;
}

/**
 * The deterministic attributes of scan number `n` (flags included, so filters can use
 * them without rendering the whole record).
 * @param {number} seed
 * @param {number} n
 * @param {any} snap the code snapshot
 * @param {string[] | undefined} forced flags forced at creation
 */
function scanAttrs(seed, n, snap, forced) {
  const r = createRng(hash32(seed, n, 0xa77));
  const reason = r.chance(0.6) ? 'auth' : 'query';
  let counterfeit = reason === 'auth' && r.chance(0.06);
  const market = snap.scm.intended_market;
  let outOfMarket = !!market && r.chance(0.07);
  if (forced) {
    counterfeit = forced.includes('counterfeit');
    outOfMarket = forced.includes('out-of-market');
  }
  let country = market && PLACES[/** @type {keyof PLACES} */ (market)] ? market : r.pick(COUNTRIES);
  if (outOfMarket) {
    const others = COUNTRIES.filter((c) => c !== market);
    country = others[r.int(others.length)];
  }
  const flags = [];
  if (counterfeit) flags.push('counterfeit');
  if (outOfMarket) flags.push('out-of-market');
  if (snap.status === 2) flags.push('blacklisted');
  if (snap.status === 0) flags.push('inactive');
  if (forced) for (const f of forced) if (!flags.includes(f)) flags.push(f);
  return { r, reason: counterfeit ? 'auth' : reason, counterfeit, country, flags };
}

/**
 * Raw pieces of the scan at index i.
 * @param {any} state
 * @param {number} i
 */
function scanAt(state, i) {
  const store = state.scans;
  const n = store.sid[i];
  const extra = store.extras.get(n);
  const code = state.codes[store.code[i]];
  const snap = extra ? extra.snapshot : code.initial;
  return { n, ts: store.ts[i], code, snap, forced: extra && extra.flags };
}

/**
 * The §8.2 scan record for index i.
 * @param {any} state
 * @param {number} i
 */
function renderScan(state, i) {
  const { n, ts, code, snap, forced } = scanAt(state, i);
  const a = scanAttrs(state.scans.seed, n, snap, forced);
  const { r } = a;
  const ok = !a.counterfeit && r.chance(0.9);
  let computed = a.reason === 'query' ? 'not_authenticated' : a.counterfeit ? 'counterfeit' : ok ? 'authentic' : 'inconclusive';
  if (snap.status === 2) computed = 'blacklisted';
  else if (snap.status === 0) computed = 'inactive';
  const [city, lat, lon] = /** @type {[string, number, number]} */ (r.pick(PLACES[/** @type {keyof PLACES} */ (a.country)] || PLACES.CH));
  const gps = r.chance(0.35);
  const device = r.pick(DEVICES);
  const named = r.chance(0.12);
  const product = productById(state, snap.product);
  const brand = product ? brandById(state, product.brand) : undefined;
  const campaign = campaignById(state, snap.campaign);
  const install = hash32(state.scans.seed, code.id % 997, 0x1d).toString(16).padStart(8, '0');
  return {
    scan: {
      uuid: state.scans.uuidOf(n),
      datetime: iso(ts),
      timestamp: ts / 1000,
      app: a.counterfeit ? 'scantrust-android' : APPS[r.int(APPS.length)],
      reason: a.reason,
      result: a.reason === 'query' || ok ? 'ok' : 'failure',
      computed_status: computed,
      auth_failure_mode: a.counterfeit ? 'copy' : a.reason === 'auth' && !ok ? 'bad_quality' : null,
      flags: a.flags,
      unique_user: r.chance(0.7),
      install_id: `${install}-${(n % 4096).toString(16).padStart(3, '0')}`,
      utid: `utid-${hash32(state.scans.seed, n, 0x7d).toString(36)}`,
    },
    user: { email: named ? `consumer${1 + (n % 50)}@consumers.sandbox-foods.test` : null },
    code: {
      extended_id: code.extended_id,
      serial_number: code.serial_number,
      activation_status: snap.status,
      blacklist_reason: snap.blacklist_reason,
    },
    product: product
      ? { id: product.id, sku: product.sku, name: product.name, brand_name: brand ? brand.name : null, campaign_id: campaign ? campaign.id : null, campaign_name: campaign ? campaign.name : null }
      : null,
    device: { os: device[0], os_version: device[1], model: device[2], app_version: `4.${(n % 7) + 2}.${n % 10}` },
    location: gps
      ? { source: 'gps', country: a.country, city, latitude: +(lat + (r.next() - 0.5) * 0.1).toFixed(5), longitude: +(lon + (r.next() - 0.5) * 0.1).toFixed(5), accuracy: 10 + r.int(90) }
      : { source: 'ip', country: a.country, city, latitude: +lat.toFixed(2), longitude: +lon.toFixed(2), accuracy: null },
    scm: { ...snap.scm },
  };
}

/**
 * Adds scans now (live scans, or the control endpoint). With `lagMs` each scan is dated
 * up to that much in the past, so it lands behind a poller's cursor.
 * @param {any} rt
 * @param {{ count?: number, lagMs?: number, flags?: string[], extendedId?: string, productId?: number, at?: string | number }} o
 */
function addLiveScans(rt, o) {
  const state = rt.state;
  const store = state.scans;
  const count = Math.max(0, Math.min(Number(o.count ?? 1), 100000));
  /** @type {number[]} */
  let candidates = [];
  if (o.extendedId) {
    const c = state.codeByExt.get(o.extendedId);
    if (!c) throw new Error(`no code with extended_id ${o.extendedId}`);
    candidates = [state.codes.indexOf(c)];
  } else {
    state.codes.forEach((/** @type {any} */ c, /** @type {number} */ i) => {
      if ((o.productId === undefined || c.product === Number(o.productId)) && (o.productId !== undefined || c.status === 1)) candidates.push(i);
    });
  }
  if (!candidates.length) throw new Error('no code matches');
  const at = o.at === undefined ? null : typeof o.at === 'number' ? o.at : Date.parse(o.at);
  const created = [];
  for (let k = 0; k < count; k++) {
    const now = rt.now();
    const ts = at ?? now - (o.lagMs ? rt.rng.int(Math.max(1, Number(o.lagMs))) : 0);
    const idx = candidates[rt.rng.int(candidates.length)];
    const n = store.nextSid++;
    store.extras.set(n, { snapshot: snapshotOf(state.codes[idx]), flags: o.flags && o.flags.length ? [...o.flags] : undefined });
    const i = store.insert(ts, idx, n);
    created.push(renderScan(state, i).scan);
  }
  return created;
}

module.exports = { createScanStore, seedScans, addLiveScans, renderScan, scanAt, scanAttrs, FLAGS };
