// The targets of issue 6 and the table printed to the terminal (and copied into docs/performance.md).
'use strict';

const get = (object, dotted) => dotted.split('.').reduce((o, k) => (o == null ? undefined : o[k]), object);

const TARGETS = [
	{ key: 'scanExport.overheadRatio', op: '<=', limit: 1.1, what: 'Scan node (one window at a time) wall ÷ cursor loop with prefetch wall' },
	{ key: 'n8nExport.wallRatio', op: '<=', limit: 1.0, what: 'Scan node workflow ÷ HTTP Request workflow (n8n execute)' },
	{ key: 'scmBulk.requestRatio', op: '>=', limit: 50, what: 'requests of one-per-item ÷ ours' },
	{ key: 'scmBulk.wallRatio', op: '>=', limit: 20, what: 'wall of one-per-item at 10/s ÷ ours' },
	{ key: 'scmBulk.throttled', op: '==', limit: 0, what: '429 responses our node received' },
	{ key: 'storm.waitEfficiency', op: '<=', limit: 1.1, what: 'storm wall ÷ (no-storm wall + waits asked)' },
	{ key: 'storm.itemsLost', op: '==', limit: 0, what: 'scans not delivered under the storm' },
	{ key: 'triggerIdle.requestsPerPoll', op: '<=', limit: 1, what: 'requests of an idle poll' },
	// Issue 14: memory stays flat for big files (memory[] is codeExport, codeUpload, scansToFile).
	{ key: 'memory.0.rssGrowthMb', op: '<=', limit: 100, what: 'Code Export, 2,000,000 rows: peak RSS over idle (MB)' },
	{ key: 'memory.1.rssGrowthMb', op: '<=', limit: 100, what: 'Code Upload, 100 MB file: peak RSS over idle (MB)' },
	{ key: 'memory.2.rssGrowthMb', op: '<=', limit: 100, what: 'Scan Get Many → JSON Lines, 1,000,000 scans: peak RSS over idle (MB)' },
];

/**
 * Issue 11 (scanLatency, one entry per server time per page): at least 4× the careful loop at
 * 200 ms, no slower than it at 20 ms, nothing lost, repeated or throttled at any latency.
 */
function scanLatencyTargets(results) {
	const list = [];
	(results.scanLatency ?? []).forEach((x, i) => {
		const at = `${x.latencyMs} ms per page`;
		if (x.latencyMs === 200) list.push({ key: `scanLatency.${i}.ratio`, op: '>=', limit: 4, what: `cursor loop with prefetch wall ÷ Scan node wall, ${at}` });
		if (x.latencyMs === 20) list.push({ key: `scanLatency.${i}.ratio`, op: '>=', limit: 0.95, what: `cursor loop with prefetch wall ÷ Scan node wall, ${at} (no slower)` });
		for (const field of ['lost', 'duplicated', 'throttled']) {
			list.push({ key: `scanLatency.${i}.${field}`, op: '==', limit: 0, what: `${field} scans${field === 'throttled' ? ' (429 answers)' : ''}, ${at}` });
		}
	});
	return list;
}

function targets(results) {
	return [...TARGETS, ...scanLatencyTargets(results)].filter((t) => results[t.key.split('.')[0]] !== undefined).map((t) => {
		const value = get(results, t.key);
		const met = t.op === '<=' ? value <= t.limit : t.op === '>=' ? value >= t.limit : value === t.limit;
		// Small runs only show that the suite works: their numbers are not judged.
		return { ...t, value, met: results.settings.small ? null : met };
	});
}

const n = (v, digits = 0) => (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(v));
const s = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : String(ms));
const mb = (v) => (Number.isFinite(v) ? `${Math.round(v)} MB` : String(v));

