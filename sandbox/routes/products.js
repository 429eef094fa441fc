// @ts-check
'use strict';

// /api/v2/me/, /api/v2/brands/ and /api/v2/products/ (scantrust-api.md §1.2, §2).

const { Validator, badRequest, notFound, paginate, order, search, queryBool, MESSAGES, toInt } = require('../drf');
const { PERMS } = require('../auth');
const { renderProduct, companyShort, codeChanged } = require('../model');

const PRODUCT_ORDERING = {
  id: (/** @type {any} */ p) => p.id,
  sku: (/** @type {any} */ p) => p.sku,
  name: (/** @type {any} */ p) => p.name,
  creation_date: (/** @type {any} */ p) => p.creation_date,
};

/** @param {any} ctx */
function getProduct(ctx) {
  const id = toInt(ctx.params.id);
  const product = id === undefined ? undefined : ctx.state.products.find((/** @type {any} */ p) => p.id === id);
  if (!product) throw notFound();
  return product;
}

/**
 * Validates a product body. `partial` is PATCH. Unknown keys are ignored, like DRF.
 * @param {any} ctx
 * @param {any} existing the product being updated, or null on create
 * @param {boolean} partial
 */
function validateProduct(ctx, existing, partial) {
  const data = ctx.body;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw badRequest({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${Array.isArray(data) ? 'list' : typeof data === 'string' ? 'str' : 'NoneType'}.`] });
  }
  const { state } = ctx;
  const v = new Validator(data);
  /** @type {Record<string, any>} */
  const out = {};
  const sku = v.string('sku', { required: !partial, maxLength: 100 });
  if (sku !== undefined && sku !== null) {
    const clash = state.products.find((/** @type {any} */ p) => p.sku === sku && p !== existing);
    if (clash) v.add('sku', 'product with this sku already exists.');
    else out.sku = sku;
  }
  const name = v.string('name', { required: !partial, maxLength: 255 });
  if (name !== undefined && name !== null) out.name = name;
  const description = v.string('description', { allowBlank: true, allowNull: true });
  if (description !== undefined) out.description = description ?? '';
  const label = v.string('label', { allowBlank: true, allowNull: true, maxLength: 255 });
  if (label !== undefined) out.label = label ?? '';
  const clientUrl = v.string('client_url', { allowBlank: true, allowNull: true, maxLength: 1000 });
  if (clientUrl) {
    if (!/^https?:\/\/[^\s/$.?#][^\s]*$/i.test(clientUrl)) v.add('client_url', 'Enter a valid URL.');
    else out.client_url = clientUrl;
  } else if (clientUrl !== undefined) out.client_url = clientUrl ?? '';

  // `brand` takes a brand ID or a brand reference; `brand_id` is the deprecated form
  // (Jul 2021) and still honoured when `brand` is absent.
  const brandKey = 'brand' in data ? 'brand' : 'brand_id' in data ? 'brand_id' : null;
  if (brandKey) {
    const raw = data[brandKey];
    if (raw === null || raw === '') v.add(brandKey, raw === null ? MESSAGES.null : MESSAGES.blank);
    else if (typeof raw === 'number' || (typeof raw === 'string' && /^\d+$/.test(raw.trim()))) {
      const brand = state.brands.find((/** @type {any} */ b) => b.id === Number(raw));
      if (!brand) v.add(brandKey, MESSAGES.pk(raw));
      else out.brand = brand.id;
    } else if (typeof raw === 'string') {
      const brand = state.brands.find((/** @type {any} */ b) => b.reference === raw.trim());
      if (!brand) v.add(brandKey, `Object with reference=${raw.trim()} does not exist.`);
      else out.brand = brand.id;
    } else v.add(brandKey, `Incorrect type. Expected pk value, received ${typeof raw === 'boolean' ? 'bool' : Array.isArray(raw) ? 'list' : 'dict'}.`);
  } else if (!partial) {
    // Every product belongs to a brand (PU); see docs/sandbox-choices.md.
    v.add('brand', MESSAGES.required);
  }

  if ('campaign' in data) {
    const raw = data.campaign;
    if (raw === null || raw === '') out.campaign = null;
    else {
      const id = toInt(raw);
      const campaign = id === undefined ? undefined : state.campaigns.find((/** @type {any} */ c) => c.id === id);
      if (id === undefined) v.add('campaign', `Incorrect type. Expected pk value, received ${typeof raw === 'string' ? 'str' : typeof raw}.`);
      else if (!campaign) v.add('campaign', MESSAGES.pk(raw));
      else out.campaign = campaign.id;
    }
  }
  const archived = v.boolean('is_archived');
  if (archived !== undefined) out.is_archived = archived;
  v.done();
  return out;
}

/** @param {any} rt */
module.exports = (rt) => [
  {
    path: '/api/v2/me/',
    methods: {
      GET: {
        perms: PERMS.me,
        handler: (/** @type {any} */ ctx) => {
          const u = ctx.state.users[0];
          return { body: { id: u.id, email: u.email, first_name: u.first_name, last_name: u.last_name, company: companyShort(ctx.state.company) } };
        },
      },
    },
  },
  {
    path: '/api/v2/brands/',
    methods: {
      GET: {
        perms: PERMS.brands,
        handler: (/** @type {any} */ ctx) => {
          const items = order(search(ctx.state.brands, ctx.query.get('search'), (/** @type {any} */ b) => [b.name, b.reference]),
            ctx.query.get('ordering'), { id: (/** @type {any} */ b) => b.id, name: (/** @type {any} */ b) => b.name }, 'id');
          return { body: paginate(ctx, items, (/** @type {any} */ b) => ({ ...b })) };
        },
      },
    },
  },
  {
    path: '/api/v2/brands/:id/',
    methods: {
      GET: {
        perms: PERMS.brands,
        handler: (/** @type {any} */ ctx) => {
          const brand = ctx.state.brands.find((/** @type {any} */ b) => b.id === toInt(ctx.params.id));
          if (!brand) throw notFound();
          return { body: { ...brand } };
        },
      },
    },
  },
  {
    path: '/api/v2/products/',
    methods: {
      GET: {
        perms: PERMS.productView,
        handler: (/** @type {any} */ ctx) => {
          const q = ctx.query;
          // is_archived defaults to 0 (not archived), as documented.
          const archived = queryBool(q, 'is_archived') ?? false;
          let items = ctx.state.products.filter((/** @type {any} */ p) => p.is_archived === archived);
          const sku = q.get('sku__exact');
          if (sku !== null && sku !== '') items = items.filter((/** @type {any} */ p) => p.sku === sku);
          items = search(items, q.get('search'), (/** @type {any} */ p) => [p.sku, p.name]);
          items = order(items, q.get('ordering'), PRODUCT_ORDERING, 'id');
          return { body: paginate(ctx, items, (/** @type {any} */ p) => renderProduct(ctx.state, p)) };
        },
      },
      POST: {
        perms: PERMS.productCreate,
        handler: (/** @type {any} */ ctx) => {
          const fields = validateProduct(ctx, null, false);
          const { state } = ctx;
          const product = {
            id: state.nextIds.product++,
            uuid: ctx.rt.uuid(),
            sku: fields.sku, name: fields.name, description: fields.description ?? '', label: fields.label ?? '',
            image: null, brand: fields.brand, campaign: fields.campaign ?? null, creation_date: ctx.rt.now(),
            client_url: fields.client_url ?? '', is_archived: fields.is_archived ?? false, smartlabel: null,
          };
          state.products.push(product);
          return { status: 201, body: renderProduct(state, product) };
        },
      },
    },
  },
  {
    path: '/api/v2/products/:id/',
    methods: {
      GET: {
        perms: PERMS.productView,
        handler: (/** @type {any} */ ctx) => ({ body: renderProduct(ctx.state, getProduct(ctx)) }),
      },
      PUT: {
        perms: PERMS.productEdit,
        handler: (/** @type {any} */ ctx) => {
          const product = getProduct(ctx);
          Object.assign(product, validateProduct(ctx, product, false));
          return { body: renderProduct(ctx.state, product) };
        },
      },
      PATCH: {
        perms: PERMS.productEdit,
        handler: (/** @type {any} */ ctx) => {
          const product = getProduct(ctx);
          Object.assign(product, validateProduct(ctx, product, true));
          return { body: renderProduct(ctx.state, product) };
        },
      },
      DELETE: {
        perms: PERMS.productDelete,
        handler: (/** @type {any} */ ctx) => {
          const product = getProduct(ctx);
          const { state } = ctx;
          state.products.splice(state.products.indexOf(product), 1);
          // Codes keep existing without a product (on_delete=SET_NULL).
          for (const c of state.codes) {
            if (c.product === product.id) {
              c.product = null;
              codeChanged(state, c);
            }
          }
          return { status: 204 };
        },
      },
    },
  },
];
