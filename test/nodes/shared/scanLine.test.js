// scanFieldsOf (nodes/shared/scanLine.ts): where a scan's uuid, datetime and timestamp are in its
// JSON bytes; read there they give what JSON.parse gives, or false (then the record is parsed instead).
const { ScanFields, scanFieldsOf } = require('../../../dist/nodes/shared/scanLine');

// One holder for every call, as for the scans of a page: nothing may carry over from the last one.
const fields = new ScanFields();
const fieldsOf = (text, pad = 'xyz') => {
	// Inside a larger buffer, as in a slab: nothing outside [start, end) may be read.
	const bytes = Buffer.from(`${pad}${text}"}]{${pad}`, 'utf8');
	const start = Buffer.byteLength(pad);
	if (!scanFieldsOf(bytes, start, start + Buffer.byteLength(text), fields)) return undefined;
	const read = (span) => (span.start < 0 ? undefined : bytes.toString('utf8', span.start, span.end));
	const timestamp = read(fields.timestamp);
	return { uuid: read(fields.uuid), datetime: read(fields.datetime), timestamp: timestamp === undefined ? undefined : Number(timestamp) };
};
/** What JSON.parse makes of the same fields (a value of another type counts as absent). */
const parsed = (text) => {
	const scan = JSON.parse(text).scan;
	const pick = (v, type) => (typeof v === type ? v : undefined);
	return scan && typeof scan === 'object'
		? { uuid: pick(scan.uuid, 'string'), datetime: pick(scan.datetime, 'string'), timestamp: pick(scan.timestamp, 'number') }
		: { uuid: undefined, datetime: undefined, timestamp: undefined };
};

test.each([
	'{"scan":{"uuid":"u-1","datetime":"2026-01-31T08:00:00.123456Z","timestamp":1769846400.123456,"app":"x"},"code":{"uuid":"not this"}}',
	'{"product":{"scan":{"uuid":"nested, not this"}},"scan":{"timestamp":-12.5e2,"uuid":"u-2"}}',
	'{ "scan" : { "uuid" : "u-3" , "datetime" : null , "timestamp" : "1700000000" } , "z" : [ "}" , "\\"" ] }',
	'{"scan":{"uuid":"first"},"scan":{"uuid":"second wins"}}',
	'{"scan":{"uuid":"a","datetime":"2026-01-01T00:00:00Z","timestamp":1},"scan":{"uuid":"b"}}',
	'{"scan":"not an object"}',
	'{"scan":null,"other":{"uuid":"x"}}',
	'{"scan":{"uuid":123,"datetime":["2026"],"timestamp":true}}',
	'{"scan":{"utid":"utid-ü✓","uuid":"ünïcødé-uuid","flags":[{"a":"]"}]}}',
	'{}',
	'{"scan":{}}',
])('%s', (text) => {
	expect(fieldsOf(text)).toEqual(parsed(text));
});

test('escapes where they matter are left to JSON.parse (undefined)', () => {
	expect(fieldsOf('{"sc\\u0061n":{"uuid":"u"}}')).toBeUndefined();
	expect(fieldsOf('{"scan":{"uuid":"u\\u002d1"}}')).toBeUndefined();
	expect(fieldsOf('{"scan":{"datetime":"2026-01-01T00:00:00\\u005a","uuid":"u"}}')).toBeUndefined();
	// An escape elsewhere is only skipped over.
	expect(fieldsOf('{"note":"say \\"hi\\" \\\\","scan":{"uuid":"u","app":"a\\\\"}}')).toEqual({ uuid: 'u', datetime: undefined, timestamp: undefined });
});

test('bytes that are not one JSON object give undefined', () => {
	expect(fieldsOf('[1]')).toBeUndefined();
	expect(fieldsOf('{"scan":{"uuid":"u"}')).toBeUndefined();
	expect(fieldsOf('{"scan" {"uuid":"u"}}')).toBeUndefined();
	expect(fieldsOf('{"scan":{"uuid":"u"} "x":1}')).toBeUndefined();
});
