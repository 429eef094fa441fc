// Every operation of every node reads each item's parameters once, up front: n8n evaluates an
// expression on every getNodeParameter call (about a millisecond per value), and a parameter read
// after the first request cannot be checked before anything is sent. Each case runs the real node
// through n8n-core against the sandbox with two input items and counts the node's reads per
// (parameter, item).
const { loadNode, runNode, sandboxCredential } = require('../../harness/n8n');
const { useSandbox, apiRequests } = require('../../helpers/sandbox');

const getSandbox = useSandbox({ jobDelayMs: 100 });
let sandbox;
beforeEach(() => {
	sandbox = getSandbox();
	sandbox.reset();
});

/**
 * Parameters that hold for the whole execution (they pick what the node does, not one item's
 * input), read at index 0 wherever they are needed.
 */
const EXECUTION_WIDE = new Set(['operation', 'codesFrom', 'source']);

/** Wraps the node's execute so every getNodeParameter call on its context is recorded. */
function recordReads(type) {
	const node = loadNode(`n8n-nodes-scantrust.${type}`);
	const original = Object.getPrototypeOf(node).execute;
	const reads = [];
	node.execute = async function () {
		const get = this.getNodeParameter;
		this.getNodeParameter = (name, itemIndex, ...rest) => {
			reads.push({ name, itemIndex, afterRequest: apiRequests(sandbox).length > 0 });
			return get.call(this, name, itemIndex, ...rest);
		};
		return await original.call(this);
	};
	return { reads, restore: () => delete node.execute };
}

