// @ts-check
'use strict';

// Fault injection for the API origin, switchable at run time. Deterministic: every
// probability is drawn from a PRNG seeded from the sandbox seed and reset by each
// `set()`, so the same spec and the same request sequence give the same faults.
//
// Spec (every key optional):
//   latencyMs: 150                              extra latency on every API request
//   spikes:   { every: 10, ms: 3000 }           or { probability: 0.05, ms: 3000 }
//   throttle: { every: 20, durationMs: 2000, retryAfter?: 2 }   a 429 burst: the
//             triggering request and every matching request for durationMs get 429
//   errors:   { status: 503 | [502, 503, 504], probability?: 0.2, nth?: [3], every?: 5 }
//   drop:     { nth: [1], method: 'POST', afterApply: true }   socket destroyed, no response
//   hang:     { nth: [2] }                      the request is never answered
//   cut:      { nth: [2], share: 0.5 }          a 2xx answer's headers (with its full Content-Length)
//             and that share of its body are sent, then the socket is destroyed: a connection
//             lost in the middle of a page
//   scmSlow:  { msPerItem: 70, timeoutMs: 60000 }   SCM sync upload keyed by an SCM field
//             takes items × msPerItem; beyond timeoutMs it answers 504 and applies nothing
//   pairUp:   { path: '/dashboard/scans/', waitMs: 20000 }   a probe for parallel reads: the
//             first request whose date range lies inside an earlier window's (not the first
//             request's, which spans everything) is held until a second part of that same window
//             is asked for, or waitMs passes; then nothing more is held. `pairing()` tells which.
//
// throttle/errors/drop/hang/cut take one rule or an array of rules. A rule may be limited
// with `method` and `path` (a substring, or a RegExp; over HTTP `pathPattern` is a
// RegExp source). `nth` counts the requests matching that rule since `set()` (1-based);
// `every: N` fires on every Nth; `probability` draws; none of them = every match.
// `times` caps how often a rule fires.

const { createRng, hash32 } = require('./seed');

/**
 * @typedef {{ method?: string, path?: string | RegExp, pathPattern?: string, nth?: number[],
 *   every?: number, probability?: number, times?: number }} RuleMatch
 * @typedef {{ kind: string, rule: any, matched: number, fired: number, rng: ReturnType<typeof createRng> }} RuleState
 * @typedef {{ latencyMs: number, hang?: boolean, drop?: { afterApply: boolean },
 *   throttle?: { retryAfter: number }, error?: { status: number }, cut?: { share: number }, labels: string[] }} Decision
 */

// New kinds go at the end: a kind's place seeds its rules' draws.
const KINDS = ['hang', 'drop', 'throttle', 'errors', 'spikes', 'cut'];

