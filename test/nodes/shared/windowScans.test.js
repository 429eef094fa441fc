// LineScans and RecordScans (nodes/shared/windowScans.ts): a window's scans, each once by
// identity, counted by time and taken in (time, identity) order; LineScans without an object per scan.
const { LineScans, RecordScans } = require('../../../dist/nodes/shared/windowScans');
const { SlabPool } = require('../../../dist/nodes/shared/lineStore');

/** Adds a scan as a line: its JSON bytes, its uuid found in them (or an identity string). */
function addLine(scans, time, uuid, { timeless = false, asString = false, extra = '' } = {}) {
	const text = `{"scan":{"uuid":"${uuid}"}${extra}}`;
	const bytes = Buffer.from(text);
	scans.lines.begin();
	scans.lines.append(bytes, 0, bytes.length);
	const line = scans.lines.end();
	const at = text.indexOf(uuid);
	const identity = asString ? uuid : { start: line.start + at, end: line.start + at + Buffer.byteLength(uuid) };
	return scans.add(time, line, identity, timeless);
}
const text = (batch) => Buffer.concat([...batch.chunks]).toString();

test('repeats are found by the uuid bytes, also against an identity given as a string', () => {
	const scans = new LineScans(new SlabPool());
	expect(addLine(scans, 5, 'b')).toBe(true);
	expect(addLine(scans, 5, 'b', { extra: ',"again":1' })).toBe(false);
	expect(addLine(scans, 5, 'b', { asString: true })).toBe(false);
	expect(addLine(scans, 3, 'a', { asString: true })).toBe(true);
	expect(addLine(scans, 3, 'a')).toBe(false);
	expect(scans.size).toBe(2);
	// The repeat's bytes were dropped: only the first copies are taken.
	expect(text(scans.take(-Infinity, Infinity, false).join(Infinity))).toBe('{"scan":{"uuid":"a"}}\n{"scan":{"uuid":"b"}}\n');
});

test('thousands of scans: counted by time, taken in (time, uuid) order both ways, the same as RecordScans', () => {
	const lines = new LineScans(new SlabPool());
	const records = new RecordScans();
	const ids = Array.from({ length: 5000 }, (_, k) => `u-${((k * 7919) % 5000).toString().padStart(5, '0')}`);
	ids.forEach((id, k) => {
		const time = 1000 + (k % 37);
		addLine(lines, time, id);
		records.add({ time, id, record: { id } });
	});
	expect(lines.size).toBe(5000);
	expect(lines.count(1005, 1010)).toBe(records.count(1005, 1010));
	const expected = records.take(1005, 1030, false).map((e) => `{"scan":{"uuid":"${e.id}"}}\n`).join('');
	const taken = lines.take(1005, 1030, false);
	expect(taken.count).toBe(records.count(1005, 1030));
	expect([taken.first, taken.last]).toEqual([1005, 1029]);
	expect(text(taken.join(Infinity))).toBe(expected);
	taken.release();
	const again = new LineScans(new SlabPool());
	ids.forEach((id, k) => addLine(again, 1000 + (k % 37), id));
	const newest = records.take(-Infinity, Infinity, true).map((e) => `{"scan":{"uuid":"${e.id}"}}\n`).join('');
	expect(text(again.take(-Infinity, Infinity, true).join(Infinity))).toBe(newest);
});

test('take and skip: the first lines not skipped; scans without a time come with their position and identity', () => {
	const scans = new LineScans(new SlabPool());
	addLine(scans, 2, 'b');
	addLine(scans, 1, 'a', { timeless: true });
	addLine(scans, 3, 'c');
	const taken = scans.take(-Infinity, Infinity, false);
	expect(taken.timeless).toEqual([{ at: 0, id: 'a' }]);
	const batch = taken.join(2, new Set([0]));
	expect(batch.lines).toBe(2);
	expect(text(batch)).toBe('{"scan":{"uuid":"b"}}\n{"scan":{"uuid":"c"}}\n');
});

test('rewind takes out what a failed attempt added, repeats included', () => {
	const scans = new LineScans(new SlabPool());
	addLine(scans, 1, 'a');
	const mark = scans.mark();
	for (let k = 0; k < 3000; k++) addLine(scans, 2, `x${k}`);
	scans.rewind(mark);
	expect(scans.size).toBe(1);
	// What the failed attempt had is not a repeat any more.
	expect(addLine(scans, 2, 'x7')).toBe(true);
	expect(text(scans.take(-Infinity, Infinity, false).join(Infinity))).toBe('{"scan":{"uuid":"a"}}\n{"scan":{"uuid":"x7"}}\n');
});

test('a line longer than a piece of the file is split across pieces and comes out whole', () => {
	const scans = new LineScans(new SlabPool());
	addLine(scans, 1, 'long', { extra: `,"pad":"${'p'.repeat(200_000)}"` });
	addLine(scans, 2, 'short');
	const batch = scans.take(-Infinity, Infinity, false).join(Infinity);
	const chunks = [...batch.chunks];
	expect(chunks.length).toBeGreaterThan(3);
	const out = Buffer.concat(chunks).toString().split('\n');
	expect(out).toHaveLength(3);
	expect(JSON.parse(out[0]).pad).toHaveLength(200_000);
	expect(JSON.parse(out[1]).scan.uuid).toBe('short');
});

test('lines in order over several slabs and pieces of the file come out whole, in order, with a repeat and a skip left out', () => {
	const scans = new LineScans(new SlabPool());
	const expected = [];
	for (let k = 0; k < 3000; k++) {
		const id = `u-${String(k).padStart(5, '0')}`;
		addLine(scans, k, id, { extra: `,"pad":"${'p'.repeat(k % 300)}"` });
		// A repeat of the line before: dropped from its slab, so the lines around it stay one run.
		if (k % 500 === 7) addLine(scans, k, id);
		expected.push(`{"scan":{"uuid":"${id}"},"pad":"${'p'.repeat(k % 300)}"}`);
	}
	const taken = scans.take(-Infinity, Infinity, false);
	const batch = taken.join(2999, new Set([1234]));
	const chunks = [...batch.chunks];
	expect(chunks.length).toBeGreaterThan(5);
	expect(Buffer.concat(chunks).toString()).toBe(`${expected.slice(0, 3000).filter((_, k) => k !== 1234).join('\n')}\n`);
	const newest = scans.take(-Infinity, Infinity, true);
	expect(text(newest.join(3))).toBe(`${expected.slice(-3).reverse().join('\n')}\n`);
});
