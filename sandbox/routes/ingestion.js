// @ts-check
'use strict';

// Code ingestion ("code upload", scantrust-api.md §6): three create endpoints (api or
// file mode), process-from-file for file mode, records and templates. Checks of the
// request's shape run on the call (400); checks against data (products, duplicates,
// file contents) run in the background and end the record in `error`.

const { badRequest, notFound, paginate, order, pyType, MESSAGES, iso, toInt, toBool } = require('../drf');
const { PERMS } = require('../auth');
const { addCode, applyScmData, checkScmData, findProduct, productById } = require('../model');
const { parseCsv } = require('../formats');
const { createWorkorder } = require('./workorders');

/** Most codes one api-mode call may carry. */
const MAX_API_CODES = 50000;
/** Pre-signed upload lifetime (IFILE: 30 minutes). */
const UPLOAD_TTL_SECONDS = 1800;
const ID_RE = /^[A-Za-z0-9_-]+$/;
const KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** @param {unknown} v */
const isDict = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Errors of one code record, or null. GS1 identifiers (Digital Link URIs, element
 * strings) may hold other characters, so only the length rule applies to them.
 * @param {unknown} code
 * @param {string} idFormat
 */
function codeErrors(code, idFormat) {
  if (!isDict(code)) return { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(code)}.`] };
  const id = /** @type {any} */ (code).id;
  if (id === undefined) return { id: [MESSAGES.required] };
  if (id === null) return { id: [MESSAGES.null] };
  if (typeof id !== 'string' && typeof id !== 'number') return { id: [MESSAGES.string] };
  const s = String(id);
  if (s.length < 8) return { id: ['Ensure this field has at least 8 characters.'] };
  if (idFormat === 'gs1' ? /\s/.test(s) : !ID_RE.test(s)) {
    return { id: ['Enter a valid value: only letters a-z A-Z, digits 0-9, "-" and "_" are allowed.'] };
  }
  return null;
}

/** @param {any} rt */
function newKey(rt) {
  let key = '';
  for (let i = 0; i < 20; i++) key += KEY_CHARS[rt.rng.int(KEY_CHARS.length)];
  return key;
}

/** @param {any} state @param {any} r */
function renderRecord(state, r) {
  const t = r.template ? state.ingestionTemplates.find((/** @type {any} */ x) => x.key === r.template) : null;
  const user = state.users.find((/** @type {any} */ u) => u.id === r.created_by);
  return {
    id: r.id,
    key: r.key,
    description: r.description,
    status: r.status,
    type: 'code',
    ingestion_mode: r.mode,
    created_at: iso(r.created_at),
    created_by: user ? { id: user.id, email: user.email } : r.created_by,
    status_updated_at: iso(r.status_updated_at),
    parameters: r.parameters,
    result_data: r.result_data,
    template: t ? { id: t.id, key: t.key, name: t.name, description: t.description } : '',
    uploaded_file: r.uploaded_file,
  };
}

/**
 * Reads the uploaded file into code records. Throws a message on unreadable files.
 * @param {any} r
 */
function readFile(r) {
  if (!r.file) throw new Error('No file was uploaded.');
  const text = r.file.data.toString('utf8');
  if (r.parameters.filetype === 'json') {
    let data;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new Error(`Invalid JSON file: ${/** @type {Error} */ (err).message}`);
    }
    if (!Array.isArray(data)) throw new Error('The JSON file must hold an array of code objects.');
    return data;
  }
  const { header, records } = parseCsv(text);
  if (!header.includes('id')) throw new Error('The CSV file has no "id" column.');
  // Empty cells mean "no value" for that code.
  return records.map((rec) => Object.fromEntries(Object.entries(rec).filter(([, v]) => v !== '')));
}

/**
 * The background part of an ingestion: validate against the data, then create codes.
 * @param {any} rt
 * @param {any} r
 */
function processRecord(rt, r) {
  const state = rt.state;
  const p = r.parameters;
  /** @type {Record<string, string[]>[]} */
  const errors = [];
  let records = [];
  try {
    records = r.mode === 'file' ? readFile(r) : r.codes;
  } catch (err) {
    errors.push({ file_error: [/** @type {Error} */ (err).message] });
  }
  if (!errors.length && !records.length) errors.push({ file_error: ['The upload holds no codes.'] });

  const idErrors = [];
  const scmErrors = [];
  /** @type {Map<string, number>} */
  const seen = new Map();
  const duplicates = new Set();
  /** @type {{ id: string, data: Record<string, unknown> }[]} */
  const todo = [];
  for (const rec of records) {
    const e = codeErrors(rec, p.id_format);
    if (e) {
      idErrors.push(`${isDict(rec) && rec.id !== undefined ? rec.id : '?'}: ${Object.values(e)[0][0]}`);
      continue;
    }
    const id = String(rec.id);
    seen.set(id, (seen.get(id) || 0) + 1);
    if (seen.get(id) === 2) duplicates.add(id);
    if (state.codeByExt.has(id)) {
      // allow_posted_duplicates: IDs that already exist are skipped instead of failing.
      if (p.allow_posted_duplicates) continue;
      duplicates.add(id);
    }
    const { id: _id, ...own } = rec;
    const data = { ...(p.default_scm_data || {}), ...own };
    const se = checkScmData(state, data);
    for (const [field, msgs] of Object.entries(se)) scmErrors.push(`${id}: ${field}: ${msgs[0]}`);
    if (seen.get(id) === 1) todo.push({ id, data });
  }
  if (idErrors.length) errors.push({ id_error: idErrors });
  if (duplicates.size) errors.push({ duplicate_id_error: [...duplicates] });
  if (scmErrors.length) errors.push({ scm_data_error: scmErrors });
  if (errors.length) {
    r.status = 'error';
    r.result_data = { errors };
    return;
  }

  const now = rt.now();
  /** @param {any} wo @param {number} start */
  const create = (wo, start) => todo.map((t, i) => {
    const product = wo ? productById(state, wo.product) : undefined;
    const code = {
      id: state.nextIds.code++, extended_id: t.id,
      serial_number: (wo ? wo.use_serial_number : p.use_serial_number) ? String(state.nextSerial++) : null,
      status: wo && wo.activate_on_complete ? 1 : 0, blacklist_reason: 0,
      product: product ? product.id : null, campaign: product ? product.campaign : null, workorder: wo ? wo.id : null,
      scm: {}, activated_at: wo && wo.activate_on_complete ? now : null, activated_by: wo && wo.activate_on_complete ? r.created_by : null,
      scm_updated_at: null, scm_updated_by: null, created_at: now,
      sequence: start + i + 1, batch: Math.floor((start + i) / 20000) + 1, snapshot: null,
    };
    addCode(state, code);
    if (Object.keys(t.data).length) applyScmData(state, code, t.data, r.created_by, now);
    return code;
  });

  let workorderId = null;
  if (r.action === 'create-from-template') {
    const template = state.ingestionTemplates.find((/** @type {any} */ t) => t.key === r.template);
    const product = p.default_scm_data && p.default_scm_data.product !== undefined ? findProduct(state, p.default_scm_data.product) : undefined;
    const wo = createWorkorder(rt, {
      reference: `ING-${r.key}`, remarks: r.description || `Code ingestion ${r.key}`, quantity: todo.length,
      type: template.code_type, product: product ? product.id : null, template: template.id,
      activate_on_complete: template.activate_on_complete, use_serial_number: template.use_serial_number,
      printing_partner: p.printing_partner ?? null,
    }, false);
    create(wo, 0);
    // SID work orders are done; SSC ones now wait for the printing partner (WOSSC).
    wo.state = template.code_type === 'sid' ? 'completed' : 'new';
    wo.completed_at = template.code_type === 'sid' ? now : null;
    workorderId = wo.id;
  } else if (r.action === 'add-to-workorder') {
    const wo = state.workorders.find((/** @type {any} */ w) => w.ingestion_key === p.ingestion_key);
    const start = state.codes.filter((/** @type {any} */ c) => c.workorder === wo.id).length;
    create(wo, start);
    wo.quantity += todo.length;
    workorderId = wo.id;
  } else {
    create(null, 0);
  }
  r.status = 'completed';
  r.result_data = { workorder_id: workorderId, codes_created: todo.length };
}

/**
 * Runs a record from `pending` through `processing` to `completed`/`error`.
 * @param {any} rt
 * @param {any} r
 */
function scheduleRecord(rt, r) {
  const set = (/** @type {string} */ status) => {
    r.status = status;
    r.status_updated_at = rt.now();
  };
  set('pending');
  rt.schedule(rt.options.jobDelayMs / 2, () => set('processing'));
  rt.schedule(rt.options.jobDelayMs, () => {
    processRecord(rt, r);
    r.status_updated_at = rt.now();
  });
}

/**
 * The shared part of the three create endpoints.
 * @param {any} ctx
 * @param {'create-from-template' | 'add-to-workorder' | 'add-sids'} action
 */
function createIngestion(ctx, action) {
  const { state, rt } = ctx;
  const body = ctx.body;
  if (!isDict(body)) throw badRequest({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(body)}.`] });
  /** @type {Record<string, unknown>} */
  const errors = {};
  const mode = body.mode ?? 'api';
  if (!['api', 'file'].includes(mode)) errors.mode = [`"${mode}" is not a valid choice.`];
  const filetype = body.filetype ?? 'csv';
  if (mode === 'file' && !['csv', 'json'].includes(filetype)) errors.filetype = [`"${filetype}" is not a valid choice.`];
  const idFormat = body.id_format ?? 'default';
  if (action !== 'create-from-template' && !['gs1', 'default'].includes(idFormat)) errors.id_format = [`"${idFormat}" is not a valid choice.`];
  if (body.default_scm_data !== undefined && body.default_scm_data !== null && !isDict(body.default_scm_data)) {
    errors.default_scm_data = [MESSAGES.dict(body.default_scm_data)];
  }
  if (body.description !== undefined && body.description !== null && typeof body.description !== 'string') errors.description = [MESSAGES.string];
  /** @param {string} name */
  const boolField = (name) => {
    if (body[name] === undefined) return false;
    const b = toBool(body[name]);
    if (b === undefined) errors[name] = [MESSAGES.boolean];
    return !!b;
  };
  const allowDuplicates = action === 'create-from-template' ? false : boolField('allow_posted_duplicates');

  let printingPartner = null;
  if (body.printing_partner !== undefined && body.printing_partner !== null && action !== 'add-to-workorder') {
    const id = toInt(body.printing_partner);
    if (id === undefined) errors.printing_partner = [MESSAGES.integer];
    else if (id !== state.printingPartner.id) errors.printing_partner = [MESSAGES.pk(id)];
    else printingPartner = id;
  }
  let template = null;
  if (action === 'create-from-template') {
    const key = body.template;
    if (key === undefined || key === null || key === '') errors.template = [key === undefined ? MESSAGES.required : MESSAGES.blank];
    else {
      template = state.ingestionTemplates.find((/** @type {any} */ t) => t.key === String(key));
      if (!template) errors.template = [`Object with key=${key} does not exist.`];
      else if (template.requires_printing_partner && printingPartner === null && !errors.printing_partner) {
        errors.printing_partner = ['This field is required for SSC templates.'];
      }
    }
  }
  if (action === 'add-to-workorder') {
    const key = body.ingestion_key;
    if (key === undefined || key === null || key === '') errors.ingestion_key = [key === undefined ? MESSAGES.required : MESSAGES.blank];
    else if (!state.workorders.some((/** @type {any} */ w) => w.ingestion_key === String(key))) {
      errors.ingestion_key = ['No work order has this ingestion key.'];
    }
  }
  let urlPrefix = null;
  if (action === 'add-sids' && body.url_prefix !== undefined && body.url_prefix !== null) {
    if (typeof body.url_prefix !== 'string') errors.url_prefix = [MESSAGES.string];
    else urlPrefix = body.url_prefix;
  }

  const codes = body.codes;
  if (mode === 'api') {
    if (codes === undefined || codes === null) errors.codes = ['This field is required when mode is "api".'];
    else if (!Array.isArray(codes)) errors.codes = [MESSAGES.list(codes)];
    else if (!codes.length) errors.codes = ['This list may not be empty.'];
    else if (codes.length > MAX_API_CODES) errors.codes = [`Ensure this field has no more than ${MAX_API_CODES} elements.`];
    else {
      const perCode = codes.map((c) => codeErrors(c, idFormat) || {});
      if (perCode.some((e) => Object.keys(e).length)) errors.codes = perCode;
    }
  }
  if (Object.keys(errors).length) throw badRequest(errors);

  const now = rt.now();
  const r = {
    id: state.nextIds.ingestion++,
    key: newKey(rt),
    description: body.description || '',
    action,
    mode,
    status: 'uploading',
    created_at: now,
    created_by: state.users[0].id,
    status_updated_at: now,
    template: template ? template.key : null,
    parameters: {
      action,
      ...(mode === 'file' ? { filetype } : {}),
      default_scm_data: body.default_scm_data || {},
      use_serial_number: template ? template.use_serial_number : true,
      id_format: idFormat,
      ...(urlPrefix !== null ? { url_prefix: urlPrefix } : {}),
      ...(printingPartner !== null ? { printing_partner: printingPartner } : {}),
      ...(action !== 'create-from-template' ? { allow_posted_duplicates: allowDuplicates } : {}),
      ...(action === 'add-to-workorder' ? { ingestion_key: String(body.ingestion_key) } : {}),
    },
    result_data: {},
    uploaded_file: /** @type {string | null} */ (null),
    codes: mode === 'api' ? codes : null,
    /** @type {{ data: Buffer, filename: string } | null} */
    file: null,
  };
  state.ingestions.push(r);
  if (mode === 'api') {
    scheduleRecord(rt, r);
    return { status: 201, body: { record_key: r.key } };
  }
  const objectKey = `ingestion/${r.key}/codes.${filetype}`;
  const upload = rt.files.presignPost(objectKey, UPLOAD_TTL_SECONDS, (/** @type {any} */ file) => {
    r.file = file;
    r.uploaded_file = `${rt.files.url}/${rt.files.BUCKET}/${objectKey}`;
  });
  return { status: 201, body: { record_key: r.key, url: upload.url, fields: upload.fields } };
}

