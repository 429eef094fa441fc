// @ts-check
'use strict';

// UAT tokens. Each sandbox makes fresh random tokens (never real ones) with permission
// sets; the log and every printed message refer to a token by its name only.

const crypto = require('node:crypto');

/** Every permission name the reference mentions (scantrust-api.md §1.3). */
const ALL_PERMISSIONS = Object.freeze([
  'brand_create',
  'product_create', 'product_edit', 'product_delete', 'product_view',
  'codes_view',
  'scm_bulk_edit', 'scm_code_edit',
  'scans_download',
  'workorder_view', 'workorder_create', 'workorder_edit', 'workorder_cancel', 'workorder_archive',
  'workorder_delete', 'workorder_download', 'workorder_sid_download',
  'ingestion_view', 'ingestion_cancel', 'ingestion_code_create',
]);

/** Permissions of the preset tokens. */
const PRESETS = {
  full: ALL_PERMISSIONS,
  // Read and download only.
  readOnly: ALL_PERMISSIONS.filter((p) => p.endsWith('_view') || p.endsWith('_download')),
  noProduct: ALL_PERMISSIONS.filter((p) => !p.startsWith('product_')),
};

/**
 * Per-endpoint permissions, from the pages that document each endpoint (§1.3, §2, §4–§8).
 * Where a page lists several permissions for one use case, all of them are required:
 * stricter than the real API at worst, so a token that works here works there.
 */
const PERMS = {
  me: [],
  brands: ['product_view'],
  productView: ['product_view'],
  productCreate: ['product_create', 'product_edit', 'product_delete', 'product_view'],
  productEdit: ['product_edit', 'product_view'],
  productDelete: ['product_delete', 'product_view'],
  scmUpload: ['codes_view', 'scm_bulk_edit', 'scm_code_edit', 'product_view'],
  scmTask: ['codes_view'],
  codesDownload: ['codes_view'],
  workorderView: ['workorder_view'],
  workorderCreate: ['workorder_view', 'workorder_create', 'workorder_edit', 'workorder_cancel', 'workorder_archive'],
  ingestionView: ['ingestion_view'],
  ingestionCreate: ['ingestion_view', 'ingestion_code_create', 'workorder_view', 'product_view'],
  scans: ['scans_download'],
};

function createTokenRegistry() {
  /** @type {Map<string, { name: string, permissions: Set<string> }>} */
  const byValue = new Map();
  let custom = 0;
  return {
    /** @param {string} value */
    get: (value) => byValue.get(value),
    /**
     * @param {Iterable<string>} permissions
     * @param {string} [name]
     * @returns {string} the token value
     */
    create(permissions, name) {
      const value = crypto.randomBytes(20).toString('hex');
      byValue.set(value, { name: name || `custom${++custom}`, permissions: new Set(permissions) });
      return value;
    },
    /** Names and permissions, without values. */
    list: () => [...byValue.values()].map((t) => ({ name: t.name, permissions: [...t.permissions] })),
  };
}

module.exports = { ALL_PERMISSIONS, PRESETS, PERMS, createTokenRegistry };
