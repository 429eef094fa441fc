/** Tests are plain JavaScript against the built package in dist/, the code n8n actually loads. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.js'],
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	testTimeout: 60_000,
	maxWorkers: 2,
	setupFiles: ['<rootDir>/test/setup-env.js'],
};
