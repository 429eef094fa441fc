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

module.exports = {
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
