import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

/** What the transport knows about a failed call when it turns it into an error for the user. */
export interface FailedCall {
	status: number;
	body: unknown;
	method: string;
	/** path only, never a full URL with credentials or signatures */
	path: string;
	itemIndex?: number;
	/** UAT permissions the operation needs, named in 403 errors */
	permissions?: string[];
	/** extra advice for this endpoint, appended to the description */
	hint?: string;
	/** for 429s that we gave up on */
	waitedMs?: number;
	retryAfterMs?: number;
}

/**
 * Renders DRF validation errors (`{"sku": ["product with this sku already exists."]}`, nested
 * lists for batched items, `non_field_errors`) as `field: message` lines.
 */
export function renderFieldErrors(body: unknown, prefix = ''): string[] {
	if (typeof body === 'string') return body.trim() ? [prefix ? `${prefix}: ${body}` : body] : [];
	if (Array.isArray(body)) {
		if (body.every((entry) => typeof entry === 'string')) {
			return body.map((message) => (prefix ? `${prefix}: ${message}` : String(message)));
		}
		return body.flatMap((entry, index) => renderFieldErrors(entry, `${prefix}[${index}]`));
	}
	if (body && typeof body === 'object') {
		return Object.entries(body as JsonObject).flatMap(([key, value]) => {
			const field = key === 'non_field_errors' || key === 'detail' ? prefix : prefix ? `${prefix}.${key}` : key;
			return renderFieldErrors(value, field);
		});
	}
	return [];
}

function serverDetail(body: unknown): string | undefined {
	if (body && typeof body === 'object' && typeof (body as JsonObject).detail === 'string') {
		return (body as JsonObject).detail as string;
	}
	return undefined;
}

const STATUS_TEXT: Record<number, { message: string; advice: string }> = {
	400: {
		message: 'Scantrust rejected the request',
		advice: 'Fix the values above and run the node again; nothing was applied for this request.',
	},
	401: {
		message: 'Scantrust did not accept the UAT token',
		advice:
			'The token is wrong, revoked or expired. Create a new UAT token in the Scantrust portal (user menu → User Authorization Tokens) and update the Scantrust API credential.',
	},
	403: {
		message: 'The UAT token lacks a permission for this operation',
		advice:
			'Ask your Scantrust company admin for a UAT token that includes the permissions listed here, then update the credential.',
	},
	404: {
		message: 'Scantrust could not find what was requested',
		advice: 'Check the ID, key or SKU given in this item.',
	},
	406: {
		message: 'Scantrust reported a conflict',
		advice: 'The request conflicts with the current state in Scantrust; check the values and try again.',
	},
	429: {
		message: 'Scantrust kept rate-limiting the requests',
		advice:
			'The node already waited as long as Scantrust asked. Run fewer executions at the same time, lower the batch size, or enable "Retry On Fail" in the node settings.',
	},
	500: {
		message: 'Scantrust had an internal error',
		advice: 'Retry later. If it persists, contact Scantrust support with the time of the failure.',
	},
	502: {
		message: 'Scantrust is temporarily unavailable',
		advice: 'Retry later, or enable "Retry On Fail" in the node settings.',
	},
	503: {
		message: 'Scantrust is temporarily unavailable',
		advice: 'Retry later, or enable "Retry On Fail" in the node settings.',
	},
	504: {
		message: 'Scantrust timed out before answering',
		advice: 'Retry later, or split the work into smaller requests.',
	},
};

/** Turns a non-2xx answer into the NodeApiError the user sees: what happened, the server's reason, what to do. */
export function apiError(node: INode, call: FailedCall): NodeApiError {
	const known = STATUS_TEXT[call.status] ?? {
		message: `Scantrust answered with HTTP ${call.status}`,
		advice: 'Check the input of this item and try again.',
	};
	const lines: string[] = [];
	const fieldErrors = call.status === 400 ? renderFieldErrors(call.body) : [];
	if (fieldErrors.length) lines.push(...fieldErrors);
	else {
		const detail = serverDetail(call.body);
		if (detail) lines.push(`Scantrust says: ${detail}`);
	}
	if (call.status === 403 && call.permissions?.length) {
		lines.push(`This operation needs the UAT permission(s): ${call.permissions.join(', ')}.`);
	}
	if (call.status === 429 && call.waitedMs !== undefined) {
		lines.push(`Waited ${Math.round(call.waitedMs / 1000)} s in total before giving up.`);
	}
	lines.push(known.advice);
	if (call.hint) lines.push(call.hint);

	const summary = fieldErrors.length ? `: ${fieldErrors.join('; ')}` : '';
	const failure = failureFor(call);
	return new NodeApiError(node, errorBody(call), {
		message: `${known.message} (HTTP ${call.status}, ${call.method} ${call.path})${summary}`,
		description: lines.join('\n'),
		httpCode: String(call.status),
		itemIndex: call.itemIndex,
		...(failure ? { failure } : {}),
	});
}

/** A network failure (refused, reset, timed out) with no HTTP answer. */
export function networkError(
	node: INode,
	call: {
		method: string;
		path: string;
		origin: string;
		code?: string;
		itemIndex?: number;
		hint?: string;
		/** set when the request timed out: how long it waited for an answer */
		timeoutMs?: number;
		/** who did not answer, when not the Scantrust API ("the file store") */
		service?: string;
	},
): NodeApiError {
	const reason = call.code ? ` (${call.code})` : '';
	const timedOut = call.timeoutMs !== undefined || call.code === 'ETIMEDOUT' || call.code === 'ECONNABORTED';
	const waited = call.timeoutMs !== undefined ? ` within ${formatSeconds(call.timeoutMs)}` : '';
	const service = call.service ?? 'Scantrust';
	const description = [
		`No answer from ${call.origin}${reason}${waited}.`,
		timedOut
			? `The request timed out. ${call.service ? 'The file store' : 'Scantrust'} may be slow or unreachable; retry later.`
			: call.service
				? 'Check the network, then retry; download and upload links expire, so run the node again for a fresh one.'
				: 'Check the network and the credential\'s environment, then retry.',
	];
	if (call.hint) description.push(call.hint);
	const message = timedOut
		? `${service.charAt(0).toUpperCase()}${service.slice(1)} did not answer ${call.method} ${call.path} in time${reason}`
		: `Could not reach ${service}${reason} for ${call.method} ${call.path}`;
	const error = new NodeApiError(
		node,
		{ networkCode: call.code ?? 'NETWORK_ERROR', path: call.path },
		{
			message,
			description: description.join('\n'),
			itemIndex: call.itemIndex,
			failure: { cause: 'temporarily-unavailable' },
		},
	);
	// NodeApiError swaps messages that mention ECONNREFUSED & co. for generic text; keep ours, it names the call.
	error.message = message;
	return error;
}

function formatSeconds(ms: number): string {
	return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

function failureFor(call: FailedCall) {
	if (call.status === 401) return { cause: 'credential-invalid' as const };
	if (call.status === 403) return { cause: 'configuration-invalid' as const };
	if (call.status === 429) {
		return { cause: 'rate-limited' as const, ...(call.retryAfterMs ? { retryAfterMs: call.retryAfterMs } : {}) };
	}
	if (call.status >= 500) return { cause: 'temporarily-unavailable' as const };
	return undefined;
}

function errorBody(call: FailedCall): JsonObject {
	if (call.body && typeof call.body === 'object' && !Array.isArray(call.body)) {
		return { ...(call.body as JsonObject), httpCode: String(call.status) };
	}
	return { httpCode: String(call.status), body: typeof call.body === 'string' ? call.body.slice(0, 500) : null };
}
