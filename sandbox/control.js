// @ts-check
'use strict';

// Control endpoints under /__sandbox/ for out-of-process users (a real n8n, the demo,
// benchmarks). No authentication, never faulted, never logged. They mirror the handle
// API of index.js.

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<any>}
 */
async function readJson(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  if (!raw.trim()) return {};
  return JSON.parse(raw);
}

/**
 * @param {any} rt
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {URL} url
 */
async function handleControl(rt, req, res, url) {
  const method = (req.method || 'GET').toUpperCase();
  const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
  /** @param {number} status @param {unknown} body */
  const reply = (status, body) => {
    const payload = JSON.stringify(body, null, 2);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  };
  let body;
  try {
    body = method === 'GET' ? {} : await readJson(req);
  } catch (err) {
    return reply(400, { error: `invalid JSON: ${/** @type {Error} */ (err).message}` });
  }
  const h = rt.handle;
  try {
    switch (route) {
      case 'GET /__sandbox/state':
        return reply(200, h.summary());
      case 'GET /__sandbox/log': {
        const since = Number(url.searchParams.get('since') || 0);
        const origin = url.searchParams.get('origin');
        return reply(200, h.log.filter((/** @type {any} */ e) => e.seq > since && (!origin || e.origin === origin)));
      }
      case 'DELETE /__sandbox/log':
      case 'POST /__sandbox/log/clear':
        h.clearLog();
        return reply(200, { ok: true });
      case 'GET /__sandbox/faults':
        return reply(200, h.faults.get());
      case 'POST /__sandbox/faults':
        h.faults.set(body);
        return reply(200, h.faults.get());
      case 'DELETE /__sandbox/faults':
        h.faults.clear();
        return reply(200, h.faults.get());
      case 'POST /__sandbox/scans':
        return reply(201, { created: h.addScans(body).map((/** @type {any} */ s) => ({ uuid: s.uuid, datetime: s.datetime })) });
      case 'POST /__sandbox/reset':
        h.reset();
        return reply(200, h.summary());
      case 'GET /__sandbox/tokens':
        return reply(200, { tokens: h.tokens, names: rt.tokenRegistry.list() });
      case 'POST /__sandbox/tokens': {
        const name = body.name ? String(body.name) : undefined;
        return reply(201, { name: name || null, token: h.createToken(body.permissions || [], name) });
      }
      case 'GET /__sandbox/config':
        return reply(200, h.config());
      case 'POST /__sandbox/config':
        return reply(200, h.setOptions(body));
      default:
        return reply(404, { error: `unknown control endpoint ${route}` });
    }
  } catch (err) {
    return reply(400, { error: /** @type {Error} */ (err).message });
  }
}

module.exports = { handleControl };
