// One factory defines every resource locator and one reader unwraps what n8n stores.
const { resourceLocator, unwrapLocator } = require('../../../dist/nodes/shared/locators');
const { loadNode } = require('../../harness/n8n');

test.each([
	[{ __rl: true, mode: 'sku', value: ' SKU-1 ' }, { mode: 'sku', value: 'SKU-1' }],
	[{ __rl: true, mode: 'list', value: 6326 }, { mode: 'list', value: '6326' }],
	[{ __rl: true, value: '7' }, { mode: 'id', value: '7' }],
	['  42 ', { mode: 'id', value: '42' }],
	[17, { mode: 'id', value: '17' }],
	[null, { mode: 'id', value: '' }],
	[undefined, { mode: 'id', value: '' }],
	[{ __rl: true, mode: 'list', value: null }, { mode: 'list', value: '' }],
])('unwrapLocator(%j) → %j', (stored, expected) => {
	expect(unwrapLocator(stored)).toEqual(expected);
});

test('the factory puts a searchable "From List" first and checks numeric modes', () => {
	const locator = resourceLocator({
		displayName: 'Thing',
		name: 'thing',
		searchListMethod: 'searchThings',
		required: true,
		modes: [
			{ displayName: 'By ID', name: 'id', placeholder: 'e.g. 1', numericMessage: 'A thing ID is a number' },
			{ displayName: 'By Key', name: 'key', placeholder: 'e.g. k' },
		],
	});
	expect(locator).toMatchObject({ type: 'resourceLocator', default: { mode: 'list', value: '' }, required: true });
	expect(locator.modes.map((m) => m.name)).toEqual(['list', 'id', 'key']);
	expect(locator.modes[0].typeOptions).toEqual({ searchListMethod: 'searchThings', searchable: true });
	const [regex] = locator.modes[1].validation;
	expect(new RegExp(regex.properties.regex).test(' 12 ')).toBe(true);
	expect(new RegExp(regex.properties.regex).test('12a')).toBe(false);
	expect(locator.modes[2].validation).toBeUndefined();
});

test('every resource locator of every node has the factory\'s shape, and its list method exists', () => {
	const types = ['scantrustProduct', 'scantrustCode', 'scantrustScmData', 'scantrustWorkOrder', 'scantrustCodeUpload', 'scantrustScan', 'scantrustTrigger'];
	let seen = 0;
	for (const type of types) {
		const loaded = loadNode(`n8n-nodes-scantrust.${type}`);
		const versions = loaded.nodeVersions ? Object.values(loaded.nodeVersions) : [loaded];
		for (const node of versions) {
			const walk = (properties) => {
				for (const property of properties ?? []) {
					if (property.type === 'resourceLocator') {
						seen++;
						expect([type, property.name, property.default]).toEqual([type, property.name, { mode: 'list', value: '' }]);
						expect(property.modes[0]).toMatchObject({ name: 'list', type: 'list', typeOptions: { searchable: true } });
						const method = property.modes[0].typeOptions.searchListMethod;
						expect([type, method, typeof node.methods?.listSearch?.[method]]).toEqual([type, method, 'function']);
					}
					walk(property.options);
					walk(property.values);
				}
			};
			walk(node.description.properties);
		}
	}
	expect(seen).toBeGreaterThanOrEqual(6);
});