function renderTable(results) {
	const verdicts = Object.fromEntries((results.targets ?? []).map((t) => [t.key, t.met === null ? 'not judged' : t.met ? 'met' : 'MISSED']));
	const rows = [];
	const row = (...cells) => rows.push(cells.map((c) => (c === undefined ? '' : String(c))));
	const r = results;
	if (r.scanExport) {
		const x = r.scanExport;
		const title = `1. Scan export, ${n(x.scans)} scans (page ${x.pageSize}, median of ${x.rounds})`;
		row(title, 'wall, one window at a time', s(x.nodeSerial.wallMs), `${s(x.prefetchLoop.wallMs)} (cursor loop with prefetch)`, `${n(x.overheadRatio, 3)}`, '≤ 1.10', verdicts['scanExport.overheadRatio']);
		row('', 'wall, one window at a time', s(x.nodeSerial.wallMs), `${s(x.loop.wallMs)} (cursor loop, no prefetch)`, n(x.plainLoopRatio, 3), 'reported', '');
		row('', 'wall, windows in parallel (default)', s(x.node.wallMs), `${s(x.prefetchLoop.wallMs)} (cursor loop with prefetch)`, n(x.parallelRatio, 3), 'reported', '');
		row('', 'requests', `${n(x.nodeSerial.requests)} / ${n(x.node.requests)} (parallel)`, n(x.prefetchLoop.requests), '', 'reported', '');
		row('', 'wall ÷ server time (sandbox log)', `${n(x.physicalLimit.nodeSerialRatio, 3)} / ${n(x.physicalLimit.nodeRatio, 3)} (parallel)`, `${n(x.physicalLimit.prefetchLoopRatio, 3)} (with prefetch)`, `${s(x.physicalLimit.serviceMs)} server time`, '1.0 = limit', '');
		row('', 'CPU time', s(x.nodeSerial.cpuMs), s(x.prefetchLoop.cpuMs), n(x.cpuRatio, 3), 'reported', '');
		row('', 'peak RSS', mb(x.peakRssMb.node), mb(x.peakRssMb.loop), '', 'reported', '');
	}
	if (r.n8nExport) {
		const x = r.n8nExport;
		if (x.skipped) row('2. Inside n8n', 'skipped', x.skipped, '', '', '≤ 1.0', '');
		else {
			row(`2. Inside n8n ${x.n8nVersion}, ${n(x.scans)} scans (median of ${x.rounds})`, 'n8n execute wall', s(x.scanNode.wallMs), `${s(x.httpRequest.wallMs)} (HTTP Request + Split Out)`, n(x.wallRatio, 3), '≤ 1.0', verdicts['n8nExport.wallRatio']);
			row('', 'export phase (sandbox log)', s(x.scanNode.exportPhaseMs), s(x.httpRequest.exportPhaseMs), n(x.exportPhaseRatio, 3), 'reported', '');
			row('', 'requests', n(x.scanNode.requests), n(x.httpRequest.requests), '', '', '');
			if (x.startupWallMs !== undefined) row('', 'start-up alone (Manual Trigger only)', s(x.startupWallMs), s(x.startupWallMs), '', 'reported', '');
		}
	}
	if (r.scmBulk) {
		const x = r.scmBulk;
		const title = `3. SCM update, ${n(x.codes)} codes (batch ${x.batchSize})`;
		row(title, 'requests', n(x.node.requests), `${n(x.perItem.requests)} (one per code, 10/s)`, `${n(x.requestRatio, 1)}× fewer`, '≥ 50×', verdicts['scmBulk.requestRatio']);
		row('', 'wall', s(x.node.wallMs), s(x.perItem.wallMs), `${n(x.wallRatio, 1)}× less`, '≥ 20×', verdicts['scmBulk.wallRatio']);
		row('', '429s received', n(x.throttled), n(x.perItem.throttled), '', '0', verdicts['scmBulk.throttled']);
		for (const key of ['packed100', 'packed1000']) {
			const p = x[key];
			if (!p) continue;
			row('', 'requests / wall / 429s', `${n(x.node.requests)} / ${s(x.node.wallMs)} / ${n(x.node.throttled)}`, `${n(p.requests)} / ${s(p.wallMs)} / ${n(p.throttled)} (Code node packs ${n(p.perBody)}, HTTP Request 10/s)`, `${n(p.wallRatio, 2)}× our wall`, 'reported', '');
		}
		row(`   ${n(x.large.codes)} codes`, 'wall / requests', `${s(x.large.wallMs)} / ${n(x.large.requests)}`, x.large.packed100 ? `${s(x.large.packed100.wallMs)} / ${n(x.large.packed100.requests)} (packs 100)` : '', `${n(x.large.requestsPerSecond, 2)} req/s (ours)`, '', '');
	}
	if (r.scmCareful) {
		const x = r.scmCareful;
		if (x.skipped) row('3b. SCM update inside n8n', 'skipped', x.skipped, '', '', 'reported', '');
		else {
			const names = { calm: 'calm', badRow: `row ${x.badRowIndex} bad`, burst: '429 burst at request 3', burstFirst: '429 burst at request 1' };
			const cell = (v) => (v ? `${v.status}: ${n(v.written)} written, ${n(v.reportedUpdated)} reported, ${n(v.outputItems)} items out, ${n(v.requests)} req (${n(v.throttled)} × 429)` : '');
			let first = true;
			for (const condition of ['calm', 'badRow', 'burst', 'burstFirst']) {
				const c = x[condition];
				if (!c) continue;
				for (const key of ['packed100', 'packed1000']) {
					row(first ? `3b. SCM update inside n8n ${x.n8nVersion}, ${n(x.codes)} codes` : '', `${names[condition]}, vs packs ${key === 'packed100' ? 100 : '1,000'}`, cell(c.ours), cell(c[key]), `unaccounted ${n(c.ours.unaccounted)} vs ${n(c[key].unaccounted)}`, 'reported', '');
					first = false;
				}
			}
		}
	}
	if (r.storm) {
		const x = r.storm;
		row(`4. Storm: every 10th request 429 for 1 s, ${n(x.scans)} scans`, 'wall', s(x.stormWallMs), `${s(x.noStormWallMs)} + ${s(x.askedWaitSpanMs ?? x.askedWaitMs)} asked (${n(x.throttledResponses)} × 429, ${s(x.askedWaitMs)} summed)`, n(x.waitEfficiency, 3), '≤ 1.10', verdicts['storm.waitEfficiency']);
		row('', 'items lost / repeated', `${n(x.itemsLost)} / ${n(x.duplicates)}`, '', '', '0', verdicts['storm.itemsLost']);
		row('', '429 answered → same request again', `${n(x.retryAfterAnswerMs)} ms (max ${n(x.retryAfterAnswerMaxMs)})`, 'Retry-After: 1 s', '', 'reported', '');
	}
	if (r.triggerIdle) {
		const x = r.triggerIdle;
		row('5. Trigger, idle poll', 'requests per poll', n(x.requestsPerPoll), '', `${s(x.idlePollMs)} per poll`, '1', verdicts['triggerIdle.requestsPerPoll']);
		row(`   poll after ${n(x.afterNewScans.scans)} new scans`, 'wall / requests', `${s(x.afterNewScans.wallMs)} / ${n(x.afterNewScans.requests)}`, '', `${n(x.afterNewScans.delivered)} delivered`, 'reported', '');
		row('   next idle poll', 'requests', n(x.idleAfterBurst.requests), '', '', 'reported', '');
	}
	if (r.growth) {
		for (const g of r.growth) {
			row(`6. Growth, ${n(g.scans)} scans`, 'wall / peak RSS', `${s(g.wallMs)} / ${mb(g.peakRssMb)} (${n(g.msPer1000Scans, 1)} ms per 1,000)`, `${s(g.loopWallMs)} / ${mb(g.loopPeakRssMb)}`, n(g.overheadRatio, 3), 'reported', '');
		}
	}
	if (r.scanLatency) {
		r.scanLatency.forEach((x, i) => {
			const title = `9. Slow server, ${n(x.scans)} scans, ${x.latencyMs} ms per page`;
			row(title, 'wall', `${s(x.nodeWallS * 1000)} (${n(x.requests.node)} requests)`, `${s(x.loopWallS * 1000)} (cursor loop with prefetch, ${n(x.requests.loop)} requests)`, `${n(x.ratio, 2)}× faster`, x.latencyMs === 200 ? '≥ 4×' : x.latencyMs === 20 ? '≥ 0.95×' : 'reported', verdicts[`scanLatency.${i}.ratio`] ?? '');
			row('', 'lost / duplicated / 429', `${x.lost} / ${x.duplicated} / ${x.throttled}`, x.sameOrder ? 'same scans, same order' : 'ORDER DIFFERS', '', '0 / 0 / 0', ['lost', 'duplicated', 'throttled'].every((f) => verdicts[`scanLatency.${i}.${f}`] === 'met') ? 'met' : verdicts[`scanLatency.${i}.lost`] === 'not judged' ? 'not judged' : 'MISSED');
			row('', 'memory per 100,000 scans (peak RSS growth)', mb(x.memoryPer100kScansMb.node), mb(x.memoryPer100kScansMb.loop), '', 'reported', '');
		});
	}
	if (r.memory) {
		const label = { codeExport: 'Code → Export', codeUpload: 'Code Upload (file)', scansToFile: 'Scan → JSON Lines' };
		const size = (x) => (x.unit === 'bytes' ? `${n(x.size / 1e6, x.size < 1e7 ? 1 : 0)} MB` : `${n(x.size)} ${x.unit}`);
		const rate = (x) => (x.msPerMb !== undefined ? `${n(x.msPerMb, 1)} ms per MB` : `${n(x.msPer1000Scans, 1)} ms per 1,000`);
		r.memory.forEach((x, i) => {
			const sample = (y) => `+${mb(y.rssGrowthMb)} / ${s(y.wallS * 1000)} (${rate(y)})`;
			row(`7. Memory, ${label[x.scenario]}, ${size(x)}`, 'RSS growth / wall', sample(x), `at ${size({ ...x, size: x.tenPercent.size })}: ${sample(x.tenPercent)}`, '', '≤ 100 MB', verdicts[`memory.${i}.rssGrowthMb`]);
			for (const b of x.itemsBeside ?? []) {
				row(`   ${n(b.size)} scans`, 'JSON Lines / items', sample(b.jsonLines), `items: ${sample(b.items)}`, n(b.wallRatio, 3), 'reported', '');
			}
		});
	}
	const header = ['Scenario', 'Measure', 'Scantrust nodes', 'Baseline', 'Ratio', 'Target', 'Result'];
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((cells) => [...cells[i]].length)));
	const line = (cells) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ')} |`;
	const m = r.machine;
	return [
		line(header),
		`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
		...rows.map(line),
		'',
		`Sandbox latency ${r.settings.latencyMs} ms per request${r.settings.small ? ', SMALL run (smoke check: numbers not judged)' : ''}${r.settings.parallel ? ', scenarios in parallel' : ''}. ` +
			`${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}, load ${m.loadAverageAtStart.join(' ')} at start${m.loadAverageAtEnd ? `, ${m.loadAverageAtEnd.join(' ')} at the end` : ''}; ${r.durationS} s in all.`,
	].join('\n');
}

module.exports = { targets, renderTable, TARGETS };
