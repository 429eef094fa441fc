// scanTime and lineTime (nodes/shared/scanPage.ts): a scan's time key from its parsed record
// (items, the trigger) and from its bytes (a JSON Lines file) are the same, in Scantrust's own
// datetime form (read digit by digit) and in every other form the API may give.
const { scanTime, lineTime } = require('../../../dist/nodes/shared/scanPage');
const { ScanFields, scanFieldsOf } = require('../../../dist/nodes/shared/scanLine');

const fields = new ScanFields();
function timeOfBytes(text) {
	const bytes = Buffer.from(`pad${text}pad`, 'utf8');
	expect(scanFieldsOf(bytes, 3, bytes.length - 3, fields)).toBe(true);
	return lineTime(bytes, fields);
}

test.each([
	['{"scan":{"datetime":"2021-02-01T03:24:42.468939Z"}}', Date.UTC(2021, 1, 1, 3, 24, 42) * 1000 + 468939],
	['{"scan":{"datetime":"2021-02-01T03:24:42.4Z"}}', Date.UTC(2021, 1, 1, 3, 24, 42) * 1000 + 400000],
	['{"scan":{"datetime":"2021-02-01T03:24:42Z"}}', Date.UTC(2021, 1, 1, 3, 24, 42) * 1000],
	// Not Scantrust's own form: the general parser, as for the record.
	['{"scan":{"datetime":"2021-02-01T04:24:42.5+01:00"}}', Date.UTC(2021, 1, 1, 3, 24, 42) * 1000 + 500000],
	['{"scan":{"datetime":"2021-02-01 03:24:42.1234567Z"}}', undefined],
	// No datetime, or one that is not a time: the timestamp (seconds), as for the record.
	['{"scan":{"timestamp":1612149882.468939}}', 1612149882468939],
	['{"scan":{"datetime":null,"timestamp":-12.5e2}}', -1250000000],
	['{"scan":{"datetime":"soon","timestamp":1}}', 1000000],
	['{"scan":{"datetime":"2021-13-01T03:24:42Z","timestamp":2}}', 2000000],
	['{"scan":{"timestamp":"1612149882"}}', undefined],
	['{"scan":{"uuid":"u"}}', undefined],
])('%s', (text, expected) => {
	const fromRecord = scanTime(JSON.parse(text));
	if (expected !== undefined) expect(fromRecord).toBe(expected);
	expect(timeOfBytes(text)).toBe(fromRecord);
});
