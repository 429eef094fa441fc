// @ts-check
'use strict';

// GET /api/v2/dashboard/scans/: the scan data export (scantrust-api.md §8).
// With page_mode=cursor: keyset pagination on (datetime, uuid), an opaque `cursor` in absolute
// next/previous links, no count. Pages never overlap, and a scan dated behind a cursor (a late
// one) is not seen by whoever holds that cursor. What the documentation leaves open is
// switchable (docs/sandbox-choices.md): the order (`scanOrder`: oldest or newest first),
// scans shuffled inside a page (`scanShuffle`), how precisely `date_from`/`date_to` are honoured
// (`scanDatePrecision`: to the second, or whole UTC days), and a per-page server time
// (`scanPageLatencyMs`).
const { badRequest, HttpError, parseDateTime, buildUrl, positiveInt, toInt, paginate } = require('../drf');
const { PERMS } = require('../auth');
const { scanAt, scanAttrs, renderScan } = require('../scanstore');
const { createRng, hash32 } = require('../seed');

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
const { allScmKeys } = require('../model');

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const RESERVED = new Set(['page_mode', 'timeframe', 'date_from', 'date_to', 'campaign_id', 'flags', 'activation_status',
  'product', 'cursor', 'page_size', 'limit', 'offset', 'format']);

/**
 * `1y`, `2m`, `3w`, `1d` (and the older `-1y` forms): that long before now.
 * @param {string} raw
 * @param {number} now
 */
