// @ts-check
'use strict';

// Code data export (scantrust-api.md §7): GET codes/download/?filters starts a document,
// GET documents/{key}/ shows its status, GET documents/{key}/get-download-link/ gives a
// pre-signed file-store URL to the CSV.

const { badRequest, notFound, HttpError, parseDateTime, toInt, toBool, iso } = require('../drf');
const { PERMS } = require('../auth');
const { productById, userById } = require('../model');
const { toCsv } = require('../formats');

/** Lifetime of a download link, in seconds (django-storages' default). */
const LINK_TTL_SECONDS = 3600;
const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `a` (from a on) or `a,b` (inclusive; a bare date b covers that whole day).
 * @param {string} raw
 * @returns {[number, number] | undefined}
 */
function parseRange(raw) {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length > 2 || !parts[0]) return undefined;
  const from = parseDateTime(parts[0]);
  if (!from) return undefined;
  if (parts.length === 1 || !parts[1]) return [from.ms, Infinity];
  const to = parseDateTime(parts[1]);
  if (!to) return undefined;
  return [from.ms, to.dateOnly ? to.ms + 86400000 - 1 : to.ms];
}

/**
 * Reads the §7.1 filters into a predicate over codes.
 * @param {any} ctx
 */
function codeFilter(ctx) {
  const q = ctx.query;
  const state = ctx.state;
  /** @type {Record<string, string[]>} */
  const errors = {};
  /** @type {((c: any) => boolean)[]} */
  const tests = [];
  /** IDs, comma-separated or repeated. @param {string} name */
  const ids = (name) => {
    const values = q.getAll(name).flatMap((/** @type {string} */ v) => v.split(',')).map((/** @type {string} */ v) => v.trim()).filter(Boolean);
    if (!values.length) return undefined;
    const nums = values.map((/** @type {string} */ v) => toInt(v));
    if (nums.some((/** @type {number | undefined} */ n) => n === undefined)) {
      errors[name] = ['Enter a whole number.'];
      return undefined;
    }
    return new Set(nums);
  };
  const campaign = ids('campaign');
  if (campaign) tests.push((c) => campaign.has(c.campaign));
  const brands = ids('brands');
  if (brands) tests.push((c) => { const p = productById(state, c.product); return !!p && brands.has(p.brand); });
  const products = ids('products');
  if (products) tests.push((c) => products.has(c.product));
  const workorder = ids('workorder');
  if (workorder) tests.push((c) => workorder.has(c.workorder));
  const activatedBy = ids('activated_by');
  if (activatedBy) tests.push((c) => activatedBy.has(c.activated_by));
  for (const [name, field] of [['activated_at', 'activated_at'], ['updated_at', 'scm_updated_at']]) {
    const raw = q.get(name);
    if (!raw) continue;
    const range = parseRange(raw);
    if (!range) errors[name] = ['Enter a valid date/time, or a range "from,to".'];
    else tests.push((c) => c[field] !== null && c[field] >= range[0] && c[field] <= range[1]);
  }
  const status = q.get('status');
  if (status !== null && status !== '') {
    if (!['0', '1', '2'].includes(status.trim())) errors.status = [`Select a valid choice. ${status} is not one of the available choices.`];
    else tests.push((c) => c.status === Number(status));
  }
  const blacklisted = q.get('blacklisted');
  if (blacklisted !== null && blacklisted !== '') {
    const b = toBool(blacklisted);
    if (b === undefined) errors.blacklisted = ['Enter a valid boolean (true or false).'];
    else tests.push((c) => (c.status === 2) === b);
  }
  // Exact match. Whether a comma list is read as several IDs is not documented: the
  // `exportIdLists` setting switches between one literal ID (default) and a list.
  for (const name of ['serial_number', 'extended_id']) {
    const v = q.get(name);
    if (!v) continue;
    const wanted = new Set(ctx.rt.options.exportIdLists ? v.split(',').map((s) => s.trim()).filter(Boolean) : [v.trim()]);
    tests.push((c) => wanted.has(c[name]));
  }
  for (const [k, v] of q) {
    if (k.startsWith('scm_')) {
      const key = k.slice(4);
      tests.push((c) => (c.scm[key] ?? '') === v);
    }
  }
  if (Object.keys(errors).length) throw badRequest(errors);
  return (/** @type {any} */ c) => tests.every((t) => t(c));
}

/**
 * The §7.3 CSV of the given codes, as they are now.
 * @param {any} state
 * @param {any[]} codes
 */
function exportCsv(state, codes) {
  /** @type {string[]} */
  const scmKeys = [];
  const campaigns = new Set(codes.map((c) => c.campaign));
  for (const c of state.campaigns) {
    if (!campaigns.has(c.id)) continue;
    for (const f of c.scm_fields) if (!scmKeys.includes(f.key)) scmKeys.push(f.key);
  }
  const email = (/** @type {number | null} */ id) => (id === null ? '' : (userById(state, id) || { email: '' }).email);
  const header = ['extended_id', 'serial_number', 'brand', 'product', 'sku', 'status', 'blacklist_reason', 'scm_updated_by',
    'scm_updated_at', 'activated_by', 'activated_at', 'workorder_id', ...scmKeys];
  const rows = codes.map((c) => {
    const p = productById(state, c.product);
    return [c.extended_id, c.serial_number, p ? p.brand : '', p ? p.id : '', p ? p.sku : '', c.status, c.blacklist_reason,
      email(c.scm_updated_by), iso(c.scm_updated_at) || '', email(c.activated_by), iso(c.activated_at) || '', c.workorder ?? '',
      ...scmKeys.map((k) => c.scm[k] ?? '')];
  });
  return toCsv(header, rows);
}

