// ResultsSplitter (nodes/shared/resultsSplitter.ts): a page of the scan export split into its
// records on its bytes while it streams in, whatever the chunking, whitespace and string contents.
const { ResultsSplitter, PageSyntaxError } = require('../../../dist/nodes/shared/resultsSplitter');
const { LineStore, SlabPool } = require('../../../dist/nodes/shared/lineStore');

/** Splits `text` fed in pieces of the given sizes (cycled); returns the records' lines and the envelope. */
function split(text, sizes = [text.length], keep = () => true) {
	const store = new LineStore(new SlabPool());
	const lines = [];
	const splitter = new ResultsSplitter(store, (line) => {
		const text = line.slab.toString('utf8', line.start, line.end);
		// The store's one Line is updated for each record: kept here as a copy.
		if (keep(text)) lines.push({ ...line });
		else store.drop();
	});
	const bytes = Buffer.from(text, 'utf8');
	for (let at = 0, k = 0; at < bytes.length; k++) {
		const size = Math.max(1, sizes[k % sizes.length]);
		splitter.write(bytes.subarray(at, at + size));
		at += size;
	}
	const { envelope, hasResults } = splitter.finish();
	// Read after the split: dropped records were written over, kept ones must be intact.
	return { lines: lines.map((l) => l.slab.toString('utf8', l.start, l.end)), envelope, hasResults };
}

const records = [
	{ scan: { uuid: 'a', datetime: '2026-01-01T00:00:00Z' }, note: 'quote " and backslash \\ and brace } ] {', nested: [{ x: [1, { y: '}' }] }] },
	{ scan: { uuid: 'b' }, results: [{ not: 'the page results' }], text: 'ünïcødé ✓ \u2028', esc: '\\"' },
	{ scan: null, empty: {}, list: [], n: -1.5e3, t: true, f: false, z: null },
];
const page = { next: 'https://api.example/api/v2/dashboard/scans/?cursor=x"y', previous: null, results: records };

test('each record comes out byte for byte as the page had it, the envelope with results empty', () => {
	const text = JSON.stringify(page);
	const { lines, envelope, hasResults } = split(text);
	expect(lines).toEqual(records.map((r) => JSON.stringify(r)));
	expect(envelope).toEqual({ next: page.next, previous: null, results: [] });
	expect(hasResults).toBe(true);
});

test.each([[[1]], [[2, 3]], [[7]], [[64]], [[5, 1, 13, 2]]])('the same under chunks of %j bytes', (sizes) => {
	const text = JSON.stringify(page);
	expect(split(text, sizes).lines).toEqual(records.map((r) => JSON.stringify(r)));
	expect(split(text, sizes).envelope.next).toBe(page.next);
});

test('a pretty-printed page: each record on one line, the same JSON', () => {
	const text = JSON.stringify(page, null, 2).replace(/\n/g, '\r\n');
	const { lines, envelope } = split(text, [3, 11]);
	for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
	expect(lines.map((l) => JSON.parse(l))).toEqual(records);
	expect(envelope.next).toBe(page.next);
});

test('a dropped record is written over; the kept ones stay intact', () => {
	const many = { next: null, results: Array.from({ length: 500 }, (_, k) => ({ k, pad: 'x'.repeat(k * 7) })) };
	const { lines } = split(JSON.stringify(many), [997], (text) => JSON.parse(text).k % 3 === 0);
	expect(lines.map((l) => JSON.parse(l).k)).toEqual(many.results.filter((r) => r.k % 3 === 0).map((r) => r.k));
	expect(lines.map((l) => JSON.parse(l))).toEqual(many.results.filter((r) => r.k % 3 === 0));
});

test('elements of results that are not objects are skipped; results may come first or last', () => {
	const text = '{"results":[null,1,"s",[{"a":1}],{"scan":{"uuid":"x"}}],"next":"n"}';
	const { lines, envelope } = split(text, [4]);
	expect(lines).toEqual(['{"scan":{"uuid":"x"}}']);
	expect(envelope).toEqual({ results: [], next: 'n' });
});

test('a page without results, cut off, or not JSON is told apart', () => {
	expect(split('{"detail":"x"}').hasResults).toBe(false);
	expect(() => split('{"next":null,"results":[{"a":1},{"b":')).toThrow(PageSyntaxError);
	expect(() => split('{"results":[{"a":"unterminated}]}')).toThrow(PageSyntaxError);
	expect(() => split('<html>502 Bad Gateway</html>')).toThrow(PageSyntaxError);
	expect(() => split('[{"a":1}]')).toThrow(/not a JSON object/);
	expect(() => split('{"a":1}}')).toThrow(PageSyntaxError);
});
