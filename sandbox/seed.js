// @ts-check
'use strict';

// Deterministic seeded data. Everything derives from one 32-bit seed through a small
// PRNG, so two sandboxes with the same seed and the same `now` hold identical data.
// Times are relative to `now` (the data always looks recent).

const DAY = 86400000;

/**
 * mulberry32: tiny, fast, good enough for test data.
 * @param {number} seed
 */
function createRng(seed) {
  let a = seed >>> 0;
  const u32 = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = () => u32() / 4294967296;
  return {
    u32,
    next,
    /** @param {number} n integer in [0, n) */
    int: (n) => Math.floor(next() * n),
    /** @template T @param {readonly T[]} list @returns {T} */
    pick: (list) => list[Math.floor(next() * list.length)],
    /** @param {number} p */
    chance: (p) => next() < p,
  };
}

/** @typedef {ReturnType<typeof createRng>} Rng */

/**
 * Mixes numbers into one 32-bit hash; used to derive per-record attributes lazily.
 * @param {...number} parts
 */
function hash32(...parts) {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** Accepts a number or any string as seed. @param {number | string | undefined} seed */
function normalizeSeed(seed) {
  if (seed === undefined || seed === null || seed === '') return 20240601;
  if (typeof seed === 'number' && Number.isFinite(seed)) return seed >>> 0;
  let h = 0x811c9dc5;
  for (const ch of String(seed)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A 12-character identifier in the style of Scantrust's Compact-12 messages. @param {Rng} rng */
function extendedId(rng) {
  let s = '';
  for (let i = 0; i < 12; i++) s += BASE62[rng.int(62)];
  return s;
}

/** RFC 4122 version-4 layout from PRNG bits. @param {() => number} u32 */
function uuidFrom(u32) {
  const hex = [u32(), u32(), u32(), u32()].map((n) => n.toString(16).padStart(8, '0')).join('');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const COUNTRIES = ['CH', 'FR', 'DE', 'IT', 'US', 'CN', 'JP', 'GB', 'BR', 'IN'];

/** SCM field definitions per campaign (the portal's "SCM T&T" tab; no API exposes them). */
const CAMPAIGN_DEFS = [
  {
    id: 2207, name: 'Dairy EU 2024', description: 'Cheese and butter lines for Europe',
    scm_fields: [
      { key: 'production_date', name: 'Production date', type: 'date' },
      { key: 'intended_market', name: 'Intended market', type: 'text' },
      { key: 'lot_number', name: 'Lot number', type: 'text' },
      { key: 'case_number', name: 'Case number', type: 'text', logistic_unit: true },
      { key: 'rfid', name: 'RFID tag', type: 'text' },
    ],
  },
  {
    id: 2208, name: 'Coffee Traceability', description: 'Farm-to-cup tracing',
    scm_fields: [
      { key: 'production_date', name: 'Roast date', type: 'date' },
      { key: 'lot_number', name: 'Lot number', type: 'text' },
      { key: 'farm_name', name: 'Farm', type: 'text' },
      { key: 'organic', name: 'Organic', type: 'boolean' },
      { key: 'intended_market', name: 'Intended market', type: 'text' },
    ],
  },
  {
    id: 2209, name: 'Honey Logistics', description: 'Jar and pallet tracking',
    scm_fields: [
      { key: 'production_date', name: 'Harvest date', type: 'date' },
      { key: 'intended_market', name: 'Intended market', type: 'text' },
      { key: 'case_number', name: 'Case number', type: 'text', logistic_unit: true },
      { key: 'pallet_number', name: 'Pallet number', type: 'text', logistic_unit: true },
    ],
  },
];

const BRAND_DEFS = [
  { id: 1115, name: 'Alpine Dairy', reference: 'alpine-dairy', sku: 'AD', words: ['Gruyere', 'Butter', 'Yoghurt', 'Tomme', 'Cream', 'Raclette'] },
  { id: 1116, name: 'Coastal Coffee', reference: 'coastal-coffee', sku: 'CC', words: ['Espresso', 'Lungo', 'Decaf', 'Cold Brew', 'Arabica', 'Robusta'] },
  { id: 1117, name: 'Highland Honey', reference: 'highland-honey', sku: 'HH', words: ['Acacia', 'Forest', 'Clover', 'Lavender', 'Chestnut', 'Wildflower'] },
];
const SIZES = ['250 g', '500 g', '1 kg', 'Gift box', 'Family pack', 'Travel size', 'Sample'];
const FARMS = ['Finca Rosa', 'Monte Verde', 'Kilimo', 'Sierra Alta'];

/**
 * Builds the whole initial state.
 * @param {{ seed: number, now: number, productCount: number, codeCount: number }} o
 */
function buildState(o) {
  const rng = createRng(o.seed);
  const now = o.now;
  const uuid = () => uuidFrom(rng.u32);

  const company = {
    id: 446, uuid: uuid(), name: 'Sandbox Foods SA', slug: 'sandbox-foods', address: '1 Rue du Test',
    country: 'CH', city: 'Lausanne', company_type: 'brand_owner', website: 'https://sandbox-foods.test',
    creation_date: now - 900 * DAY, serial_number_format: 'numeric', is_validated: true,
  };
  const printingPartner = {
    id: 447, uuid: uuid(), name: 'Sandbox Print Partner', slug: 'sandbox-print', address: '9 Press Lane',
    country: 'CH', city: 'Geneva', company_type: 'printing_partner', website: 'https://print.sandbox-foods.test',
    creation_date: now - 1200 * DAY, serial_number_format: 'numeric', is_validated: true,
  };

  // The first user owns every sandbox token; the others appear as activators/updaters.
  const users = [
    { id: 1201, email: 'integration@sandbox-foods.test', first_name: 'Integration', last_name: 'Service' },
    { id: 1202, email: 'ops@sandbox-foods.test', first_name: 'Olivia', last_name: 'Ops' },
    { id: 1203, email: 'line3@sandbox-foods.test', first_name: 'Line', last_name: 'Three' },
  ];

  const brands = BRAND_DEFS.map((b) => ({
    id: b.id, name: b.name, reference: b.reference,
    image: `https://assets.sandbox-foods.test/brands/${b.reference}.png`,
  }));

  const campaigns = CAMPAIGN_DEFS.map((c, i) => ({
    id: c.id, name: c.name, description: c.description, is_archived: false, brand: brands[i].id,
    scm_fields: c.scm_fields.map((f) => ({ ...f })),
  }));

  /** @type {any[]} */
  const products = [];
  for (let i = 0; i < o.productCount; i++) {
    const b = BRAND_DEFS[i % 3];
    const n = Math.floor(i / 3);
    // The first product of each brand is a generic one: codes are made for it and moved
    // to the real product at production time (the documented `product` SCM field use).
    const generic = n === 0;
    const word = b.words[n % b.words.length];
    const size = SIZES[Math.floor(n / b.words.length) % SIZES.length];
    products.push({
      id: 6300 + i,
      uuid: uuid(),
      sku: generic ? `${b.sku}-GENERIC` : `${b.sku}-${1000 + n}`,
      name: generic ? `${b.name} generic` : `${word} ${size}`,
      description: generic ? 'Placeholder product for unassigned codes' : `${b.name} ${word.toLowerCase()}, ${size}`,
      label: '',
      image: null,
      brand: b.id,
      campaign: CAMPAIGN_DEFS[i % 3].id,
      // Oldest first by id, spread over two years.
      creation_date: now - Math.round((730 - (i * 700) / Math.max(1, o.productCount)) * DAY) - rng.int(DAY),
      client_url: `https://sandbox-foods.test/p/${b.sku.toLowerCase()}-${1000 + n}`,
      is_archived: !generic && i % 11 === 10,
      smartlabel: null,
    });
  }

  const woTemplates = [
    {
      id: 301, name: 'SG outside 12 mm', description: 'Secure graphic beside the QR code', company: company.id,
      custom_layout: null, substrate: 12, substrate_name: 'Coated paper', printing_partner: printingPartner.id,
      image: null, code_layout: 'sg-outside', use_serial_number: true, is_hybrid: false,
    },
    {
      id: 302, name: 'SG inside 15 mm', description: 'Secure graphic inside the QR code', company: company.id,
      custom_layout: null, substrate: 14, substrate_name: 'Label stock', printing_partner: printingPartner.id,
      image: null, code_layout: 'sg-inside', use_serial_number: false, is_hybrid: true,
    },
  ];

  const ingestionTemplates = [
    {
      id: 41, key: 'sid-pre-print', name: 'SID pre-print', description: 'Custom IDs as SID codes, one work order per upload',
      code_type: 'sid', use_serial_number: true, activate_on_complete: false, requires_printing_partner: false,
    },
    {
      id: 42, key: 'ssc-pre-print', name: 'SSC pre-print', description: 'Custom IDs as secure codes (needs a printing partner)',
      code_type: 'ssc', use_serial_number: true, activate_on_complete: false, requires_printing_partner: true,
    },
  ];

  // Work orders, all completed, sharing the code count between them.
  const activeProducts = products.filter((p) => !p.is_archived);
  const woCount = Math.max(1, Math.min(6, Math.ceil(o.codeCount / 500)));
  /** @type {any[]} */
  const workorders = [];
  /** @type {any[]} */
  const codes = [];
  const seenIds = new Set();
  let serial = 1000000001;
  let codeId = 900001;
  for (let w = 0; w < woCount; w++) {
    const quantity = Math.floor(o.codeCount / woCount) + (w < o.codeCount % woCount ? 1 : 0);
    // Alternate between generic and real products so both cases exist.
    const product = w < 3 ? products[w % products.length] : activeProducts[(w * 7) % activeProducts.length];
    const created = now - (400 - w * 20) * DAY;
    const wo = {
      id: 5101 + w, uuid: uuid(), reference: `WO-SBX-${String(w + 1).padStart(3, '0')}`,
      remarks: `${product.name} run ${w + 1}`, quantity, type: 'sid', state: 'completed',
      product: product.id, activate_on_complete: w % 2 === 0, use_serial_number: true,
      is_archived: w === woCount - 1 && woCount > 2, creation_date: created, completed_at: created + 3600000,
      created_by: users[0].id, ingestion_key: 'ik_' + extendedId(rng).toLowerCase(), template: null,
      printing_partner: null,
    };
    workorders.push(wo);
    const campaign = CAMPAIGN_DEFS.find((c) => c.id === product.campaign);
    for (let s = 0; s < quantity; s++) {
      let ext = extendedId(rng);
      while (seenIds.has(ext)) ext = extendedId(rng);
      seenIds.add(ext);
      const roll = rng.next();
      const status = roll < 0.75 ? 1 : roll < 0.95 ? 0 : 2;
      const activatedAt = status === 0 ? null : created + (2 + rng.int(30)) * DAY + rng.int(DAY);
      /** @type {Record<string, string>} */
      const scm = {};
      const fieldKeys = new Set(campaign ? campaign.scm_fields.map((f) => f.key) : []);
      if (status !== 0) {
        if (fieldKeys.has('production_date')) scm.production_date = new Date(/** @type {number} */ (activatedAt) - DAY).toISOString().slice(0, 10);
        if (fieldKeys.has('intended_market')) scm.intended_market = COUNTRIES[(w + Math.floor(s / 400)) % 4];
        if (fieldKeys.has('lot_number')) scm.lot_number = `L${w + 1}-${String(Math.floor(s / 200) + 1).padStart(3, '0')}`;
        if (fieldKeys.has('case_number')) scm.case_number = `C${String(w * 1000 + Math.floor(s / 24) + 1).padStart(6, '0')}`;
        if (fieldKeys.has('pallet_number')) scm.pallet_number = `P${String(w * 100 + Math.floor(s / 480) + 1).padStart(4, '0')}`;
        if (fieldKeys.has('farm_name')) scm.farm_name = FARMS[Math.floor(s / 300) % FARMS.length];
        if (fieldKeys.has('organic')) scm.organic = s % 3 === 0 ? 'true' : 'false';
        if (fieldKeys.has('rfid') && s % 5 === 0) scm.rfid = 'E200' + (0x10000000 + codeId).toString(16).toUpperCase();
      }
      const code = {
        id: codeId++, extended_id: ext, serial_number: String(serial++), status,
        blacklist_reason: status === 2 ? 1 + rng.int(10) : 0,
        product: product.id, campaign: product.campaign, workorder: wo.id,
        scm, activated_at: activatedAt, activated_by: activatedAt ? users[1 + rng.int(2)].id : null,
        scm_updated_at: Object.keys(scm).length ? activatedAt : null,
        scm_updated_by: Object.keys(scm).length ? users[1].id : null,
        created_at: created, sequence: s + 1, batch: Math.floor(s / 20000) + 1,
        /** @type {any} */ snapshot: null,
      };
      codes.push(code);
    }
  }

  return {
    now,
    company,
    printingPartner,
    users,
    brands,
    campaigns,
    products,
    woTemplates,
    ingestionTemplates,
    workorders,
    codes,
    nextSerial: serial,
    nextIds: { product: 6300 + o.productCount, workorder: 5101 + woCount, code: codeId, ingestion: 7001 },
  };
}

module.exports = { createRng, hash32, normalizeSeed, extendedId, uuidFrom, buildState, COUNTRIES, DAY, BASE62 };
