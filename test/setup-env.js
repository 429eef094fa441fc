// Runs before every jest test file. n8n-core reports each failing node run through its logger
// (winston, straight to stdout), which buries a real failure under the expected errors of
// continue-on-fail and bad-input tests. Quiet unless asked: TEST_LOGS=1 (or an explicit
// N8N_LOG_LEVEL) brings the log back.
if (!process.env.N8N_LOG_LEVEL) process.env.N8N_LOG_LEVEL = process.env.TEST_LOGS === '1' ? 'debug' : 'silent';