const byId = (id) => ({ __rl: true, mode: 'id', value: String(id) });
const byKey = (key) => ({ __rl: true, mode: 'key', value: key });
const two = (make) => [{ json: make(0) }, { json: make(1) }];
const codes = () => sandbox.state.codes.slice(0, 2);
const activeProducts = () => sandbox.state.products.filter((p) => !p.is_archived);
const workOrders = () => sandbox.state.workorders.filter((w) => w.state === 'completed');
/** Two code uploads started through the API itself, for the operations that read records. */
async function twoRecords() {
	const keys = [];
	for (const id of ['RO-REC-0', 'RO-REC-1']) {
		const response = await fetch(`${sandbox.apiUrl}/ingestion/codes/add-sids/`, {
			method: 'POST',
			headers: { Authorization: `UAT ${sandbox.tokens.full}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ mode: 'api', codes: [{ id }] }),
		});
		keys.push((await response.json()).record_key);
	}
	return two((n) => ({ key: keys[n] }));
}
const wait = { waitForCompletion: true, pollInterval: 1, timeout: 20 };

/** Each case: node, parameters (with expressions reading the item), input, version. */
const cases = {
	scantrustProduct: {
		create: () => ({
			parameters: { operation: 'create', sku: '={{ "RO-" + $json.n }}', name: '={{ "Read once " + $json.n }}', brand: byId(sandbox.state.brands[0].id), additionalFields: { description: 'x' } },
			input: two((n) => ({ n })),
		}),
		delete: () => ({ parameters: { operation: 'delete', product: byId('={{ $json.id }}') }, input: two((n) => ({ id: activeProducts()[n].id })) }),
		get: () => ({ parameters: { operation: 'get', product: byId('={{ $json.id }}') }, input: two((n) => ({ id: activeProducts()[n].id })), typeVersion: 1.1 }),
		getMany: () => ({ parameters: { operation: 'getMany', limit: 3, filters: {} }, input: two(() => ({})), typeVersion: 1.1 }),
		update: () => ({
			parameters: { operation: 'update', product: byId('={{ $json.id }}'), updateFields: { description: '={{ "d" + $json.id }}' } },
			input: two((n) => ({ id: activeProducts()[n].id })),
		}),
	},
	scantrustWorkOrder: {
		create: () => ({
			parameters: { operation: 'create', reference: '={{ "WO-RO-" + $json.n }}', quantity: 5, product: byId(activeProducts()[0].id), activateOnComplete: false, useSerialNumber: true, ...wait, additionalFields: {} },
			input: two((n) => ({ n })),
		}),
		downloadCodes: () => ({ parameters: { operation: 'downloadCodes', workOrder: byId('={{ $json.id }}'), binaryPropertyName: 'codes', ...wait }, input: two((n) => ({ id: workOrders()[n].id })) }),
		get: () => ({ parameters: { operation: 'get', workOrder: byId('={{ $json.id }}') }, input: two((n) => ({ id: workOrders()[n].id })) }),
		getMany: () => ({ parameters: { operation: 'getMany', limit: 3, filters: {} }, input: two(() => ({})) }),
		getTemplates: () => ({ parameters: { operation: 'getTemplates', limit: 3 }, input: two(() => ({})) }),
		waitForCompletion: () => ({ parameters: { operation: 'waitForCompletion', workOrder: byId('={{ $json.id }}'), pollInterval: 1, timeout: 20 }, input: two((n) => ({ id: workOrders()[n].id })) }),
	},
	scantrustScmData: {
		update: () => ({
			parameters: { operation: 'update', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', mappingMode: 'defineBelow', fields: { field: [{ key: 'lot_number', value: '={{ $json.lot }}' }] }, options: {} },
			input: two((n) => ({ ext: codes()[n].extended_id, lot: `L${n}` })),
		}),
		updateAsync: () => ({
			parameters: {
				operation: 'updateAsync',
				constraints: { constraint: [{ field: 'extended_id', values: '={{ $json.ext }}' }] },
				fields: { field: [{ key: 'lot_number', value: '={{ $json.lot }}' }] },
				waitForCompletion: true,
				options: { pollInterval: 1, timeout: 30 },
			},
			input: two((n) => ({ ext: codes()[n].extended_id, lot: `L${n}` })),
		}),
	},
	scantrustCode: {
		activate: () => ({ parameters: { operation: 'activate', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', options: {} }, input: two((n) => ({ ext: codes()[n].extended_id })) }),
		deactivate: () => ({ parameters: { operation: 'deactivate', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', options: {} }, input: two((n) => ({ ext: codes()[n].extended_id })) }),
		blacklist: () => ({ parameters: { operation: 'blacklist', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', reason: 4, options: {} }, input: two((n) => ({ ext: codes()[n].extended_id })) }),
		assignToProduct: () => ({
			parameters: { operation: 'assignToProduct', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', product: byId(activeProducts()[0].id), options: {} },
			input: two((n) => ({ ext: codes()[n].extended_id })),
		}),
		updateFields: () => ({
			parameters: { operation: 'updateFields', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', mappingMode: 'defineBelow', fields: { field: [{ key: 'lot_number', value: '={{ $json.lot }}' }] }, options: {} },
			input: two((n) => ({ ext: codes()[n].extended_id, lot: `L${n}` })),
		}),
		get: () => ({ parameters: { operation: 'get', dataKey: 'extended_id', extendedId: '={{ $json.ext }}', options: { pollInterval: 1 } }, input: two((n) => ({ ext: codes()[n].extended_id })) }),
		export: () => ({ parameters: { operation: 'export', filters: { workorder: '={{ $json.wo }}' }, options: { pollInterval: 1 } }, input: two((n) => ({ wo: workOrders()[n].id })) }),
		'export (version 1.1)': () => ({
			parameters: { operation: 'export', filters: { workorder: '={{ $json.wo }}' }, binaryPropertyName: 'codes', options: { pollInterval: 1 } },
			input: two((n) => ({ wo: workOrders()[n].id })),
			typeVersion: 1.1,
		}),
		'blacklist (codes of a work order)': () => ({
			parameters: { operation: 'blacklist', codesFrom: 'workOrder', workOrder: byId('={{ $json.id }}'), reason: 9, options: { pollInterval: 1, timeout: 60 } },
			input: two((n) => ({ id: workOrders()[n].id })),
		}),
		'activate (codes of a product)': () => ({
			parameters: { operation: 'activate', codesFrom: 'product', codesOfProduct: byId('={{ $json.id }}'), waitForCompletion: false, options: { pollInterval: 1, timeout: 60 } },
			input: two((n) => ({ id: activeProducts()[n].id })),
		}),
	},
	scantrustCodeUpload: {
		createFromTemplate: () => ({
			parameters: { operation: 'createFromTemplate', template: byKey('sid-pre-print'), source: 'items', codeIdField: 'id', scmData: 'none', options: {}, ...wait },
			input: two((n) => ({ id: `RO-TEMPLATE-${n}` })),
		}),
		'addSids (from files)': () => ({
			parameters: { operation: 'addSids', source: 'file', binaryPropertyName: 'data', fileType: 'auto', options: {}, ...wait },
			input: [0, 1].map((n) => ({
				json: {},
				binary: { data: { data: Buffer.from(`id\r\nRO-FILE-CODE-${n}\r\n`).toString('base64'), mimeType: 'text/csv', fileName: 'codes.csv' } },
			})),
		}),
		addSids: () => ({ parameters: { operation: 'addSids', source: 'items', codeIdField: 'id', scmData: 'none', options: {}, waitForCompletion: false }, input: two((n) => ({ id: `RO-SIDS-CODE-${n}` })) }),
		addToWorkOrder: () => ({
			parameters: { operation: 'addToWorkOrder', workOrder: byId(workOrders()[0].id), source: 'items', codeIdField: 'id', scmData: 'none', options: {}, waitForCompletion: false },
			input: two((n) => ({ id: `RO-WORKORDER-${n}` })),
		}),
		getRecord: async () => ({ parameters: { operation: 'getRecord', record: byKey('={{ $json.key }}') }, input: await twoRecords() }),
		getManyRecords: () => ({ parameters: { operation: 'getManyRecords', limit: 3, filters: {} }, input: two(() => ({})) }),
		waitForCompletion: async () => ({ parameters: { operation: 'waitForCompletion', record: byKey('={{ $json.key }}'), pollInterval: 1, timeout: 20 }, input: await twoRecords() }),
	},
	scantrustScan: {
		getMany: () => ({ parameters: { operation: 'getMany', timeRange: '1y', limit: 3, simplify: true }, input: two(() => ({})), typeVersion: 1.1 }),
	},
};

const all = Object.entries(cases).flatMap(([type, operations]) => Object.keys(operations).map((operation) => [type, operation]));

test.each(all)('%s → %s reads each item parameter once, before any request', async (type, operation) => {
	const { parameters, input, typeVersion } = await cases[type][operation]();
	sandbox.log.length = 0;
	const { reads, restore } = recordReads(type);
	let result;
	try {
		result = await runNode({ type, parameters, input, typeVersion, credentials: sandboxCredential(sandbox) });
	} finally {
		restore();
	}
	expect(result.error?.message).toBeUndefined();
	const counts = new Map();
	const late = new Set();
	for (const { name, itemIndex, afterRequest } of reads) {
		if (EXECUTION_WIDE.has(name) && itemIndex === 0) continue;
		const key = `${name}#${itemIndex}`;
		counts.set(key, (counts.get(key) ?? 0) + 1);
		if (afterRequest) late.add(key);
	}
	expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
	expect([...late]).toEqual([]);
	// Both items were read: the count is per item, not "once for the run".
	expect([...counts.keys()].some((key) => key.endsWith('#1'))).toBe(true);
});