/**
 * The `exportRows` option: an export of `rows` made-up codes in the §7.3 columns (with one SCM
 * field), about 100 bytes a row, generated while it is downloaded. Every row has the same
 * length, so the size is known up front (the Content-Length) without building the file.
 * @param {number} rows
 * @returns {{ size: number, open: () => import('node:stream').Readable }}
 */
function syntheticExport(rows) {
  const header = 'extended_id,serial_number,brand,product,sku,status,blacklist_reason,scm_updated_by,scm_updated_at,'
    + 'activated_by,activated_at,workorder_id,lot_number\r\n';
  const pad = (/** @type {number} */ n, /** @type {number} */ w) => String(n).padStart(w, '0');
  const row = (/** @type {number} */ i) => `SYN${pad(i, 9)},${pad(i, 10)},1115,6326,SYN-SKU-${pad(i % 1000, 4)},1,,`
    + `bench@sandbox.invalid,2026-01-01T00:00:00.000000Z,,,5101,LOT-${pad(i % 100000, 6)}\r\n`;
  const size = Buffer.byteLength(header) + rows * Buffer.byteLength(row(0));
  const { Readable } = require('node:stream');
  return {
    size,
    open() {
      let next = 0;
      return new Readable({
        highWaterMark: 256 * 1024,
        read() {
          const chunk = [];
          if (next === 0) chunk.push(header);
          const end = Math.min(rows, next + 2000);
          for (; next < end; next++) chunk.push(row(next));
          this.push(chunk.join(''));
          if (next >= rows) this.push(null);
        },
      });
    },
  };
}

/** @param {any} doc */
const renderDocument = (doc) => ({
  key: doc.key,
  task: doc.task,
  status: doc.status,
  type: 'code_export',
  filename: doc.filename,
  row_count: doc.row_count,
  parameters: doc.parameters,
  created_at: iso(doc.created_at),
  completed_at: iso(doc.completed_at),
});

/** @param {any} ctx */
function getDocument(ctx) {
  const doc = ctx.state.documents.get(ctx.params.key);
  if (!doc) throw notFound();
  return doc;
}

/** @param {any} rt */
module.exports = (rt) => [
  {
    path: '/api/v2/codes/download/',
    methods: {
      GET: {
        perms: PERMS.codesDownload,
        handler: (/** @type {any} */ ctx) => {
          const state = ctx.state;
          const match = codeFilter(ctx);
          let key = '';
          do {
            key = '';
            for (let i = 0; i < 12; i++) key += KEY_CHARS[ctx.rt.rng.int(KEY_CHARS.length)];
          } while (state.documents.has(key));
          const doc = {
            key,
            task: `b'rq:job:${ctx.rt.uuid()}'`,
            status: 'pending',
            filename: `codes-${key}.csv`,
            row_count: null,
            parameters: Object.fromEntries(ctx.query),
            created_at: ctx.rt.now(),
            completed_at: null,
          };
          state.documents.set(key, doc);
          const delay = ctx.rt.options.jobDelayMs;
          ctx.rt.schedule(delay / 2, () => {
            doc.status = 'processing';
          });
          const synthetic = ctx.rt.options.exportRows;
          ctx.rt.schedule(delay, () => {
            const objectKey = `exports/${key}/${doc.filename}`;
            if (synthetic > 0) {
              ctx.rt.files.put(objectKey, syntheticExport(synthetic), 'text/csv; charset=utf-8', doc.filename);
              doc.row_count = synthetic;
            } else {
              // The file reflects the codes when generation finishes.
              const codes = state.codes.filter(match);
              ctx.rt.files.put(objectKey, Buffer.from(exportCsv(state, codes), 'utf8'), 'text/csv; charset=utf-8', doc.filename);
              doc.row_count = codes.length;
            }
            doc.status = 'completed';
            doc.completed_at = ctx.rt.now();
          });
          return { body: { document: renderDocument(doc) } };
        },
      },
    },
  },
  {
    path: '/api/v2/documents/:key/',
    methods: {
      GET: { perms: PERMS.codesDownload, handler: (/** @type {any} */ ctx) => ({ body: renderDocument(getDocument(ctx)) }) },
    },
  },
  {
    path: '/api/v2/documents/:key/get-download-link/',
    methods: {
      GET: {
        perms: PERMS.codesDownload,
        handler: (/** @type {any} */ ctx) => {
          const doc = getDocument(ctx);
          if (doc.status !== 'completed') throw new HttpError(400, { detail: 'The document is not ready yet.' });
          return { body: { url: ctx.rt.files.presignGet(`exports/${doc.key}/${doc.filename}`, LINK_TTL_SECONDS) } };
        },
      },
    },
  },
];

module.exports.exportCsv = exportCsv;
