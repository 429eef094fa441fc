import { BLACKLIST_REASONS } from './scmFields';

/**
 * Code states in words. Scantrust stores them as numbers (`status` / `activation_status`: 0, 1, 2,
 * scantrust-api.md §7.3, §3); results say `inactive`, `active` or `blacklisted` so that an IF node
 * or an agent can test them without the table. `notFound` is the word for a code Scantrust does
 * not know (Code → Get with "Unknown Code: Output notFound").
 */
export const CODE_STATUS_NAMES: Record<string, string> = { '0': 'inactive', '1': 'active', '2': 'blacklisted' };

export const NOT_FOUND = 'notFound';

/** `active` for 1 or "1"; the value itself when it is not one of the three. */
export function codeStatusName(status: unknown): string {
	const key = String(status ?? '').trim();
	return CODE_STATUS_NAMES[key] ?? key;
}

/** "WO Canceled" for 9; null for 0 ("None") or nothing. */
export function blacklistReasonName(reason: unknown): string | null {
	const number = Number(String(reason ?? '').trim());
	if (!number) return null;
	return BLACKLIST_REASONS.find((entry) => entry.value === number)?.name ?? String(reason);
}
