// The router: each item's input is read once (validate) and handed to the operation; cross-item
// checks and continue-on-fail. Operations here are scripted; the nodes' own tests run the real ones.
const { NodeOperationError } = require('n8n-workflow');
const { runOperation } = require('../../../dist/nodes/shared/router');

const node = { id: 'n', name: 'Scantrust', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} };

/** A context whose parameters are per-item values; counts how often each one is read. */
function context(parametersPerItem, continueOnFail = false) {
	const reads = new Map();
	return {
		reads,
		getNode: () => node,
		getInputData: () => parametersPerItem.map(() => ({ json: {} })),
		continueOnFail: () => continueOnFail,
		getNodeParameter: (name, itemIndex, fallback) => {
			const key = `${name}#${itemIndex}`;
			reads.set(key, (reads.get(key) ?? 0) + 1);
			const item = name === 'operation' ? { operation: 'op' } : parametersPerItem[itemIndex];
			return name in item ? item[name] : fallback;
		},
	};
}

test('what validate returns for an item is handed to execute: nothing is read twice', async () => {
	const seen = [];
	const ctx = context([{ v: 'a' }, { v: 'b' }]);
	const op = {
		description: [],
		validate(i) {
			return { read: this.getNodeParameter('v', i) };
		},
		async execute(i, input) {
			seen.push([i, input]);
			return { ok: input.read };
		},
	};
	const [out] = await runOperation.call(ctx, { op });
	expect(seen).toEqual([[0, { read: 'a' }], [1, { read: 'b' }]]);
	expect(out.map((o) => o.json.ok)).toEqual(['a', 'b']);
	expect([...ctx.reads.entries()].filter(([k]) => k.startsWith('v#'))).toEqual([['v#0', 1], ['v#1', 1]]);
});

test('a batch operation gets every valid item\'s input in order', async () => {
	const ctx = context([{ v: 1 }, { v: 2 }, { v: 3 }]);
	const op = {
		description: [],
		validate(i) {
			return this.getNodeParameter('v', i) * 10;
		},
		async executeBatch(indexes, inputs) {
			return indexes.map((i, k) => ({ json: { value: inputs[k] }, pairedItem: { item: i } }));
		},
	};
	const [out] = await runOperation.call(ctx, { op });
	expect(out.map((o) => o.json.value)).toEqual([10, 20, 30]);
});

describe('cross-item checks (validateAll)', () => {
	const duplicates = {
		description: [],
		validate(i) {
			return this.getNodeParameter('key', i);
		},
		validateAll(indexes, inputs) {
			const seen = new Map();
			for (const i of indexes) {
				const key = inputs.get(i);
				if (seen.has(key)) throw new NodeOperationError(node, `Item ${i}: "Key" "${key}" is also used by item ${seen.get(key)}`, { itemIndex: i });
				seen.set(key, i);
			}
		},
		async execute(i, key) {
			return { key };
		},
	};

	test('without continue on fail the first offending item stops the run before anything runs', async () => {
		const ctx = context([{ key: 'a' }, { key: 'a' }, { key: 'b' }]);
		const error = await runOperation.call(ctx, { op: duplicates }).catch((e) => e);
		expect(error.message).toBe('Item 1: "Key" "a" is also used by item 0');
		expect(error.context.itemIndex).toBe(1);
	});

	test('with continue on fail each offending item is a paired error item and the rest run', async () => {
		const ctx = context([{ key: 'a' }, { key: 'a' }, { key: 'b' }, { key: 'b' }, { key: 'a' }, { key: 'c' }], true);
		const [out] = await runOperation.call(ctx, { op: duplicates });
		expect(out.map((o) => o.pairedItem.item)).toEqual([0, 1, 2, 3, 4, 5]);
		expect(out.map((o) => o.json.key ?? 'error')).toEqual(['a', 'error', 'b', 'error', 'error', 'c']);
		expect(out[4].json.error).toBe('Item 4: "Key" "a" is also used by item 0');
		expect(out[4].error.context.itemIndex).toBe(4);
	});
});
