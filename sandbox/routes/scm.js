// @ts-check
'use strict';

// SCM data upload (scantrust-api.md §3, §4): sync POST scm/upload/, async
// POST scm/upload/async/ and GET scm/tasks/{id}/. Both uploads share the scm_update
// throttle scope (10 requests per second).

const { badRequest, HttpError, notFound, pyType, MESSAGES, iso } = require('../drf');
const { PERMS } = require('../auth');
const { allScmKeys, checkScmData, applyScmData, findCodesBy } = require('../model');
const { gatewayPage, sleep } = require('../server');

/** Largest `items` list one sync call accepts. */
const MAX_SYNC_ITEMS = 1000;

/** @param {unknown} v */
const isDict = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** @param {any} ctx */
function requireDict(ctx) {
  const body = ctx.body;
  if (!isDict(body)) throw badRequest({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(body)}.`] });
  return body;
}

/**
 * The keys a code can be selected by: extended_id, serial_number or any SCM field key.
 * @param {any} state
 */
const selectorKeys = (state) => ['extended_id', 'serial_number', ...allScmKeys(state)];

/** @param {any} task */
function renderTask(task) {
  return {
    id: task.id,
    reference: task.reference,
    state: task.state,
    codes_affected: task.codes_affected,
    created_by: task.created_by,
    created_at: iso(task.created_at),
    started_at: iso(task.started_at),
    completed_at: iso(task.completed_at),
  };
}

/** @param {any} rt */
module.exports = (rt) => [
  {
    path: '/api/v2/scm/upload/',
    methods: {
      POST: {
        perms: PERMS.scmUpload,
        scope: 'scm_update',
        handler: async (/** @type {any} */ ctx) => {
          const state = ctx.state;
          const body = requireDict(ctx);
          /** @type {Record<string, unknown>} */
          const errors = {};
          const dataKey = body.data_key === undefined ? 'extended_id' : body.data_key;
          if (typeof dataKey !== 'string' || !selectorKeys(state).includes(dataKey)) {
            errors.data_key = [`"${dataKey}" is not a valid choice.`];
          }
          const items = body.items;
          if (items === undefined) errors.items = [MESSAGES.required];
          else if (!Array.isArray(items)) errors.items = [MESSAGES.list(items)];
          else if (!items.length) errors.items = ['This list may not be empty.'];
          else if (items.length > MAX_SYNC_ITEMS) errors.items = [`Ensure this field has no more than ${MAX_SYNC_ITEMS} elements.`];
          if (Object.keys(errors).length) throw badRequest(errors);

          // Per-item errors in DRF's list shape: {} for valid items.
          let anyItemError = false;
          const itemErrors = items.map((/** @type {unknown} */ item) => {
            if (!isDict(item)) {
              anyItemError = true;
              return { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pyType(item)}.`] };
            }
            const e = checkScmData(state, /** @type {any} */ (item));
            const key = /** @type {any} */ (item)[dataKey];
            if (key === undefined || key === null || String(key).trim() === '') e[dataKey] = [key === undefined ? MESSAGES.required : MESSAGES.blank];
            if (Object.keys(e).length) anyItemError = true;
            return e;
          });
          // DRF reports list items' errors either as a list aligned with the items (a nested
          // serializer with many=True) or, for a ListField, as an object keyed by index with the
          // failing items only. Which one Scantrust uses is not documented: `scmItemErrors`.
          if (anyItemError) {
            if (ctx.rt.options.scmItemErrors === 'indexed') {
              /** @type {Record<string, unknown>} */
              const byIndex = {};
              itemErrors.forEach((/** @type {any} */ e, /** @type {number} */ i) => {
                if (Object.keys(e).length) byIndex[String(i)] = e;
              });
              throw badRequest({ items: byIndex });
            }
            throw badRequest({ items: itemErrors });
          }

          // Lookups by an SCM field are slow; with the scmSlow fault they take
          // items × msPerItem and, past the gateway timeout, end in a 504 with nothing applied.
          const slow = ctx.rt.faults.scmSlow();
          if (slow && !['extended_id', 'serial_number'].includes(dataKey)) {
            const took = items.length * slow.msPerItem;
            if (took >= slow.timeoutMs) {
              ctx.entry.faulted = 'scm-timeout';
              await sleep(slow.timeoutMs);
              throw new HttpError(504, gatewayPage(504));
            }
            await sleep(took);
          }

          const now = ctx.rt.now();
          /** @type {Record<string, string[]>} */
          const updated = {};
          /** @type {any[]} */
          const changes = [];
          const affected = new Set();
          for (const item of items) {
            const keyValue = String(item[dataKey]).trim();
            const { [dataKey]: _key, ...data } = item;
            for (const code of findCodesBy(state, dataKey, keyValue)) {
              const r = applyScmData(state, code, data, ctx.user.id, now);
              const fields = updated[keyValue] || (updated[keyValue] = []);
              for (const f of r.applied) if (!fields.includes(f)) fields.push(f);
              for (const c of r.changes) changes.push({ extended_id: code.extended_id, field: c.field, old_value: c.old, new_value: c.new });
              affected.add(code);
            }
          }
          return { body: { total_updates: changes.length, changes, items: updated, codes_affected: affected.size } };
        },
      },
    },
  },
  {
    path: '/api/v2/scm/upload/async/',
    methods: {
      POST: {
        perms: PERMS.scmUpload,
        scope: 'scm_update',
        handler: (/** @type {any} */ ctx) => {
          const state = ctx.state;
          const body = requireDict(ctx);
          /** @type {Record<string, unknown>} */
          const errors = {};
          const { constraints, scm_data: scmData } = body;
          if (constraints === undefined) errors.constraints = [MESSAGES.required];
          else if (!isDict(constraints)) errors.constraints = [MESSAGES.dict(constraints)];
          else if (!Object.keys(constraints).length) errors.constraints = ['This dictionary may not be empty.'];
          else {
            const bad = Object.keys(constraints).filter((k) => !selectorKeys(state).includes(k));
            if (bad.length) errors.constraints = bad.map((k) => `Invalid constraint "${k}": use extended_id, serial_number or an SCM field key.`);
          }
          if (scmData === undefined) errors.scm_data = [MESSAGES.required];
          else if (!isDict(scmData)) errors.scm_data = [MESSAGES.dict(scmData)];
          else if (!Object.keys(scmData).length) errors.scm_data = ['This dictionary may not be empty.'];
          if (Object.keys(errors).length) throw badRequest(errors);

          const now = ctx.rt.now();
          const task = {
            id: ctx.rt.uuid(),
            reference: `scm-async-${String(state.scmTasks.size + 1).padStart(6, '0')}`,
            state: 'pending',
            codes_affected: 0,
            created_by: ctx.user.id,
            created_at: now,
            started_at: null,
            completed_at: null,
          };
          state.scmTasks.set(task.id, task);
          const delay = ctx.rt.options.jobDelayMs;
          ctx.rt.schedule(delay / 2, () => {
            task.state = 'in-progress';
            task.started_at = ctx.rt.now();
          });
          ctx.rt.schedule(delay, () => {
            // Value errors (an unknown product, a bad status) are found in the background:
            // the task fails and changes nothing.
            if (Object.keys(checkScmData(state, scmData)).length) {
              task.state = 'failed';
              task.completed_at = ctx.rt.now();
              return;
            }
            // Several constraints are ANDed; a list value matches any of its entries.
            /** @type {any[] | null} */
            let codes = null;
            for (const [key, raw] of Object.entries(constraints)) {
              const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v).trim());
              const found = new Set(values.flatMap((v) => findCodesBy(state, key, v)));
              codes = codes === null ? [...found] : codes.filter((c) => found.has(c));
            }
            const at = ctx.rt.now();
            let affected = 0;
            for (const code of codes || []) {
              if (applyScmData(state, code, scmData, ctx.user.id, at).applied.length) affected++;
            }
            task.codes_affected = affected;
            task.state = 'complete';
            task.completed_at = at;
          });
          return { body: { task_id: task.id } };
        },
      },
    },
  },
  {
    path: '/api/v2/scm/tasks/:id/',
    methods: {
      GET: {
        perms: PERMS.scmTask,
        handler: (/** @type {any} */ ctx) => {
          const task = ctx.state.scmTasks.get(ctx.params.id);
          if (!task) throw notFound();
          return { body: renderTask(task) };
        },
      },
    },
  },
];
