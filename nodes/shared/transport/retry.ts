import type { IDataObject } from 'n8n-workflow';

import { RETRY } from './constants';

/**
 * How long the server asked us to wait, in ms, or undefined when it gave no hint.
 * Order of trust: the `Retry-After` header (seconds or an HTTP date), then the seconds in DRF's
 * throttle text "Request was throttled. Expected available in 7 seconds.", the one thing the
 * Scantrust docs promise.
 */
export function serverRequestedWaitMs(
	headers: IDataObject | undefined,
	body: unknown,
	now: number = Date.now(),
): number | undefined {
	const header = headerValue(headers, 'retry-after');
	if (header !== undefined) {
		const trimmed = header.trim();
		if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
		const date = Date.parse(trimmed);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	const detail = typeof body === 'object' && body !== null ? (body as IDataObject).detail : undefined;
	if (typeof detail === 'string') {
		const match = /available in (\d+(?:\.\d+)?) seconds?/i.exec(detail);
		if (match) return Math.ceil(Number(match[1]) * 1000);
	}
	return undefined;
}

/** Capped exponential backoff with full jitter, for when the server says nothing. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(RETRY.backoffCapMs, RETRY.backoffBaseMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() === name) {
			if (Array.isArray(value)) return String(value[0]);
			return value === undefined || value === null ? undefined : String(value);
		}
	}
	return undefined;
}
