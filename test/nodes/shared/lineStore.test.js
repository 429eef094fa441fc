// LineStore, SlabPool and PackedLines (nodes/shared/lineStore.ts): records kept as bytes in
// reused slabs, each record contiguous, written over when dropped, undone on a failed attempt.
const { LineStore, SlabPool, PackedLines, SLAB_BYTES } = require('../../../dist/nodes/shared/lineStore');

const text = (line) => line.slab.toString('utf8', line.start, line.end);
function add(store, value, pieces = 3) {
	const bytes = Buffer.from(value);
	store.begin();
	const step = Math.ceil(bytes.length / pieces) || 1;
	for (let at = 0; at < bytes.length; at += step) store.append(bytes, at, Math.min(bytes.length, at + step));
	return store.end();
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

test('PackedLines joins the lines in their order, skipping and taking as asked', () => {
	const store = new LineStore(new SlabPool());
	const lines = ['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}'].map((v) => add(store, v, 2));
	const spans = Int32Array.from([lines[2], lines[0], lines[3], lines[1]].flatMap((l) => [l.index, l.start, l.end]));
	const packed = new PackedLines(store, spans);
	expect(packed.count).toBe(4);
	expect(packed.join(Infinity).bytes.toString()).toBe('{"c":3}\n{"a":1}\n{"d":4}\n{"b":2}\n');
	const some = packed.join(2, new Set([1]));
	expect(some.lines).toBe(2);
	expect(some.bytes.toString()).toBe('{"c":3}\n{"d":4}\n');
	expect(packed.join(0).lines).toBe(0);
});
