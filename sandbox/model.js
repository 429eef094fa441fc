// @ts-check
'use strict';

// The in-memory data model shared by the routes: lookups, code bookkeeping and the
// response shapes used in more than one place.

const { iso } = require('./drf');

/**
 * Adds indexes and the collections that start empty to a freshly seeded state.
 * @param {any} state
 */
function indexState(state) {
  state.codeByExt = new Map();
  state.codeBySerial = new Map();
  for (const c of state.codes) {
    state.codeByExt.set(c.extended_id, c);
    state.codeBySerial.set(c.serial_number, c);
  }
  state.codesVersion = 0;
  state.documents = new Map();
  state.scmTasks = new Map();
  state.ingestions = [];
  for (const c of state.codes) c.initial = snapshotOf(c);
  return state;
}

/** @param {any} state @param {any} code */
function addCode(state, code) {
  state.codes.push(code);
  state.codeByExt.set(code.extended_id, code);
  if (code.serial_number) state.codeBySerial.set(code.serial_number, code);
  code.initial = snapshotOf(code);
  state.codesVersion++;
}

/**
 * What a scan records about its code at scan time. Cached on the code and replaced
 * (never mutated) when the code changes, so scans can share it.
 * @param {any} code
 */
function snapshotOf(code) {
  if (!code.snapshot) {
    code.snapshot = Object.freeze({
      status: code.status,
      blacklist_reason: code.blacklist_reason,
      product: code.product,
      campaign: code.campaign,
      scm: Object.freeze({ ...code.scm }),
    });
  }
  return code.snapshot;
}

/** Call after changing a code. @param {any} state @param {any} code */
function codeChanged(state, code) {
  code.snapshot = null;
  state.codesVersion++;
}

/**
 * Product ID or SKU, as the `product` SCM field accepts (both unique in the company).
 * @param {any} state
 * @param {unknown} value
 */
function findProduct(state, value) {
  if (value === null || value === undefined || value === '') return undefined;
  const s = String(value).trim();
  if (/^\d+$/.test(s)) {
    const byId = state.products.find((/** @type {any} */ p) => p.id === Number(s));
    if (byId) return byId;
  }
  return state.products.find((/** @type {any} */ p) => p.sku === s);
}

/** @param {any} state @param {number | null} id */
const productById = (state, id) => (id === null ? undefined : state.products.find((/** @type {any} */ p) => p.id === id));
/** @param {any} state @param {number | null} id */
const brandById = (state, id) => state.brands.find((/** @type {any} */ b) => b.id === id);
/** @param {any} state @param {number | null} id */
const campaignById = (state, id) => state.campaigns.find((/** @type {any} */ c) => c.id === id);
/** @param {any} state @param {number | null} id */
const userById = (state, id) => state.users.find((/** @type {any} */ u) => u.id === id);

/** SCM field keys defined on a campaign. @param {any} state @param {number | null} campaignId */
function scmKeys(state, campaignId) {
  const c = campaignById(state, campaignId);
  return new Set(c ? c.scm_fields.map((/** @type {any} */ f) => f.key) : []);
}

/** Every SCM field key of the company, in campaign order. @param {any} state */
function allScmKeys(state) {
  /** @type {string[]} */
  const keys = [];
  for (const c of state.campaigns) for (const f of c.scm_fields) if (!keys.includes(f.key)) keys.push(f.key);
  return keys;
}

/**
 * Code counts per product, recomputed only when codes changed.
 * @param {any} state
 * @returns {Map<number, { total: number, active: number, blacklisted: number }>}
 */
function codeCounts(state) {
  if (state._counts && state._counts.version === state.codesVersion) return state._counts.map;
  const map = new Map();
  for (const c of state.codes) {
    if (c.product === null) continue;
    let n = map.get(c.product);
    if (!n) map.set(c.product, (n = { total: 0, active: 0, blacklisted: 0 }));
    n.total++;
    if (c.status === 1) n.active++;
    else if (c.status === 2) n.blacklisted++;
  }
  state._counts = { version: state.codesVersion, map };
  return map;
}

/** @param {any} c */
const companyShort = (c) => ({ id: c.id, uuid: c.uuid, name: c.name });

/** The longer company shape seen in the work-order list (WOD). @param {any} c */
const companyFull = (c) => ({
  id: c.id, slug: c.slug, address: c.address, country: c.country, city: c.city, company_type: c.company_type,
  uuid: c.uuid, name: c.name, website: c.website, creation_date: iso(c.creation_date),
  serial_number_format: c.serial_number_format, is_validated: c.is_validated,
});

