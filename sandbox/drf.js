// @ts-check
'use strict';

// Django REST Framework conventions shared by every route: error shapes, field
// validation messages, query-parameter parsing, limit/offset pagination and
// datetime rendering. The wording copies DRF's own messages because the real
// API is DRF and clients may show these strings to users.

/** An error a handler throws; the server turns it into a response. */
class HttpError extends Error {
  /**
   * @param {number} status
   * @param {unknown} body JSON body
   * @param {Record<string, string>} [headers]
   */
  constructor(status, body, headers = {}) {
    super(typeof body === 'object' && body && 'detail' in body ? String(body.detail) : `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** 400 with DRF's `{"field": ["message"]}` shape. @param {Record<string, unknown>} errors */
const badRequest = (errors) => new HttpError(400, errors);
const notFound = () => new HttpError(404, { detail: 'Not found.' });

const MESSAGES = {
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  null: 'This field may not be null.',
  string: 'Not a valid string.',
  integer: 'A valid integer is required.',
  boolean: 'Must be a valid boolean.',
  maxLength: (/** @type {number} */ n) => `Ensure this field has no more than ${n} characters.`,
  minValue: (/** @type {number} */ n) => `Ensure this value is greater than or equal to ${n}.`,
  maxValue: (/** @type {number} */ n) => `Ensure this value is less than or equal to ${n}.`,
  choice: (/** @type {unknown} */ v) => `"${v}" is not a valid choice.`,
  list: (/** @type {unknown} */ v) => `Expected a list of items but got type "${pyType(v)}".`,
  dict: (/** @type {unknown} */ v) => `Expected a dictionary of items but got type "${pyType(v)}".`,
  pk: (/** @type {unknown} */ v) => `Invalid pk "${v}" - object does not exist.`,
  date: 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.',
};

/** Python type names, as DRF prints them in messages. @param {unknown} v */
function pyType(v) {
  if (v === null) return 'NoneType';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return 'dict';
}

/**
 * Collects field errors the way a DRF serializer does, then throws them all at once.
 */
class Validator {
  /** @param {Record<string, any>} data */
  constructor(data) {
    this.data = data;
    /** @type {Record<string, unknown>} */
    this.errors = {};
  }

  /** @param {string} field @param {unknown} message */
  add(field, message) {
    if (!(field in this.errors)) this.errors[field] = Array.isArray(message) || typeof message === 'object' ? message : [message];
  }

  /**
   * DRF CharField: numbers are coerced to strings, booleans/objects rejected, surrounding
   * whitespace trimmed.
   * @param {string} field
   * @param {{ required?: boolean, allowBlank?: boolean, allowNull?: boolean, maxLength?: number }} [opts]
   * @returns {string | null | undefined}
   */
  string(field, opts = {}) {
    const { required = false, allowBlank = false, allowNull = false, maxLength } = opts;
    if (!(field in this.data)) {
      if (required) this.add(field, MESSAGES.required);
      return undefined;
    }
    const raw = this.data[field];
    if (raw === null) {
      if (!allowNull) this.add(field, MESSAGES.null);
      return null;
    }
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      this.add(field, MESSAGES.string);
      return undefined;
    }
    const value = String(raw).trim();
    if (value === '' && !allowBlank) {
      this.add(field, MESSAGES.blank);
      return undefined;
    }
    if (maxLength !== undefined && value.length > maxLength) {
      this.add(field, MESSAGES.maxLength(maxLength));
      return undefined;
    }
    return value;
  }

  /**
   * DRF IntegerField: accepts integers and integer strings.
   * @param {string} field
   * @param {{ required?: boolean, allowNull?: boolean, min?: number, max?: number }} [opts]
   * @returns {number | null | undefined}
   */
  integer(field, opts = {}) {
    const { required = false, allowNull = false, min, max } = opts;
    if (!(field in this.data)) {
      if (required) this.add(field, MESSAGES.required);
      return undefined;
    }
    const raw = this.data[field];
    if (raw === null || raw === '') {
      if (!allowNull) this.add(field, raw === null ? MESSAGES.null : MESSAGES.integer);
      return null;
    }
    const value = toInt(raw);
    if (value === undefined) {
      this.add(field, MESSAGES.integer);
      return undefined;
    }
    if (min !== undefined && value < min) {
      this.add(field, MESSAGES.minValue(min));
      return undefined;
    }
    if (max !== undefined && value > max) {
      this.add(field, MESSAGES.maxValue(max));
      return undefined;
    }
    return value;
  }

  /**
   * DRF BooleanField: true/false, 1/0 and their string forms ("true", "True", "1", ...).
   * @param {string} field
   * @param {{ required?: boolean }} [opts]
   * @returns {boolean | undefined}
   */
  boolean(field, opts = {}) {
    if (!(field in this.data)) {
      if (opts.required) this.add(field, MESSAGES.required);
      return undefined;
    }
    const value = toBool(this.data[field]);
    if (value === undefined) this.add(field, MESSAGES.boolean);
    return value;
  }

  /** Throws a 400 when any field failed. */
  done() {
    if (Object.keys(this.errors).length) throw badRequest(this.errors);
  }
}

/** @param {unknown} raw @returns {number | undefined} */
function toInt(raw) {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
  if (typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)) return Number(raw);
  return undefined;
}

const TRUE_VALUES = new Set(['true', 'True', 'TRUE', '1', 'yes', 'on', 't', 'y']);
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', '0', 'no', 'off', 'f', 'n']);

/** @param {unknown} raw @returns {boolean | undefined} */
function toBool(raw) {
  if (raw === true || raw === 1) return true;
  if (raw === false || raw === 0) return false;
  if (typeof raw === 'string') {
    if (TRUE_VALUES.has(raw)) return true;
    if (FALSE_VALUES.has(raw)) return false;
  }
  return undefined;
}

/**
 * django-filter BooleanFilter on a query parameter. An unknown value is a 400, like
 * django-filter's form validation.
 * @param {URLSearchParams} query
 * @param {string} name
 * @returns {boolean | undefined} undefined when absent or empty
 */
function queryBool(query, name) {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = toBool(raw);
  if (value === undefined) throw badRequest({ [name]: ['Select a valid choice. ' + raw + ' is not one of the available choices.'] });
  return value;
}

/**
 * django-filter NumberFilter on a query parameter.
 * @param {URLSearchParams} query
 * @param {string} name
 * @returns {number | undefined}
 */
function queryInt(query, name) {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = toInt(raw);
  if (value === undefined) throw badRequest({ [name]: ['Enter a number.'] });
  return value;
}

// ---------------------------------------------------------------------------
// Datetimes

/**
 * DRF renders datetimes as ISO 8601 in UTC with microseconds and a `Z`.
 * @param {number | null | undefined} ms epoch milliseconds
 */
function iso(ms) {
  if (ms === null || ms === undefined) return null;
  return new Date(ms).toISOString().slice(0, 23) + '000Z';
}

/** @param {number} ms */
const isoDate = (ms) => new Date(ms).toISOString().slice(0, 10);

/**
 * Parses the date/datetime forms Django accepts in filters: `YYYY-MM-DD`, or an ISO
 * datetime (`T` or space separator, optional seconds/fraction, optional `Z`/offset;
 * naive values are UTC, the server's time zone).
 * @param {string} raw
 * @returns {{ ms: number, dateOnly: boolean } | undefined}
 */
function parseDateTime(raw) {
  const s = raw.trim();
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (date) {
    const ms = Date.UTC(+date[1], +date[2] - 1, +date[3]);
    return isoDate(ms) === s ? { ms, dateOnly: true } : undefined;
  }
  const dt = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!dt) return undefined;
  const base = parseDateTime(dt[1]);
  if (!base) return undefined;
  const [hh, mm, ss] = [+dt[2], +dt[3], +(dt[4] || 0)];
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  const frac = dt[5] ? Math.floor(Number('0.' + dt[5]) * 1000) : 0;
  let ms = base.ms + ((hh * 60 + mm) * 60 + ss) * 1000 + frac;
  const tz = dt[6];
  if (tz && tz.toUpperCase() !== 'Z') {
    const m = /([+-])(\d{2}):?(\d{2})/.exec(tz);
    if (m) ms -= (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +m[3]) * 60000;
  }
  return { ms, dateOnly: false };
}

// ---------------------------------------------------------------------------
// Pagination

/** Largest `limit` honoured by limit/offset lists (DRF `max_limit`); larger values are clamped. */
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;

/**
 * DRF's `_positive_int(strict=True)`: anything that is not an integer > 0 falls back to the default.
 * @param {string | null} raw
 * @param {number} fallback
 * @param {number} [cutoff]
 */
function positiveInt(raw, fallback, cutoff) {
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return fallback;
  const n = Number(raw);
  if (n <= 0) return fallback;
  return cutoff ? Math.min(n, cutoff) : n;
}

/**
 * Rebuilds the request URL with some query parameters replaced or removed. DRF's
 * `replace_query_param` sorts the parameters, so links come out in a stable order.
 * @param {string} origin e.g. http://127.0.0.1:8790
 * @param {string} path
 * @param {URLSearchParams} query
 * @param {Record<string, string | null>} changes null removes the parameter
 */
function buildUrl(origin, path, query, changes) {
  /** @type {[string, string][]} */
  const entries = [];
  for (const [k, v] of query) if (!(k in changes)) entries.push([k, v]);
  for (const [k, v] of Object.entries(changes)) if (v !== null) entries.push([k, v]);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const qs = new URLSearchParams(entries).toString();
  return origin + path + (qs ? '?' + qs : '');
}

/**
 * DRF LimitOffsetPagination over an in-memory list.
 * @template T
 * @param {{ origin: string, path: string, query: URLSearchParams }} ctx
 * @param {T[]} items already filtered and ordered
 * @param {(item: T) => unknown} render
 */
function paginate(ctx, items, render) {
  const limit = positiveInt(ctx.query.get('limit'), DEFAULT_LIMIT, MAX_LIMIT);
  const offset = ctx.query.get('offset') && /^\s*\d+\s*$/.test(/** @type {string} */ (ctx.query.get('offset')))
    ? Number(ctx.query.get('offset'))
    : 0;
  const count = items.length;
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < count
    ? buildUrl(ctx.origin, ctx.path, ctx.query, { limit: String(limit), offset: String(offset + limit) })
    : null;
  let previous = null;
  if (offset > 0) {
    previous = offset - limit <= 0
      ? buildUrl(ctx.origin, ctx.path, ctx.query, { limit: String(limit), offset: null })
      : buildUrl(ctx.origin, ctx.path, ctx.query, { limit: String(limit), offset: String(offset - limit) });
  }
  return { count, next, previous, results: page.map(render) };
}

/**
 * DRF OrderingFilter: comma-separated fields, `-` for descending; unknown fields are
 * ignored (DRF drops them silently).
 * @template T
 * @param {T[]} items
 * @param {string | null} ordering
 * @param {Record<string, (item: T) => string | number | boolean | null>} fields
 * @param {string} fallback default ordering
 */
function order(items, ordering, fields, fallback) {
  const parse = (/** @type {string} */ s) => s.split(',').map((t) => t.trim())
    .filter((t) => t && fields[t.replace(/^-/, '')]);
  let terms = ordering ? parse(ordering) : [];
  if (!terms.length) terms = parse(fallback);
  const keys = terms.map((t) => ({ get: fields[t.replace(/^-/, '')], dir: t.startsWith('-') ? -1 : 1 }));
  return [...items].sort((a, b) => {
    for (const { get, dir } of keys) {
      const va = get(a), vb = get(b);
      if (va === vb) continue;
      if (va === null) return dir;
      if (vb === null) return -dir;
      return (va < vb ? -1 : 1) * dir;
    }
    return 0;
  });
}

/**
 * DRF SearchFilter: every whitespace/comma separated term must match one of the fields
 * (case-insensitive contains).
 * @template T
 * @param {T[]} items
 * @param {string | null} search
 * @param {(item: T) => (string | null | undefined)[]} fields
 */
function search(items, search, fields) {
  const terms = (search || '').replace(/\x00/g, '').split(/[\s,]+/).filter(Boolean).map((t) => t.toLowerCase());
  if (!terms.length) return items;
  return items.filter((item) => {
    const hay = fields(item).filter(Boolean).map((s) => String(s).toLowerCase());
    return terms.every((t) => hay.some((h) => h.includes(t)));
  });
}

module.exports = {
  HttpError,
  badRequest,
  notFound,
  MESSAGES,
  Validator,
  toInt,
  toBool,
  pyType,
  queryBool,
  queryInt,
  iso,
  isoDate,
  parseDateTime,
  MAX_LIMIT,
  DEFAULT_LIMIT,
  positiveInt,
  buildUrl,
  paginate,
  order,
  search,
};