function timeframeStart(raw, now) {
  const m = /^-?(\d+)([ymwd])$/.exec(raw.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const d = new Date(now);
  if (m[2] === 'y') d.setUTCFullYear(d.getUTCFullYear() - n);
  else if (m[2] === 'm') d.setUTCMonth(d.getUTCMonth() - n);
  else d.setTime(now - n * (m[2] === 'w' ? 7 : 1) * 86400000);
  return d.getTime();
}

/**
 * `reverse`: the page goes back the way the listing came (a `previous` link); `newest`: the
 * listing is newest first (kept in the cursor, so a setting changed mid-export does not mix orders).
 * @param {{ ts: number, uuid: string, reverse: boolean, newest: boolean }} c
 */
const encodeCursor = (c) => Buffer.from(`p=${c.ts}&u=${c.uuid}&r=${c.reverse ? 1 : 0}&o=${c.newest ? 'd' : 'a'}`).toString('base64');

/** @param {string} raw */
function decodeCursor(raw) {
  const invalid = new HttpError(404, { detail: 'Invalid cursor' });
  let text;
  try {
    text = Buffer.from(raw, 'base64').toString('utf8');
  } catch {
    throw invalid;
  }
  const q = new URLSearchParams(text);
  const ts = Number(q.get('p'));
  const uuid = q.get('u') || '';
  if (!q.get('p') || !Number.isFinite(ts) || !/^[0-9a-f-]{36}$/.test(uuid) || !['0', '1'].includes(q.get('r') || '')) throw invalid;
  if (!['a', 'd', null].includes(q.get('o'))) throw invalid;
  return { ts, uuid, reverse: q.get('r') === '1', newest: q.get('o') === 'd' };
}

/**
 * Reads and validates the filters.
 * @param {any} ctx
 */
function readFilters(ctx) {
  const q = ctx.query;
  const now = ctx.rt.now();
  const byDay = ctx.rt.options.scanDatePrecision === 'day';
  /**
   * What the server makes of a date-time: to the second (the fraction dropped), or its UTC date.
   * @param {number} ms
   */
  const honoured = (ms) => (byDay ? Math.floor(ms / 86400000) * 86400000 : Math.floor(ms / 1000) * 1000);
  /** @type {Record<string, string[]>} */
  const errors = {};
  let from = -Infinity;
  let to = now;
  const dateFrom = q.get('date_from');
  const dateTo = q.get('date_to');
  const timeframe = q.get('timeframe');
  if (dateFrom) {
    const f = parseDateTime(dateFrom);
    if (!f) errors.date_from = ['Enter a valid date/time.'];
    else from = honoured(f.ms);
    if (dateTo) {
      const t = parseDateTime(dateTo);
      if (!t) errors.date_to = ['Enter a valid date/time.'];
      // A bare date (or, by day, any date-time) includes that whole day.
      else to = t.dateOnly || byDay ? honoured(t.ms) + 86400000 - 1 : honoured(t.ms);
    } else {
      // date_to defaults to today, i.e. up to the end of today.
      const today = new Date(now).toISOString().slice(0, 10);
      to = Date.parse(today + 'T00:00:00Z') + 86400000 - 1;
    }
  } else if (timeframe) {
    const start = timeframeStart(timeframe, now);
    if (start === undefined) errors.timeframe = [`Invalid timeframe "${timeframe}". Use a number and a unit (d, w, m or y), e.g. 1y, 2m, 3w, 1d.`];
    else from = start;
  } else {
    errors.timeframe = ['This field is required unless date_from is given.'];
  }

  const state = ctx.state;
  /** @param {string} name */
  const intParam = (name) => {
    const raw = q.get(name);
    if (raw === null || raw === '') return undefined;
    const v = toInt(raw);
    if (v === undefined) errors[name] = ['Enter a number.'];
    return v;
  };
  const campaign = intParam('campaign_id');
  const product = intParam('product');
  const status = q.get('activation_status');
  let activation;
  if (status !== null && status !== '') {
    if (!['0', '1', '2'].includes(status.trim())) errors.activation_status = [`Select a valid choice. ${status} is not one of the available choices.`];
    else activation = Number(status);
  }
  const flagsRaw = q.get('flags');
  /** @type {string[]} */
  const flags = flagsRaw ? flagsRaw.split(',').map((/** @type {string} */ f) => f.trim()).filter(Boolean) : [];
  // Any other parameter named like an SCM field filters on that field's value.
  const scmKeys = new Set(allScmKeys(state));
  /** @type {[string, string][]} */
  const scm = [];
  for (const [k, v] of q) if (!RESERVED.has(k) && scmKeys.has(k)) scm.push([k, v]);
  if (Object.keys(errors).length) throw badRequest(errors);
  return { from, to, campaign, product, activation, flags, scm };
}

/**
 * @param {any} state
 * @param {ReturnType<typeof readFilters>} f
 */
function makeMatcher(state, f) {
  const seed = state.scans.seed;
  return (/** @type {number} */ i) => {
    const s = scanAt(state, i);
    const snap = s.snap;
    if (f.campaign !== undefined && snap.campaign !== f.campaign) return false;
    if (f.product !== undefined && snap.product !== f.product) return false;
    if (f.activation !== undefined && snap.status !== f.activation) return false;
    for (const [k, v] of f.scm) if (snap.scm[k] !== v) return false;
    if (f.flags.length) {
      // A scan matches when it carries any of the requested flags.
      const have = scanAttrs(seed, s.n, snap, s.forced).flags;
      if (!f.flags.some((flag) => have.includes(flag))) return false;
    }
    return true;
  };
}

/** @param {any} rt */
module.exports = (rt) => [
  {
    path: '/api/v2/dashboard/scans/',
    methods: {
      GET: {
        perms: PERMS.scans,
        handler: async (/** @type {any} */ ctx) => {
          const q = ctx.query;
          const state = ctx.state;
          const store = state.scans;
          const f = readFilters(ctx);
          const match = makeMatcher(state, f);

          if (q.get('page_mode') !== 'cursor') {
            // Without page_mode=cursor the export pages by limit/offset, newest first: the
            // "inconsistent" pagination the documentation warns about (pages shift as
            // scans arrive).
            const hits = [];
            const lo = store.lowerBound(f.from);
            for (let i = store.length - 1; i >= lo; i--) if (store.ts[i] <= f.to && match(i)) hits.push(i);
            return { body: paginate(ctx, hits, (/** @type {number} */ i) => renderScan(state, i)) };
          }

          const size = positiveInt(q.get('page_size') ?? q.get('limit'), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
          const cursor = q.get('cursor') ? decodeCursor(/** @type {string} */ (q.get('cursor'))) : null;
          // The listing's order: the cursor's own, or the current setting for a first page.
          const newest = cursor ? cursor.newest : ctx.rt.options.scanOrder === 'newest';
          const lo = store.lowerBound(f.from);
          const hi = store.upperBound(f.to);
          /** Index of the first scan sorting after the cursor's position, and of the last one before it. */
          const after = cursor ? store.indexAfter(cursor.ts, cursor.uuid) : lo;
          const before = cursor ? store.indexAtOrAfter(cursor.ts, cursor.uuid) - 1 : hi - 1;
          // Forward in an oldest-first listing, or backward in a newest-first one, walks up the store.
          const backward = !!cursor && cursor.reverse;
          const up = newest === backward;
          /** @type {number[]} */
          const page = [];
          let more = false;
          for (let i = up ? Math.max(after, lo) : Math.min(before, hi - 1); up ? i < hi : i >= lo; i += up ? 1 : -1) {
            if (!match(i)) continue;
            if (page.length === size) {
              more = true;
              break;
            }
            page.push(i);
          }
          // A backward page is handed out in the listing's order too.
          if (backward) page.reverse();
          const position = (/** @type {number} */ i, /** @type {boolean} */ reverse) =>
            encodeCursor({ ts: store.ts[i], uuid: store.uuidOf(store.sid[i]), reverse, newest });
          const link = (/** @type {string} */ c) => buildUrl(ctx.origin, ctx.path, q, { cursor: c });
          let next = null;
          let previous = null;
          if (page.length) {
            if (backward || more) next = link(position(page[page.length - 1], false));
            if (cursor && (!backward || more)) previous = link(position(page[0], true));
          } else if (cursor) {
            // An empty page reached through a cursor can still go back the way it came.
            const here = { ts: cursor.ts, uuid: cursor.uuid, newest };
            previous = backward ? null : link(encodeCursor({ ...here, reverse: true }));
            next = backward ? link(encodeCursor({ ...here, reverse: false })) : null;
          }
          const results = page.map((i) => renderScan(state, i));
          if (ctx.rt.options.scanShuffle && results.length > 1) {
            // Any order inside a page, the same for the same page (seeded by its first scan).
            const rng = createRng(hash32(store.seed, store.sid[page[0]], 0x5bf1));
            for (let k = results.length - 1; k > 0; k--) {
              const j = rng.int(k + 1);
              [results[k], results[j]] = [results[j], results[k]];
            }
          }
          const pageLatency = ctx.rt.options.scanPageLatencyMs;
          if (pageLatency > 0) await sleep(pageLatency);
          return { body: { next, previous, results } };
        },
      },
    },
  },
];