/** @param {number} seed */
function createFaults(seed) {
  /** @type {any} */
  let spec = {};
  /** @type {RuleState[]} */
  let rules = [];
  let requestCount = 0;
  let burstUntil = 0;
  /** @type {any} */
  let burstRule = null;
  /** The pairUp probe's state since `set()`. @type {any} */
  let pairing = null;

  /** @param {any} raw @param {string} kind */
  const toRules = (raw, kind) => (raw ? (Array.isArray(raw) ? raw : [raw]) : []).map((rule, i) => ({
    kind, rule, matched: 0, fired: 0, rng: createRng(hash32(seed, KINDS.indexOf(kind), i)),
  }));

  /** @param {RuleState} r @param {string} method @param {string} path */
  function matches(r, method, path) {
    const { rule } = r;
    if (rule.method && String(rule.method).toUpperCase() !== method) return false;
    if (rule.path instanceof RegExp && !rule.path.test(path)) return false;
    if (typeof rule.path === 'string' && !path.includes(rule.path)) return false;
    if (rule.pathPattern && !new RegExp(rule.pathPattern).test(path)) return false;
    return true;
  }

  /** Counts the request for the rule and says whether the rule fires. @param {RuleState} r */
  function fires(r) {
    r.matched++;
    const { rule } = r;
    if (rule.times !== undefined && r.fired >= rule.times) return false;
    let hit;
    if (Array.isArray(rule.nth)) hit = rule.nth.includes(r.matched);
    else if (rule.every) hit = r.matched % rule.every === 0;
    else if (rule.probability !== undefined) hit = r.rng.next() < rule.probability;
    else hit = true;
    if (hit) r.fired++;
    return hit;
  }

  const api = {
    /** Replaces the active faults. @param {any} next */
    set(next) {
      spec = next ? { ...next } : {};
      requestCount = 0;
      burstUntil = 0;
      if (pairing?.held) pairing.held();
      pairing = spec.pairUp ? { ranges: [], held: null, paired: false, timedOut: false, done: false } : null;
      rules = [
        ...toRules(spec.hang, 'hang'),
        ...toRules(spec.drop, 'drop'),
        ...toRules(spec.cut, 'cut'),
        ...toRules(spec.throttle, 'throttle'),
        ...toRules(spec.errors, 'errors'),
        ...toRules(spec.spikes, 'spikes'),
      ];
      return api;
    },
    clear() {
      return api.set({});
    },
    /** The active spec (RegExps shown as their source). */
    get() {
      return JSON.parse(JSON.stringify(spec, (_k, v) => (v instanceof RegExp ? v.source : v)));
    },
    get requestCount() {
      return requestCount;
    },
    /**
     * The pairUp probe (see the spec above): resolves when the request may be answered. A
     * request for a sub-range of an earlier window is a window read again in parts (the rest of
     * a window cut short): a client that reads those parts side by side sends a second one while
     * the first is held; one that reads them one after another does not, and the first waits.
     * @param {string} path @param {URLSearchParams} query @returns {Promise<void> | undefined}
     */
    pairUp(path, query) {
      const p = pairing;
      if (!p || p.done || !path.includes(spec.pairUp.path || '')) return undefined;
      const from = query.get('date_from');
      const to = query.get('date_to');
      if (!from || !to) return undefined;
      // The earlier window this is a part of: the first that holds it, skipping the first request's.
      const whole = p.ranges.find((/** @type {any} */ r, /** @type {number} */ k) =>
        k > 0 && !(r.from === from && r.to === to) && from >= r.from && to <= r.to);
      if (!p.ranges.some((/** @type {any} */ r) => r.from === from && r.to === to)) p.ranges.push({ from, to });
      if (!whole) return undefined;
      // Only two parts of the same window make a pair (two windows cut at once are not parallel parts).
      if (p.held && p.whole !== whole) return undefined;
      if (p.held) {
        p.paired = true;
        p.done = true;
        p.held();
        return undefined;
      }
      p.whole = whole;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          p.timedOut = true;
          p.done = true;
          resolve(undefined);
        }, Number(spec.pairUp.waitMs) || 20000);
        timer.unref?.();
        p.held = () => {
          clearTimeout(timer);
          resolve(undefined);
        };
      });
    },
    /** What the pairUp probe saw: `paired` (a second part came while the first was held) or `timedOut`. */
    pairing() {
      return pairing ? { paired: pairing.paired, timedOut: pairing.timedOut, held: !!pairing.held } : null;
    },
    /** The SCM slowness fault, when set. @returns {{ msPerItem: number, timeoutMs: number } | null} */
    scmSlow() {
      if (!spec.scmSlow) return null;
      return { msPerItem: Number(spec.scmSlow.msPerItem) || 0, timeoutMs: Number(spec.scmSlow.timeoutMs) || 60000 };
    },
    /**
     * Decides what happens to one API request. Every rule sees the request (so `nth`
     * counts are independent of each other); the first firing rule by priority wins:
     * hang, drop, throttle, errors. Latency and spikes add up.
     * @param {string} method
     * @param {string} path
     * @param {number} now
     * @returns {Decision}
     */
    decide(method, path, now) {
      requestCount++;
      /** @type {Decision} */
      const d = { latencyMs: Number(spec.latencyMs) || 0, labels: [] };
      for (const r of rules) {
        if (!matches(r, method, path)) continue;
        // An open 429 burst catches every request its rule matches, without counting.
        if (r.kind === 'throttle' && burstRule === r.rule && now < burstUntil) {
          if (!d.throttle) d.throttle = { retryAfter: r.rule.retryAfter ?? Math.max(1, Math.ceil((burstUntil - now) / 1000)) };
          continue;
        }
        if (!fires(r)) continue;
        switch (r.kind) {
          case 'hang': d.hang = true; break;
          case 'drop': if (!d.drop) d.drop = { afterApply: !!r.rule.afterApply }; break;
          case 'throttle': {
            burstRule = r.rule;
            burstUntil = now + (Number(r.rule.durationMs) || 0);
            if (!d.throttle) d.throttle = { retryAfter: r.rule.retryAfter ?? Math.max(1, Math.ceil((Number(r.rule.durationMs) || 0) / 1000)) };
            break;
          }
          case 'errors': {
            const statuses = Array.isArray(r.rule.status) ? r.rule.status : [r.rule.status || 503];
            // Several statuses take turns, so [502, 503, 504] yields each in order.
            if (!d.error) d.error = { status: Number(statuses[(r.fired - 1) % statuses.length]) };
            break;
          }
          case 'cut': if (!d.cut) d.cut = { share: Math.min(0.99, Math.max(0, Number(r.rule.share ?? 0.5))) }; break;
          case 'spikes': d.latencyMs += Number(r.rule.ms) || 0; d.labels.push('spike'); break;
        }
      }
      if (d.hang) d.labels.unshift('hang');
      else if (d.drop) d.labels.unshift(d.drop.afterApply ? 'drop-after-apply' : 'drop');
      else if (d.throttle) d.labels.unshift('throttle');
      else if (d.error) d.labels.unshift('error-' + d.error.status);
      else if (d.cut) d.labels.unshift('cut');
      return d;
    },
  };
  return api;
}

module.exports = { createFaults };
