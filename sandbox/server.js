// @ts-check
'use strict';

// The API origin: routing, trailing slashes, authentication, permissions, throttling,
// fault injection and the request log. Request handling follows Django + DRF order:
//   CommonMiddleware (APPEND_SLASH redirect, 404 for unknown URLs)
//   → DRF APIView.initial: authentication → permissions → throttles
//   → method handler (405 when the view has none) → body parsing when the handler reads it.
// Faults sit in front of all of that, like a load balancer or the network would.

const http = require('node:http');
const { HttpError } = require('./drf');
const { handleControl } = require('./control');

const JSON_TYPE = 'application/json';

const DJANGO_404 = '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n'
  + '  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';
const DJANGO_500 = '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n'
  + '  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n';
const GATEWAY_TEXT = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** A load balancer's HTML error page: clients must not assume 5xx bodies are JSON. @param {number} status */
function gatewayPage(status) {
  const text = `${status} ${GATEWAY_TEXT[/** @type {502|503|504} */ (status)] || http.STATUS_CODES[status] || 'Error'}`;
  return `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n</body>\r\n</html>\r\n`;
}

// Documented rates (scantrust-api.md §1.4). The scm_update scope replaces the user scope
// on the SCM upload endpoints.
const RATES = {
  user: { num: 3000, durationMs: 60000 },
  scm_update: { num: 10, durationMs: 1000 },
};
// Slack for timer and loopback jitter, so a client that paces exactly at the documented
// rate is never throttled (see docs/sandbox-choices.md).
const THROTTLE_GRACE_MS = 25;

/** Largest JSON/form body accepted. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * DRF SimpleRateThrottle: a sliding window of request times per token and scope.
 * Throttled requests are not recorded, exactly as in DRF.
 * @param {Map<string, number[]>} histories
 * @param {string} key
 * @param {{ num: number, durationMs: number }} rate
 * @param {number} now
 * @returns {number | null} seconds to wait, or null when allowed
 */
function throttleCheck(histories, key, rate, now) {
  let history = histories.get(key);
  if (!history) histories.set(key, (history = []));
  const cutoff = now - rate.durationMs + THROTTLE_GRACE_MS;
  let drop = 0;
  while (drop < history.length && history[drop] <= cutoff) drop++;
  if (drop) history.splice(0, drop);
  if (history.length >= rate.num) {
    const remaining = rate.durationMs - (now - history[0]);
    const available = rate.num - history.length + 1;
    return Math.ceil(Math.max(remaining, 1) / 1000 / Math.max(available, 1));
  }
  history.push(now);
  return null;
}

/** DRF's Throttled message, singular for one second. @param {number} wait */
function throttledBody(wait) {
  return {
    detail: `Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`,
    code: 'throttled',
  };
}

/**
 * Compiles route patterns like `/api/v2/products/:id/` into matchers.
 * @param {any[]} routes
 */
function compileRoutes(routes) {
  return routes.map((r) => {
    /** @type {string[]} */
    const names = [];
    const source = r.path.replace(/:(\w+)/g, (/** @type {string} */ _m, /** @type {string} */ name) => {
      names.push(name);
      return '([^/]+)';
    });
    return { ...r, regex: new RegExp('^' + source + '$'), names };
  });
}

/**
 * @param {any[]} compiled
 * @param {string} path
 */
function matchRoute(compiled, path) {
  for (const r of compiled) {
    const m = r.regex.exec(path);
    if (m) {
      /** @type {Record<string, string>} */
      const params = {};
      r.names.forEach((/** @type {string} */ n, /** @type {number} */ i) => (params[n] = decodeURIComponent(m[i + 1])));
      return { route: r, params };
    }
  }
  return null;
}

/** @param {http.IncomingMessage} req @param {number} limit @returns {Promise<Buffer | null>} null when too large */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Parses the request body the way DRF's default parsers do (JSON and form; multipart is
 * not supported by the sandbox).
 * @param {http.IncomingMessage} req
 * @param {Buffer} raw
 */
