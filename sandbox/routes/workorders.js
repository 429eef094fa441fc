// @ts-check
'use strict';

// Work orders (scantrust-api.md §5): POST workorders/create-sid/, GET workorders/,
// GET workorders/{id}/, GET workorders/templates/. A new SID work order is `new` until
// its codes are generated (jobDelayMs), then `completed` with a `codegen_file` link to
// a zip on the file store.

const { Validator, badRequest, notFound, paginate, order, search, queryBool, toInt, iso, MESSAGES, pyType } = require('../drf');
const { PERMS } = require('../auth');
const { companyFull, addCode, productById } = require('../model');
const { toCsv, zip } = require('../formats');
const { extendedId } = require('../seed');

/** Largest `quantity` of one SID work order (keeps the in-memory code table sane). */
const MAX_QUANTITY = 100000;
const BATCH_SIZE = 20000;
const LINK_TTL_SECONDS = 3600;
const QR_PREFIX = 'https://qr.sandbox-foods.test/q/';

/**
 * Generates a work order's codes: Compact-12-like IDs, serial numbers when ordered,
 * assigned to the work order's product and its campaign.
 * @param {any} rt
 * @param {any} wo
 * @param {number} quantity
 */
function generateCodes(rt, wo, quantity) {
  const state = rt.state;
  const product = productById(state, wo.product);
  const now = rt.now();
  const created = [];
  const start = state.codes.filter((/** @type {any} */ c) => c.workorder === wo.id).length;
  for (let i = 0; i < quantity; i++) {
    let ext = extendedId(rt.rng);
    while (state.codeByExt.has(ext)) ext = extendedId(rt.rng);
    const code = {
      id: state.nextIds.code++, extended_id: ext,
      serial_number: wo.use_serial_number ? String(state.nextSerial++) : null,
      status: wo.activate_on_complete ? 1 : 0, blacklist_reason: 0,
      product: product ? product.id : null, campaign: product ? product.campaign : null, workorder: wo.id,
      scm: {}, activated_at: wo.activate_on_complete ? now : null, activated_by: wo.activate_on_complete ? wo.created_by : null,
      scm_updated_at: null, scm_updated_by: null, created_at: now,
      sequence: start + i + 1, batch: Math.floor((start + i) / BATCH_SIZE) + 1, snapshot: null,
    };
    addCode(state, code);
    created.push(code);
  }
  return created;
}

/**
 * The codegen zip: codes.csv (extended ID, serial number if ordered, sequence, batch,
 * full URL), manifest.json (work-order settings) and parameters.txt.
 * @param {any} state
 * @param {any} wo
 */
function buildZip(state, wo) {
  const codes = state.codes.filter((/** @type {any} */ c) => c.workorder === wo.id);
  const header = wo.use_serial_number
    ? ['extended_id', 'serial_number', 'sequence_number', 'batch_number', 'url']
    : ['extended_id', 'sequence_number', 'batch_number', 'url'];
  const rows = codes.map((/** @type {any} */ c) => (wo.use_serial_number
    ? [c.extended_id, c.serial_number, c.sequence, c.batch, QR_PREFIX + c.extended_id]
    : [c.extended_id, c.sequence, c.batch, QR_PREFIX + c.extended_id]));
  const product = productById(state, wo.product);
  const manifest = {
    workorder_id: wo.id, reference: wo.reference, type: wo.type, quantity: codes.length,
    product: product ? { id: product.id, sku: product.sku, name: product.name } : null,
    activate_on_complete: wo.activate_on_complete, use_serial_number: wo.use_serial_number,
    code_format: 'compact-12', url_prefix: QR_PREFIX, batch_size: BATCH_SIZE, generated_at: iso(wo.completed_at),
  };
  const params = Object.entries(manifest).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
  return zip([
    { name: 'codes.csv', data: toCsv(header, rows) },
    { name: 'manifest.json', data: JSON.stringify(manifest, null, 2) + '\n' },
    { name: 'parameters.txt', data: params },
  ], new Date(wo.completed_at || Date.now()));
}

/**
 * A fresh pre-signed link each time, like a signed storage URL field.
 * @param {any} rt
 * @param {any} wo
 */
function codegenLink(rt, wo) {
  if (wo.state !== 'completed') return null;
  const safe = wo.reference.replace(/[^A-Za-z0-9._-]/g, '_');
  const key = `workorders/${wo.id}/workorder-${safe}.zip`;
  if (!rt.files.objects.has(key)) rt.files.put(key, () => buildZip(rt.state, wo), 'application/zip', `workorder-${safe}.zip`);
  return rt.files.presignGet(key, LINK_TTL_SECONDS);
}

