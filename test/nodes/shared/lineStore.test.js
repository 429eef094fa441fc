// LineStore and SlabPool (nodes/shared/lineStore.ts): records kept as bytes in
// reused slabs, each record contiguous, written over when dropped, undone on a failed attempt.
const { LineStore, SlabPool, SLAB_BYTES } = require('../../../dist/nodes/shared/lineStore');

const text = (line) => line.slab.toString('utf8', line.start, line.end);
function add(store, value, pieces = 3) {
	const bytes = Buffer.from(value);
	store.begin();
	const step = Math.ceil(bytes.length / pieces) || 1;
	for (let at = 0; at < bytes.length; at += step) store.append(bytes, at, Math.min(bytes.length, at + step));
	// The store's one Line, updated for each record: kept here as a copy.
	return { ...store.end() };
}

test('records stay contiguous across slabs; a dropped one is written over', () => {
	const store = new LineStore(new SlabPool());
	const kept = [];
	for (let k = 0; k < 400; k++) {
		const value = `{"k":${k},"pad":"${'p'.repeat(1500 + (k % 17))}"}`;
		const line = add(store, value);
		if (k % 4 === 3) store.drop();
		else kept.push([line, value]);
	}
	for (const [line, value] of kept) expect(text(line)).toBe(value);
	expect(new Set(kept.map(([l]) => l.slab)).size).toBeGreaterThan(1);
});

test('a record larger than a slab gets a slab of its own', () => {
	const store = new LineStore(new SlabPool());
	const big = 'b'.repeat(SLAB_BYTES + 10);
	const small = add(store, 'small');
	const line = add(store, big, 7);
	expect(text(small)).toBe('small');
	expect(text(line)).toBe(big);
});

test('rewind forgets everything since the mark; released slabs are reused', () => {
	const pool = new SlabPool();
	const store = new LineStore(pool);
	const first = add(store, 'kept');
	const mark = store.mark();
	for (let k = 0; k < 300; k++) add(store, 'x'.repeat(2000));
	store.rewind(mark);
	const after = add(store, 'after');
	expect(text(first)).toBe('kept');
	expect(text(after)).toBe('after');
	store.release();
	const reused = pool.take();
	expect(reused.length).toBe(SLAB_BYTES);
	expect([first.slab]).toContain(reused);
});

test('the pool gives typed arrays back zero-filled (Int32Array) and by length', () => {
	const pool = new SlabPool();
	const a = pool.int32(8);
	a.fill(7);
	pool.giveArray(a);
	const again = pool.int32(8);
	expect(again).toBe(a);
	expect(Array.from(again)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
	expect(pool.int32(16)).not.toBe(a);
	const f = pool.float64(4);
	pool.giveArray(f);
	expect(pool.float64(4)).toBe(f);
});

test('each line is followed by a newline in its slab; a line that fills a slab but for that byte still fits', () => {
	const store = new LineStore(new SlabPool());
	const a = add(store, '{"a":1}');
	const b = add(store, '{"b":2}');
	expect(a.slab[a.end]).toBe(0x0a);
	// One after the other: the two lines and their newlines are one run of JSON Lines.
	expect(b.start).toBe(a.end + 1);
	expect(a.slab.toString('utf8', a.start, b.end + 1)).toBe('{"a":1}\n{"b":2}\n');
	const fits = add(store, 'f'.repeat(SLAB_BYTES - 1));
	expect([fits.start, fits.end, fits.slab.length]).toEqual([0, SLAB_BYTES - 1, SLAB_BYTES]);
	expect(fits.slab[fits.end]).toBe(0x0a);
	const outsize = add(store, 'o'.repeat(SLAB_BYTES));
	expect(outsize.slab.length).toBeGreaterThan(SLAB_BYTES);
	expect(text(outsize)).toBe('o'.repeat(SLAB_BYTES));
	expect(outsize.slab[outsize.end]).toBe(0x0a);
	expect(text(fits)).toBe('f'.repeat(SLAB_BYTES - 1));
});
