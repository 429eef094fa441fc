// One table of permissions per operation (nodes/shared/permissions.ts): the 403 errors name what
// it lists, and the README's and the node pages' tables must say the same.
const fs = require('node:fs');
const path = require('node:path');
const { OPERATION_PERMISSIONS } = require('../../../dist/nodes/shared/permissions');

const ROOT = path.join(__dirname, '..', '..', '..');
const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const PAGES = {
	Product: 'docs/nodes/product.md',
	Code: 'docs/nodes/code.md',
	'SCM Data': 'docs/nodes/scm-data.md',
	'Work Order': 'docs/nodes/work-order.md',
	'Code Upload': 'docs/nodes/code-upload.md',
	Scan: 'docs/nodes/scan.md',
	Trigger: 'docs/nodes/trigger.md',
};

/**
 * The README's table, generated from the permissions table: one row per node and set of
 * permissions, the operations in table order. A failure prints the table to paste.
 */
function readmeTable() {
	const rows = [];
	for (const entry of OPERATION_PERMISSIONS) {
		const key = `${entry.node}|${entry.permissions.join(',')}`;
		const row = rows.find((r) => r.key === key);
		if (row) row.operations.push(entry.operation);
		else rows.push({ key, node: entry.node, operations: [entry.operation], permissions: entry.permissions });
	}
	return [
		'| Node / operation | UAT permissions |',
		'|---|---|',
		...rows.map((r) => `| ${r.node}: ${r.operations.join(', ')} | ${r.permissions.map((p) => `\`${p}\``).join(', ')} |`),
	].join('\n');
}

test('the README\'s permission table is the one generated from the table', () => {
	expect(read('README.md')).toContain(readmeTable());
});

/** The permissions a node page's table gives an operation: the backticked names before any `;` or `(`. */
function pagePermissions(page, operation) {
	for (const line of page.split('\n')) {
		if (!line.startsWith('| ')) continue;
		const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
		if (cells[0].replace(/\s*\(.*\)$/, '') !== operation) continue;
		const head = cells[cells.length - 1].split(/[;(]/)[0];
		return [...head.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]);
	}
	return undefined;
}

test.each(OPERATION_PERMISSIONS.map((entry) => [entry.node, entry.operation, entry.permissions]))(
	'%s → %s: the node page lists %j',
	(node, operation, permissions) => {
		expect(pagePermissions(read(PAGES[node]), operation)).toEqual([...permissions]);
	},
);

test('every operation of every node is in the table', () => {
	for (const [dir, node] of [
		['ScantrustProduct', 'Product'],
		['ScantrustCode', 'Code'],
		['ScantrustScmData', 'SCM Data'],
		['ScantrustWorkOrder', 'Work Order'],
		['ScantrustCodeUpload', 'Code Upload'],
		['ScantrustScan', 'Scan'],
	]) {
		const { operations } = require(`../../../dist/nodes/${dir}/actions`);
		const listed = OPERATION_PERMISSIONS.filter((entry) => entry.node === node).map((entry) => entry.value).sort();
		expect([node, Object.keys(operations).sort()]).toEqual([node, listed]);
	}
});
