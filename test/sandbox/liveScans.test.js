// The sandbox's live scans (what `npm start` shows): with liveCounterfeitEvery, every Nth live scan
// is flagged counterfeit, so the counterfeit alert example has something to alert on within a
// minute instead of waiting for chance (about 1 scan in 28). Fake timers: no wall-clock waits.
const { startSandbox } = require('../../sandbox');

test('every Nth live scan is counterfeit; the others are left to chance', async () => {
	jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
	const sandbox = await startSandbox({ port: 0, seed: 1, liveScansPerMinute: 600, liveCounterfeitEvery: 3 });
	try {
		const before = sandbox.state.scans.nextSid;
		jest.advanceTimersByTime(100 * 9);
		const live = [];
		for (let n = before; n < sandbox.state.scans.nextSid; n++) live.push(sandbox.state.scans.extras.get(n));
		expect(live).toHaveLength(9);
		live.forEach((scan, k) => {
			if ((k + 1) % 3 === 0) expect(scan.flags).toEqual(['counterfeit']);
			else expect(scan.flags).toBeUndefined();
		});
		expect(sandbox.config().liveCounterfeitEvery).toBe(3);
	} finally {
		jest.useRealTimers();
		await sandbox.close();
	}
});