/** @param {any} rt */
module.exports = (rt) => {
  /** @param {'create-from-template' | 'add-to-workorder' | 'add-sids'} action */
  const create = (action) => ({
    path: `/api/v2/ingestion/codes/${action}/`,
    methods: { POST: { perms: PERMS.ingestionCreate, handler: (/** @type {any} */ ctx) => createIngestion(ctx, action) } },
  });
  return [
    create('create-from-template'),
    create('add-to-workorder'),
    create('add-sids'),
    {
      path: '/api/v2/ingestion/codes/process-from-file/',
      methods: {
        POST: {
          perms: PERMS.ingestionCreate,
          handler: (/** @type {any} */ ctx) => {
            const body = ctx.body;
            if (!isDict(body)) throw badRequest({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(body)}.`] });
            if (body.record === undefined || body.record === null || body.record === '') {
              throw badRequest({ record: [body.record === undefined ? MESSAGES.required : MESSAGES.blank] });
            }
            const r = ctx.state.ingestions.find((/** @type {any} */ x) => x.key === String(body.record));
            if (!r) throw badRequest({ record: ['Invalid record'] });
            if (r.mode !== 'file' || r.status !== 'uploading') {
              throw badRequest({ record: ["Only code ingestion records of type 'file' in state 'uploading' can be processed."] });
            }
            scheduleRecord(ctx.rt, r);
            return { body: { record_key: r.key } };
          },
        },
      },
    },
    {
      path: '/api/v2/ingestion/templates/',
      // Not in Scantrust's documentation (seen in client code only): a server may not have it.
      offered: (/** @type {any} */ rt) => rt.options.ingestionTemplates,
      methods: {
        GET: {
          perms: PERMS.ingestionView,
          handler: (/** @type {any} */ ctx) => ({ body: paginate(ctx, ctx.state.ingestionTemplates, (/** @type {any} */ t) => ({ ...t })) }),
        },
      },
    },
    {
      path: '/api/v2/ingestion/',
      methods: {
        GET: {
          perms: PERMS.ingestionView,
          handler: (/** @type {any} */ ctx) => {
            const q = ctx.query;
            let items = ctx.state.ingestions;
            for (const [param, get] of /** @type {[string, (r: any) => string][]} */ ([
              ['type', () => 'code'], ['status', (r) => r.status], ['ingestion_mode', (r) => r.mode]])) {
              const v = q.get(param);
              if (v) items = items.filter((/** @type {any} */ r) => get(r) === v);
            }
            items = order(items, q.get('ordering'), {
              id: (/** @type {any} */ r) => r.id,
              created_at: (/** @type {any} */ r) => r.created_at,
              status_updated_at: (/** @type {any} */ r) => r.status_updated_at,
            }, '-created_at,-id');
            return { body: paginate(ctx, items, (/** @type {any} */ r) => renderRecord(ctx.state, r)) };
          },
        },
      },
    },
    {
      path: '/api/v2/ingestion/:key/',
      methods: {
        GET: {
          perms: PERMS.ingestionView,
          handler: (/** @type {any} */ ctx) => {
            const r = ctx.state.ingestions.find((/** @type {any} */ x) => x.key === ctx.params.key);
            if (!r) throw notFound();
            return { body: renderRecord(ctx.state, r) };
          },
        },
      },
    },
  ];
};