function parseBody(req, raw) {
  if (!raw.length) return {};
  const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type === JSON_TYPE || type.endsWith('+json')) {
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new HttpError(400, { detail: `JSON parse error - ${/** @type {Error} */ (err).message}` });
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  throw new HttpError(415, { detail: `Unsupported media type "${req.headers['content-type'] || ''}" in request.` });
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {any} rt the sandbox runtime (see index.js)
 * @param {any[]} routes
 */
function createApiServer(rt, routes) {
  const compiled = compileRoutes(routes);
  /** @type {Map<string, number[]>} */
  const histories = new Map();
  /** @type {Set<import('node:net').Socket>} */
  const hung = new Set();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      // A bug in the sandbox: answer like Django in production and say why on stderr.
      process.stderr.write(`[sandbox] ${req.method} ${req.url}: ${err && err.stack}\n`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
        res.end(DJANGO_500);
      }
    });
  });
  server.keepAliveTimeout = 5000;

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async function handle(req, res) {
    const url = new URL(req.url || '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const method = (req.method || 'GET').toUpperCase();

    if (path.startsWith('/__sandbox/')) return handleControl(rt, req, res, url);

    const authHeader = req.headers.authorization;
    const entry = rt.newLogEntry('api', method, path, url.searchParams, authHeader !== undefined);
    // Name the token in the log even when a fault answers before authentication.
    const presented = authHeader ? /^\s*uat\s+(\S+)\s*$/i.exec(authHeader) : null;
    const known = presented ? rt.tokenRegistry.get(presented[1]) : undefined;
    if (known) entry.token = known.name;
    const decision = rt.faults.decide(method, path, Date.now());
    if (decision.labels.length) entry.faulted = decision.labels.join(',');

    const latency = rt.options.latencyMs + decision.latencyMs;
    if (latency > 0) await sleep(latency);
    const held = rt.faults.pairUp(path, url.searchParams);
    if (held) await held;

    if (decision.hang) {
      // Never answer; the socket is destroyed when the sandbox closes.
      hung.add(req.socket);
      req.socket.once('close', () => hung.delete(req.socket));
      return rt.finishLog(entry, null);
    }
    if (decision.drop && !decision.drop.afterApply) {
      entry.dropped = true;
      rt.finishLog(entry, null);
      return req.socket.destroy();
    }

    /**
     * @param {number} status
     * @param {unknown} body object → JSON; string → as given (HTML)
     * @param {Record<string, string>} [headers]
     */
    const send = (status, body, headers = {}) => {
      if (decision.drop && decision.drop.afterApply) {
        // The change is applied, but the client never learns it.
        entry.dropped = true;
        rt.finishLog(entry, null);
        return req.socket.destroy();
      }
      const isText = typeof body === 'string';
      const payload = body === undefined ? '' : isText ? body : JSON.stringify(body);
      // The wait the server asked for, as sent, so benchmarks take it from the log.
      if (headers['Retry-After'] !== undefined) entry.retryAfterS = Number(headers['Retry-After']);
      // Logged once the answer is serialised: durationMs is the server's whole time for it.
      rt.finishLog(entry, status);
      if (decision.cut && status >= 200 && status < 300 && method !== 'HEAD') {
        // Part of the body, then the connection is lost (the client sees a body short of its length).
        const bytes = Buffer.from(payload);
        res.writeHead(status, { 'Content-Type': isText ? 'text/html; charset=utf-8' : JSON_TYPE, 'Content-Length': bytes.length, ...headers });
        res.write(bytes.subarray(0, Math.floor(bytes.length * decision.cut.share)), () => setImmediate(() => req.socket.destroy()));
        return;
      }
      res.writeHead(status, {
        ...(body === undefined ? {} : { 'Content-Type': isText ? 'text/html; charset=utf-8' : JSON_TYPE }),
        'Content-Length': Buffer.byteLength(payload),
        ...headers,
      });
      res.end(method === 'HEAD' ? undefined : payload);
    };

    if (decision.throttle) {
      const wait = decision.throttle.retryAfter;
      return send(429, throttledBody(wait), { 'Retry-After': String(wait) });
    }
    if (decision.error) return send(decision.error.status, gatewayPage(decision.error.status));

    // Django's URL resolver and APPEND_SLASH.
    const match = matchRoute(compiled, path);
    // An endpoint the sandbox is told this server does not offer (`offered: rt => false`) is
    // answered like any unknown path: Django's HTML 404.
    if (match && match.route.offered && !match.route.offered(rt)) return send(404, DJANGO_404);
    if (!match) {
      if (!path.endsWith('/') && matchRoute(compiled, path + '/')) {
        // Django's CommonMiddleware redirects (301, relative Location) for every method
        // when DEBUG is off; a client following it with POST→GET gets surprises.
        return send(301, undefined, { Location: path + '/' + url.search });
      }
      return send(404, DJANGO_404);
    }
    const { route, params } = match;
    const allowed = Object.keys(route.methods);
    if (allowed.includes('GET')) allowed.push('HEAD');
    allowed.push('OPTIONS');
    const baseHeaders = { Allow: allowed.join(', '), Vary: 'Accept, Authorization' };

    // Authentication: `Authorization: UAT <token>`; other schemes are ignored, so the
    // request is anonymous and fails the permission check with "not provided".
    let token = null;
    if (authHeader !== undefined) {
      const parts = authHeader.trim().split(/\s+/);
      if (parts[0] && parts[0].toLowerCase() === 'uat') {
        if (parts.length !== 2) {
          const detail = parts.length === 1
            ? 'Invalid token header. No credentials provided.'
            : 'Invalid token header. Token string should not contain spaces.';
          return send(401, { detail }, { ...baseHeaders, 'WWW-Authenticate': 'UAT' });
        }
        token = rt.tokenRegistry.get(parts[1]);
        if (!token) return send(401, { detail: 'Invalid token.' }, { ...baseHeaders, 'WWW-Authenticate': 'UAT' });
      }
    }
    if (!token) {
      return send(401, { detail: 'Authentication credentials were not provided.' }, { ...baseHeaders, 'WWW-Authenticate': 'UAT' });
    }
    entry.token = token.name;

    const handlerMethod = method === 'HEAD' ? 'GET' : method;
    const spec = route.methods[handlerMethod];
    // Permissions are checked per method; an unknown method only needs authentication.
    const needed = spec ? spec.perms || [] : [];
    if (!needed.every((/** @type {string} */ p) => token.permissions.has(p))) {
      return send(403, { detail: 'You do not have permission to perform this action.' }, baseHeaders);
    }

    if (rt.options.throttle) {
      const scope = spec && spec.scope ? spec.scope : 'user';
      const wait = throttleCheck(histories, `${token.name}|${scope}`, RATES[/** @type {'user'|'scm_update'} */ (scope)], Date.now());
      if (wait !== null) return send(429, throttledBody(wait), { ...baseHeaders, 'Retry-After': String(wait) });
    }

    if (method === 'OPTIONS') {
      return send(200, { name: route.name || path, description: '', renders: [JSON_TYPE], parses: [JSON_TYPE, 'application/x-www-form-urlencoded'] }, baseHeaders);
    }
    if (!spec) return send(405, { detail: `Method "${method}" not allowed.` }, baseHeaders);

    try {
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === null) throw new HttpError(413, { detail: 'Request body is too large.' });
      const ctx = {
        rt,
        state: rt.state,
        req,
        method,
        path,
        params,
        query: url.searchParams,
        origin: rt.options.publicOrigin || (req.headers.host ? `http://${req.headers.host}` : rt.baseUrl),
        token,
        user: rt.state.users[0],
        decision,
        entry,
        /** Parsed body (JSON or form). */
        get body() {
          return parseBody(req, raw);
        },
      };
      const out = await spec.handler(ctx);
      if (out && out.hang) return; // a handler-level fault (SCM timeout) already answered
      const status = out && out.status ? out.status : 200;
      return send(status, out ? out.body : undefined, { ...baseHeaders, ...(out && out.headers) });
    } catch (err) {
      if (err instanceof HttpError) return send(err.status, err.body, { ...baseHeaders, ...err.headers });
      throw err;
    }
  }

  return {
    server,
    histories,
    /** Ends hung requests (on close or reset). */
    releaseHung() {
      for (const s of hung) s.destroy();
      hung.clear();
    },
  };
}

module.exports = { createApiServer, gatewayPage, throttledBody, sleep, RATES, THROTTLE_GRACE_MS };
