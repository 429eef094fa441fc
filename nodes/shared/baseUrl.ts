/**
 * Where the Scantrust API lives, and the rules that keep the UAT token from going anywhere else.
 * The credential and the transport both use these, so the rules exist once.
 */

export const PRODUCTION_BASE_URL = 'https://api.scantrust.com';
export const STAGING_BASE_URL = 'https://api.staging.scantrust.io';

export type ScantrustEnvironment = 'production' | 'staging' | 'custom';

export interface ScantrustCredentialData {
	environment?: ScantrustEnvironment;
	baseUrl?: string;
	token?: string;
}

/** A base URL that passed {@link resolveBaseUrl}: no trailing slash, may carry a path prefix. */
export interface ResolvedBaseUrl {
	/** e.g. `https://api.scantrust.com` or `https://proxy.example.com/scantrust` */
	url: string;
	/** scheme + host + port, the only origin the token may be sent to */
	origin: string;
	/** path prefix in front of `/api/v2/` (a proxy), '' for the real API */
	pathPrefix: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
	return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function parseUrl(raw: string): URL | undefined {
	try {
		return new URL(raw);
	} catch {
		return undefined;
	}
}

/**
 * Turns the credential's environment into a checked base URL, or says what is wrong with it.
 * A custom URL must be https (plain http only to a loopback host, where the token cannot leave
 * the machine) and must not carry userinfo, a query or a fragment, which would be sent on or
 * mangled by every call.
 */
export function checkBaseUrl(credentials: ScantrustCredentialData): ResolvedBaseUrl | { problem: string } {
	const environment = credentials.environment ?? 'production';
	if (environment === 'production') return fromUrl(new URL(PRODUCTION_BASE_URL));
	if (environment === 'staging') return fromUrl(new URL(STAGING_BASE_URL));

	const raw = (credentials.baseUrl ?? '').trim();
	if (!raw) return { problem: 'The credential uses a custom environment but its Base URL is empty' };
	const parsed = parseUrl(raw);
	if (!parsed) return { problem: `The credential's Base URL "${raw}" is not a valid URL` };
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		return { problem: `The credential's Base URL must start with https:// (got ${parsed.protocol})` };
	}
	if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
		return {
			problem: `The credential's Base URL uses plain http to ${parsed.hostname}: the UAT token would travel in clear text. Use https:// (plain http is only allowed to localhost)`,
		};
	}
	if (parsed.username || parsed.password) {
		return { problem: "The credential's Base URL must not contain a user name or password" };
	}
	if (parsed.search || raw.includes('?')) {
		return { problem: "The credential's Base URL must not contain a query string (?...)" };
	}
	if (parsed.hash || raw.includes('#')) {
		return { problem: "The credential's Base URL must not contain a fragment (#...)" };
	}
	return fromUrl(parsed);
}

function fromUrl(parsed: URL): ResolvedBaseUrl {
	// A user who pastes the full API root ("…/api/v2/") still means the host or proxy in front of it.
	const pathPrefix = parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
	return { url: `${parsed.origin}${pathPrefix}`, origin: parsed.origin, pathPrefix };
}

/**
 * Maps any URL the API hands back (a `next` link, possibly with another scheme or host, as the
 * documentation's own examples show) onto the configured base URL: only its `/api/v2/...` path
 * and query survive, so the token is only ever sent where the user pointed the credential. A
 * link that already carries the configured path prefix (a gateway such as `…/api/scantrust`,
 * whose own path contains `/api/`) loses that prefix first, so it is never doubled.
 */
export function rebaseApiUrl(base: ResolvedBaseUrl, link: string): string {
	const parsed = new URL(link, `${base.url}/`);
	let path = parsed.pathname;
	if (base.pathPrefix && path.startsWith(`${base.pathPrefix}/`)) path = path.slice(base.pathPrefix.length);
	const apiIndex = path.indexOf(API_ROOT) >= 0 ? path.indexOf(API_ROOT) : path.indexOf('/api/');
	if (apiIndex > 0) path = path.slice(apiIndex);
	return `${base.url}${path}${parsed.search}`;
}

/** The API's root path, which every request path starts with. */
const API_ROOT = '/api/v2/';

/**
 * The credential test's base URL as an n8n expression: the same origin and prefix as
 * {@link checkBaseUrl} gives the nodes (a custom URL pasted with its `/api/v2` root loses it), so
 * the test calls `/api/v2/me/` where the nodes call their endpoints.
 */
export const CREDENTIAL_TEST_BASE_URL = `={{ $credentials.environment === "custom" ? String($credentials.baseUrl ?? "").trim().replace(/[/]+$/, "").replace(/[/]api[/]v2$/, "") : ($credentials.environment === "staging" ? "${STAGING_BASE_URL}" : "${PRODUCTION_BASE_URL}") }}`;
