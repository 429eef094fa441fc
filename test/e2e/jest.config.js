'use strict';
/**
 * Jest config of the end-to-end tests in a real n8n (`node test/e2e/run.js` runs it after
 * installing the n8n runtime and building dist/). Each test file starts its own n8n (its own
 * user folder and ports): two files at a time is what two cores carry.
 */
const path = require('path');

module.exports = {
	rootDir: path.join(__dirname, '..', '..'),
	roots: ['<rootDir>/test/e2e'],
	testEnvironment: 'node',
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.js'],
	testPathIgnorePatterns: ['/node_modules/'],
	// A file's tests share one n8n server; a whole file can take minutes on a busy machine.
	testTimeout: 300_000,
	slowTestThreshold: 120,
	maxWorkers: Number(process.env['E2E_MAX_WORKERS'] || 2),
	// n8n and sandbox servers are stopped in afterAll; don't wait for stray handles forever.
	forceExit: true,
};