/** @param {any} rt @param {any} wo */
function renderWorkorder(rt, wo) {
  const state = rt.state;
  return {
    id: wo.id,
    uuid: wo.uuid,
    reference: wo.reference,
    remarks: wo.remarks,
    type: wo.type,
    state: wo.state,
    quantity: wo.quantity,
    product: wo.product,
    activate_on_complete: wo.activate_on_complete,
    use_serial_number: wo.use_serial_number,
    is_archived: wo.is_archived,
    ingestion_key: wo.ingestion_key,
    template: wo.template,
    company: companyFull(state.company),
    printing_partner: wo.printing_partner ? companyFull(state.printingPartner) : null,
    created_by: wo.created_by,
    creation_date: iso(wo.creation_date),
    completed_at: iso(wo.completed_at),
    codegen_file: codegenLink(rt, wo),
  };
}

/**
 * Creates a work order in state `new` and schedules its completion.
 * @param {any} rt
 * @param {Record<string, any>} fields
 * @param {false} [generate] false: the caller makes the codes and sets the state itself (ingestion)
 */
function createWorkorder(rt, fields, generate) {
  const state = rt.state;
  const wo = {
    id: state.nextIds.workorder++, uuid: rt.uuid(), reference: fields.reference, remarks: fields.remarks ?? '',
    quantity: fields.quantity, type: fields.type || 'sid', state: 'new', product: fields.product ?? null,
    activate_on_complete: fields.activate_on_complete ?? false, use_serial_number: fields.use_serial_number ?? true,
    is_archived: false, creation_date: rt.now(), completed_at: null, created_by: state.users[0].id,
    ingestion_key: 'ik_' + extendedId(rt.rng).toLowerCase(), template: fields.template ?? null,
    printing_partner: fields.printing_partner ?? null,
  };
  state.workorders.push(wo);
  if (generate === false) return wo;
  rt.schedule(rt.options.jobDelayMs, () => {
    generateCodes(rt, wo, wo.quantity);
    wo.state = 'completed';
    wo.completed_at = rt.now();
  });
  return wo;
}

/** @param {any} rt */
module.exports = (rt) => [
  {
    path: '/api/v2/workorders/create-sid/',
    methods: {
      POST: {
        perms: PERMS.workorderCreate,
        handler: (/** @type {any} */ ctx) => {
          const state = ctx.state;
          const data = ctx.body;
          if (typeof data !== 'object' || data === null || Array.isArray(data)) {
            throw badRequest({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(data)}.`] });
          }
          const v = new Validator(data);
          const activate = v.boolean('activate_on_complete', { required: true });
          const reference = v.string('reference', { required: true, maxLength: 255 });
          if (reference && state.workorders.some((/** @type {any} */ w) => w.reference === reference)) {
            v.add('reference', 'work order with this reference already exists.');
          }
          const remarks = v.string('remarks', { allowBlank: true, allowNull: true });
          const quantity = v.integer('quantity', { required: true, min: 1, max: MAX_QUANTITY });
          // Documented as required "default true": a missing value means true.
          const useSerial = v.boolean('use_serial_number');
          const productId = v.integer('product', { allowNull: true });
          if (productId !== undefined && productId !== null && !productById(state, productId)) v.add('product', MESSAGES.pk(productId));
          v.done();
          const wo = createWorkorder(ctx.rt, {
            reference, remarks, quantity, product: productId ?? null,
            activate_on_complete: activate, use_serial_number: useSerial ?? true,
          });
          return { status: 201, body: renderWorkorder(ctx.rt, wo) };
        },
      },
    },
  },
  {
    path: '/api/v2/workorders/templates/',
    methods: {
      GET: {
        perms: PERMS.workorderView,
        handler: (/** @type {any} */ ctx) => {
          const items = search(ctx.state.woTemplates, ctx.query.get('search'), (/** @type {any} */ t) => [t.name, t.description]);
          return { body: paginate(ctx, items, (/** @type {any} */ t) => ({ ...t })) };
        },
      },
    },
  },
  {
    path: '/api/v2/workorders/',
    methods: {
      GET: {
        perms: PERMS.workorderView,
        handler: (/** @type {any} */ ctx) => {
          const q = ctx.query;
          const archived = queryBool(q, 'is_archived') ?? false;
          let items = ctx.state.workorders.filter((/** @type {any} */ w) => w.is_archived === archived);
          items = search(items, q.get('search'), (/** @type {any} */ w) => [w.reference, w.remarks]);
          items = order(items, q.get('ordering'), {
            id: (/** @type {any} */ w) => w.id,
            creation_date: (/** @type {any} */ w) => w.creation_date,
            reference: (/** @type {any} */ w) => w.reference,
          }, '-creation_date,-id');
          return { body: paginate(ctx, items, (/** @type {any} */ w) => renderWorkorder(ctx.rt, w)) };
        },
      },
    },
  },
  {
    path: '/api/v2/workorders/:id/',
    methods: {
      GET: {
        perms: PERMS.workorderView,
        handler: (/** @type {any} */ ctx) => {
          const id = toInt(ctx.params.id);
          const wo = ctx.state.workorders.find((/** @type {any} */ w) => w.id === id);
          if (!wo) throw notFound();
          return { body: renderWorkorder(ctx.rt, wo) };
        },
      },
    },
  },
];

module.exports.createWorkorder = createWorkorder;
