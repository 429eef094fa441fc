/** The transport's limits in one place; each number says why it is what it is. */

/** Scantrust documents no Retry-After header; DRF sends one with its 429s, and the `detail` text always. */
export const RETRY = {
	/** Attempts per request, the first one included. */
	maxAttempts: 8,
	/** Longest single wait we accept; a server asking for more gets an error instead of a stuck workflow. */
	maxWaitMs: 60_000,
	/** Longest total wait for one request across all its retries. */
	maxTotalWaitMs: 180_000,
	/** Exponential backoff when the server gives no hint: base × 2^attempt, capped, with full jitter. */
	backoffBaseMs: 500,
	backoffCapMs: 20_000,
	/**
	 * HTTP 500 retries for requests that are safe to repeat (Scantrust's Getting Started page: "retry
	 * the request later"). Few: a 500 that comes back three times is a fault in the server, not a blip,
	 * and the backoff before the third (about 2 s) already lets a restarted worker come back.
	 */
	serverErrorRetries: 3,
	/**
	 * A wait the server named gets a random 0 to 10 % of it on top (at least 0–50 ms, at most
	 * 0–1,000 ms), so that executions throttled in the same second do not all come back in the
	 * same instant and get throttled together again. In proportion, because the jitter is time
	 * lost: a flat 0–1,000 ms made a 1 s `Retry-After` 1.5 s on average; a tenth of the wait
	 * costs 5 % on average and still spreads the comebacks over many request times (tens of ms
	 * each). The floor spreads them when the wait named is tiny or already over (an HTTP date in
	 * the past); the cap keeps a long wait (up to 60 s) from growing by seconds, when one second
	 * already keeps executions apart.
	 */
	serverWaitJitterShare: 0.1,
	serverWaitJitterMinMs: 50,
	serverWaitJitterMs: 1000,
};

/** Every request has a timeout: a hung server must fail the node, not hang the workflow. */
export const TIMEOUT_MS = {
	default: 60_000,
	/** The sync SCM upload is documented to give up after about 60 s with a 504; leave room for that answer. */
	scmSync: 90_000,
	/** File transfers (exports, work-order zips, code files up to 100 MB). */
	file: 300_000,
};

/**
 * The `scm_update` throttle scope allows 10 requests per second per user, counted like DRF's
 * throttles: the requests of the last second, a sliding window. A call starts at least 1.1 s after
 * the answer to the call ten before it (transport/pacing.ts says why from the answer), so bulk
 * updates never provoke a 429 in the first place, while up to 10 calls go without waiting when
 * the window is empty (a 1,000-code update is not spread over a second for nothing).
 */
export const SCM_RATE = { requests: 10, windowMs: 1100 };

/** DRF's default page is 20; the API documents no maximum, so we ask for 100 per page. */
export const LIST_PAGE_SIZE = 100;

/** Scan export pages (cursor mode). The sandbox documents its own maximum; see docs/api-assumptions.md. */
export const SCAN_PAGE_SIZE = 1000;

/**
 * Code files for a code upload (file mode): Scantrust documents "at most 100 MB". Read as MiB,
 * the larger reading, so a file the file store would take is never refused here; a file between
 * the two readings gets the file store's own "too large" answer.
 */
export const MAX_CODE_FILE_BYTES = 100 * 1024 * 1024;