/** The §2.1 product shape. @param {any} state @param {any} p */
function renderProduct(state, p) {
  const brand = brandById(state, p.brand);
  const campaign = campaignById(state, p.campaign);
  const n = codeCounts(state).get(p.id) || { total: 0, active: 0, blacklisted: 0 };
  return {
    id: p.id,
    uuid: p.uuid,
    sku: p.sku,
    image: p.image,
    name: p.name,
    description: p.description,
    label: p.label,
    brand: brand ? { id: brand.id, name: brand.name, image: brand.image } : null,
    company: companyShort(state.company),
    creation_date: iso(p.creation_date),
    client_url: p.client_url,
    is_archived: p.is_archived,
    code_count: n.total,
    active_code_count: n.active,
    blacklisted_code_count: n.blacklisted,
    campaign: campaign ? { id: campaign.id, name: campaign.name, description: campaign.description, is_archived: campaign.is_archived } : null,
    smartlabel: p.smartlabel,
  };
}

/** Special SCM fields with built-in behaviour (SPEC). */
const SPECIAL_FIELDS = ['product', 'activation_status', 'blacklist_reason'];

/**
 * Checks the special fields of one SCM data object; returns DRF-style field errors.
 * SCM field values themselves are stored as sent (dates are not checked, per SCMS).
 * @param {any} state
 * @param {Record<string, unknown>} data
 */
function checkScmData(state, data) {
  /** @type {Record<string, string[]>} */
  const errors = {};
  for (const [k, v] of Object.entries(data)) {
    if (v !== null && typeof v === 'object') errors[k] = ['Not a valid string.'];
  }
  if (data.product !== undefined && !errors.product && !findProduct(state, data.product)) {
    errors.product = [`Product "${data.product}" does not exist.`];
  }
  if (data.activation_status !== undefined && !errors.activation_status && !['0', '1', '2'].includes(String(data.activation_status).trim())) {
    errors.activation_status = [`"${data.activation_status}" is not a valid choice.`];
  }
  if (data.blacklist_reason !== undefined && !errors.blacklist_reason
    && !/^(?:[0-9]|10)$/.test(String(data.blacklist_reason).trim())) {
    errors.blacklist_reason = [`"${data.blacklist_reason}" is not a valid choice.`];
  }
  return errors;
}

/**
 * Applies SCM data to one code (data already checked). Fields that are neither special
 * nor defined on the code's campaign are silently discarded (SCMS). An empty string
 * clears a field. Returns the names of the fields applied and the values that changed.
 * @param {any} state
 * @param {any} code
 * @param {Record<string, unknown>} data
 * @param {number} userId
 * @param {number} now
 */
function applyScmData(state, code, data, userId, now) {
  /** @type {string[]} */
  const applied = [];
  /** @type {{ field: string, old: unknown, new: unknown }[]} */
  const changes = [];
  /** @param {string} field @param {unknown} before @param {unknown} after */
  const note = (field, before, after) => {
    applied.push(field);
    if (before !== after) changes.push({ field, old: before, new: after });
  };
  // Product first: moving a code to a product of another campaign moves the code to that
  // campaign, and its SCM fields then decide what is kept.
  if (data.product !== undefined) {
    const p = findProduct(state, data.product);
    note('product', code.product, p.id);
    code.product = p.id;
    code.campaign = p.campaign;
  }
  if (data.activation_status !== undefined) {
    const status = Number(String(data.activation_status).trim());
    note('activation_status', code.status, status);
    if (status === 1 && code.status !== 1) {
      code.activated_at = now;
      code.activated_by = userId;
    }
    if (status !== 2 && data.blacklist_reason === undefined) code.blacklist_reason = 0;
    code.status = status;
  }
  if (data.blacklist_reason !== undefined) {
    const reason = Number(String(data.blacklist_reason).trim());
    note('blacklist_reason', code.blacklist_reason, reason);
    code.blacklist_reason = reason;
  }
  const keys = scmKeys(state, code.campaign);
  for (const [k, v] of Object.entries(data)) {
    if (SPECIAL_FIELDS.includes(k) || !keys.has(k)) continue;
    const value = v === null || v === undefined ? '' : String(v);
    const before = code.scm[k] ?? '';
    if (value === '') delete code.scm[k];
    else code.scm[k] = value;
    note(k, before, value);
  }
  if (applied.length) {
    code.scm_updated_at = now;
    code.scm_updated_by = userId;
    codeChanged(state, code);
  }
  return { applied, changes };
}

/**
 * Codes whose `key` (extended_id, serial_number or an SCM field) equals `value`.
 * @param {any} state
 * @param {string} key
 * @param {string} value
 */
function findCodesBy(state, key, value) {
  if (key === 'extended_id') {
    const c = state.codeByExt.get(value);
    return c ? [c] : [];
  }
  if (key === 'serial_number') {
    const c = state.codeBySerial.get(value);
    return c ? [c] : [];
  }
  return state.codes.filter((/** @type {any} */ c) => c.scm[key] === value);
}

module.exports = {
  SPECIAL_FIELDS,
  checkScmData,
  applyScmData,
  findCodesBy,
  indexState,
  addCode,
  snapshotOf,
  codeChanged,
  findProduct,
  productById,
  brandById,
  campaignById,
  userById,
  scmKeys,
  allScmKeys,
  codeCounts,
  companyShort,
  companyFull,
  renderProduct,
};
