// The generic input checks in nodes/shared/validate.ts: every message names the item and the field.
const { codeIdentifier, fieldKey, integerInRange } = require('../../../dist/nodes/shared/validate');

const context = { getNode: () => ({ name: 'Scantrust', type: 'x', typeVersion: 1, parameters: {}, position: [0, 0], id: '1' }) };
const message = (fn) => {
	try {
		fn();
	} catch (error) {
		return error.message;
	}
	return undefined;
};

describe('codeIdentifier', () => {
	test.each(['i6fEuxzKFPTN', '1000000001', '(01)09506000134352(21)AB-12', '  Trimmed123  '])('accepts %j', (value) => {
		expect(codeIdentifier(context, 0, value, 'Extended ID')).toBe(value.trim());
	});
	test.each([
		['', /Item 2: "Extended ID" is empty/],
		[null, /is empty/],
		['AB CD', /must not contain spaces/],
		['AB\tCD', /must not contain spaces/],
		['AB\u0007CD', /control characters/],
		['https://qr.example.com/q/i6fEuxzKFPTN', /looks like a URL/],
	])('refuses %j', (value, pattern) => {
		expect(message(() => codeIdentifier(context, 2, value, 'Extended ID'))).toMatch(pattern);
	});
});

describe('integerInRange', () => {
	test.each([[0], ['2'], [' 1 ']])('accepts %j for 0..2', (value) => {
		expect(integerInRange(context, 0, value, 'Status', 0, 2)).toBe(Number(String(value).trim()));
	});
	test.each([[3], ['-1'], ['1.5'], [''], ['one'], [null]])('refuses %j for 0..2', (value) => {
		expect(message(() => integerInRange(context, 1, value, 'Status', 0, 2))).toMatch(
			/^Item 1: "Status" must be a whole number from 0 to 2/,
		);
	});
});

describe('fieldKey', () => {
	test('accepts slugs', () => expect(fieldKey(context, 0, ' lot_number ', 'Key')).toBe('lot_number'));
	test.each(['lot number', 'lot.number', 'a/b', ''])('refuses %j', (value) => {
		expect(message(() => fieldKey(context, 0, value, 'Key'))).toMatch(/^Item 0: "Key"/);
	});
});
