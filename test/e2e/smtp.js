'use strict';

/**
 * A small SMTP server on loopback for end-to-end tests, and a minimal MIME parser for what it
 * receives (plain CommonJS, Node built-ins only).
 *
 *   const smtp = await startSmtpServer();          // 127.0.0.1, free port
 *   // n8n `smtp` credential: { host: '127.0.0.1', port: smtp.port, secure: false,
 *   //                          disableStartTls: true, user: 'any', password: 'any' }
 *   const [msg] = await smtp.waitForMessages(1);   // { from, to, raw, auth, ... }
 *   const mail = parseMessage(msg.raw);            // { subject, text, attachments: [{ filename, content }] }
 *   await smtp.close();
 *
 * Speaks enough of RFC 5321 for nodemailer (n8n's Send Email node): EHLO/HELO, AUTH PLAIN and
 * AUTH LOGIN (any user name and password are accepted and recorded), MAIL, RCPT, DATA with
 * dot-unstuffing, RSET, NOOP, QUIT. No STARTTLS, PIPELINING or CHUNKING is offered. Each
 * message is stored raw (a Buffer, CRLF line ends as sent).
 *
 * parseMessage() handles header folding, RFC 2047 encoded words, multipart bodies (nested),
 * base64, quoted-printable, 7bit/8bit parts and RFC 2231 file names.
 */
const net = require('net');

/**
 * @typedef {object} ReceivedMessage
 * @property {string} from  MAIL FROM address
 * @property {string[]} to  RCPT TO addresses
 * @property {Buffer} raw  the message as received, dot-unstuffed, without the final "."
 * @property {{ mechanism: string, user: string, password: string } | null} auth
 * @property {string} helo  the EHLO/HELO name
 * @property {number} receivedAt  ms since epoch
 *
 * @typedef {object} SmtpServer
 * @property {string} host
 * @property {number} port
 * @property {ReceivedMessage[]} messages
 * @property {string[]} transcript  every command line received (AUTH data redacted)
 * @property {(count: number, timeoutMs?: number) => Promise<ReceivedMessage[]>} waitForMessages
 * @property {() => void} clear
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ host?: string, port?: number, hostname?: string }} [opts]
 * @returns {Promise<SmtpServer>}
 */
function startSmtpServer(opts = {}) {
	const host = opts.host ?? '127.0.0.1';
	const hostname = opts.hostname ?? 'smtp.e2e.test';
	/** @type {ReceivedMessage[]} */
	const messages = [];
	/** @type {string[]} */
	const transcript = [];
	/** @type {Set<net.Socket>} */
	const sockets = new Set();
	/** @type {Array<() => void>} */
	let waiters = [];
	let seq = 0;

	const notify = () => {
		const current = waiters;
		waiters = [];
		for (const w of current) w();
	};

	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		const reply = (line) => {
			if (!socket.destroyed) socket.write(`${line}\r\n`);
		};
		const session = {
			helo: '',
			/** @type {ReceivedMessage['auth']} */
			auth: null,
			from: /** @type {string | null} */ (null),
			/** @type {string[]} */
			to: [],
			/** @type {'command' | 'data' | 'auth-plain' | 'auth-login-user' | 'auth-login-pass'} */
			state: 'command',
			/** @type {Buffer[]} */
			data: [],
			loginUser: '',
		};
		const resetTransaction = () => {
			session.from = null;
			session.to = [];
			session.data = [];
		};
		let buffer = Buffer.alloc(0);

		const finishData = () => {
			const raw = Buffer.concat(session.data);
			messages.push({
				from: session.from ?? '',
				to: session.to,
				raw,
				auth: session.auth,
				helo: session.helo,
				receivedAt: Date.now(),
			});
			resetTransaction();
			session.state = 'command';
			reply(`250 2.0.0 Ok: queued as E2E${++seq}`);
			notify();
		};

		const decodeB64 = (s) => Buffer.from(s.trim(), 'base64').toString('utf8');

		const onLine = (lineBuf) => {
			if (session.state === 'data') {
				// lineBuf includes its CRLF (or LF)
				const text = lineBuf.toString('latin1');
				if (text === '.\r\n' || text === '.\n') {
					finishData();
					return;
				}
				session.data.push(text.startsWith('..') ? lineBuf.subarray(1) : lineBuf);
				return;
			}
			const line = lineBuf.toString('utf8').replace(/\r?\n$/, '');
			if (session.state === 'auth-plain') {
				transcript.push('<auth data>');
				const parts = decodeB64(line).split('\0');
				session.auth = { mechanism: 'PLAIN', user: parts[1] ?? '', password: parts[2] ?? '' };
				session.state = 'command';
				reply('235 2.7.0 Authentication successful');
				return;
			}
			if (session.state === 'auth-login-user') {
				transcript.push('<auth data>');
				session.loginUser = decodeB64(line);
				session.state = 'auth-login-pass';
				reply('334 UGFzc3dvcmQ6');
				return;
			}
			if (session.state === 'auth-login-pass') {
				transcript.push('<auth data>');
				session.auth = { mechanism: 'LOGIN', user: session.loginUser, password: decodeB64(line) };
				session.state = 'command';
				reply('235 2.7.0 Authentication successful');
				return;
			}
			const [verbRaw = '', ...rest] = line.split(' ');
			const verb = verbRaw.toUpperCase();
			const arg = rest.join(' ');
			transcript.push(verb === 'AUTH' ? `AUTH ${rest[0] ?? ''}` : line);
			switch (verb) {
				case 'EHLO':
					session.helo = arg;
					resetTransaction();
					socket.write(
						`250-${hostname} Hello ${arg}\r\n250-SIZE 104857600\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n`,
					);
					return;
				case 'HELO':
					session.helo = arg;
					resetTransaction();
					reply(`250 ${hostname}`);
					return;
				case 'AUTH': {
					const mechanism = (rest[0] ?? '').toUpperCase();
					if (mechanism === 'PLAIN') {
						if (rest[1]) {
							const parts = decodeB64(rest[1]).split('\0');
							session.auth = { mechanism: 'PLAIN', user: parts[1] ?? '', password: parts[2] ?? '' };
							reply('235 2.7.0 Authentication successful');
						} else {
							session.state = 'auth-plain';
							reply('334 ');
						}
						return;
					}
					if (mechanism === 'LOGIN') {
						if (rest[1]) {
							session.loginUser = decodeB64(rest[1]);
							session.state = 'auth-login-pass';
							reply('334 UGFzc3dvcmQ6');
						} else {
							session.state = 'auth-login-user';
							reply('334 VXNlcm5hbWU6');
						}
						return;
					}
					reply('504 5.5.4 Unrecognized authentication type');
					return;
				}
				case 'MAIL': {
					const m = /^FROM:\s*<([^>]*)>/i.exec(arg);
					if (!m) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
					resetTransaction();
					session.from = m[1] ?? '';
					return reply('250 2.1.0 Ok');
				}
				case 'RCPT': {
					const m = /^TO:\s*<([^>]*)>/i.exec(arg);
					if (!m) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
					if (session.from === null) return reply('503 5.5.1 Error: need MAIL command');
					session.to.push(m[1] ?? '');
					return reply('250 2.1.5 Ok');
				}
				case 'DATA':
					if (session.from === null) return reply('503 5.5.1 Error: need MAIL command');
					if (!session.to.length) return reply('554 5.5.1 Error: no valid recipients');
					session.state = 'data';
					session.data = [];
					return reply('354 End data with <CR><LF>.<CR><LF>');
				case 'RSET':
					resetTransaction();
					return reply('250 2.0.0 Ok');
				case 'NOOP':
					return reply('250 2.0.0 Ok');
				case 'QUIT':
					reply('221 2.0.0 Bye');
					socket.end();
					return;
				default:
					return reply('502 5.5.2 Error: command not recognized');
			}
		};

		socket.on('data', (chunk) => {
			buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
			let start = 0;
			for (;;) {
				const nl = buffer.indexOf(0x0a, start);
				if (nl < 0) break;
				onLine(buffer.subarray(start, nl + 1));
				start = nl + 1;
			}
			buffer = start ? Buffer.from(buffer.subarray(start)) : buffer;
		});
		reply(`220 ${hostname} ESMTP e2e`);
	});

	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(opts.port ?? 0, host, () => {
			server.off('error', reject);
			const port = /** @type {net.AddressInfo} */ (server.address()).port;
			resolve({
				host,
				port,
				messages,
				transcript,
				clear() {
					messages.length = 0;
					transcript.length = 0;
				},
				waitForMessages(count, timeoutMs = 30000) {
					return new Promise((res, rej) => {
						const deadline = Date.now() + timeoutMs;
						const check = () => {
							if (messages.length >= count) return res(messages.slice());
							const left = deadline - Date.now();
							if (left <= 0)
								return rej(
									new Error(`timed out waiting for ${count} e-mail(s); have ${messages.length}`),
								);
							const timer = setTimeout(check, Math.min(left, 200));
							waiters.push(() => {
								clearTimeout(timer);
								check();
							});
						};
						check();
					});
				},
				close() {
					for (const s of sockets) s.destroy();
					return new Promise((res) => server.close(() => res()));
				},
			});
		});
	});
}

// ---------------------------------------------------------------------------------------------
// MIME

/**
 * @typedef {object} MimePart
 * @property {Record<string, string>} headers  lower-case names; repeated headers joined by ", "
 * @property {string} contentType  lower-case type/subtype
 * @property {Record<string, string>} params  content-type parameters (lower-case names)
 * @property {string} disposition  'attachment' | 'inline' | ''
 * @property {Record<string, string>} dispositionParams
 * @property {Buffer} body  decoded body (leaf parts)
 * @property {MimePart[]} parts  sub-parts (multipart)
 *
 * @typedef {object} ParsedMessage
 * @property {Record<string, string>} headers
 * @property {string} subject
 * @property {string} from
 * @property {string} to
 * @property {string} text  the first text/plain part that is not an attachment
 * @property {string} html  the first text/html part that is not an attachment
 * @property {Array<{ filename: string, contentType: string, content: Buffer, disposition: string }>} attachments
 * @property {MimePart} root
 */

/** RFC 2047 encoded words (=?charset?B|Q?...?=), adjacent ones joined. */
function decodeWords(value) {
	return value
		.replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?)/g, '$1')
		.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_m, charset, enc, text) => {
			const bytes =
				enc.toUpperCase() === 'B'
					? Buffer.from(text, 'base64')
					: qpDecode(text.replace(/_/g, ' '), false);
			return decodeCharset(bytes, charset);
		});
}

function decodeCharset(bytes, charset) {
	const cs = String(charset || 'utf-8').toLowerCase();
	if (cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii' || cs === 'ascii')
		return bytes.toString('utf8');
	if (cs === 'iso-8859-1' || cs === 'latin1' || cs === 'windows-1252')
		return bytes.toString('latin1');
	try {
		return new TextDecoder(cs).decode(bytes);
	} catch {
		return bytes.toString('utf8');
	}
}

/**
 * Quoted-printable to bytes. With `body` true, soft line breaks (`=` at a line end) are removed.
 * @param {string} text
 * @param {boolean} [body]
 * @returns {Buffer}
 */
function qpDecode(text, body = true) {
	const s = body ? text.replace(/=\r?\n/g, '') : text;
	const out = [];
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
			out.push(parseInt(s.slice(i + 1, i + 3), 16));
			i += 2;
		} else {
			out.push(c & 0xff);
		}
	}
	return Buffer.from(out);
}

/** Splits `a/b; x=1; y="2"` into the value and its parameters (RFC 2231 continuations joined). */
function parseHeaderValue(value) {
	const parts = [];
	let current = '';
	let quoted = false;
	for (let i = 0; i < value.length; i++) {
		const ch = value[i];
		if (ch === '"' && value[i - 1] !== '\\') quoted = !quoted;
		if (ch === ';' && !quoted) {
			parts.push(current);
			current = '';
		} else current += ch;
	}
	parts.push(current);
	const main = (parts.shift() ?? '').trim().toLowerCase();
	/** @type {Record<string, string>} */
	const params = {};
	/** @type {Record<string, Array<{ n: number, v: string, enc: boolean }>>} */
	const continued = {};
	for (const p of parts) {
		const eq = p.indexOf('=');
		if (eq < 0) continue;
		const rawName = p.slice(0, eq).trim().toLowerCase();
		let v = p.slice(eq + 1).trim();
		if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
		const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(rawName);
		if (!m) continue;
		const name = m[1] ?? rawName;
		if (m[2] !== undefined || m[3]) {
			(continued[name] ??= []).push({ n: Number(m[2] ?? 0), v, enc: !!m[3] });
		} else {
			params[name] = decodeWords(v);
		}
	}
	for (const [name, pieces] of Object.entries(continued)) {
		pieces.sort((a, b) => a.n - b.n);
		let charset = 'utf-8';
		const bytes = [];
		for (const [i, piece] of pieces.entries()) {
			let v = piece.v;
			if (piece.enc) {
				if (i === 0) {
					const m = /^([^']*)'[^']*'(.*)$/.exec(v);
					if (m) {
						charset = m[1] || charset;
						v = m[2] ?? '';
					}
				}
				bytes.push(
					Buffer.from(
						v.replace(/%([0-9A-Fa-f]{2})/g, (_x, h) => String.fromCharCode(parseInt(h, 16))),
						'latin1',
					),
				);
			} else {
				bytes.push(Buffer.from(v, 'utf8'));
			}
		}
		params[name] = decodeCharset(Buffer.concat(bytes), charset);
	}
	return { value: main, params };
}

/**
 * @param {Buffer} raw
 * @returns {{ headers: Record<string, string>, body: Buffer }}
 */
function splitHeaders(raw) {
	let idx = raw.indexOf('\r\n\r\n');
	let sepLen = 4;
	const lf = raw.indexOf('\n\n');
	if (idx < 0 || (lf >= 0 && lf < idx)) {
		idx = lf;
		sepLen = 2;
	}
	const head = idx < 0 ? raw.toString('utf8') : raw.subarray(0, idx).toString('utf8');
	const body = idx < 0 ? Buffer.alloc(0) : raw.subarray(idx + sepLen);
	/** @type {Record<string, string>} */
	const headers = {};
	const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
	for (const line of unfolded.split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();
		headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
	}
	return { headers, body };
}

function decodeBody(body, encoding) {
	const enc = (encoding || '7bit').toLowerCase();
	if (enc === 'base64')
		return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
	if (enc === 'quoted-printable') return qpDecode(body.toString('latin1'));
	return body;
}

/**
 * @param {Buffer} raw
 * @returns {MimePart}
 */
function parsePart(raw) {
	const { headers, body } = splitHeaders(raw);
	const ct = parseHeaderValue(headers['content-type'] ?? 'text/plain; charset=us-ascii');
	const cd = parseHeaderValue(headers['content-disposition'] ?? '');
	/** @type {MimePart} */
	const part = {
		headers,
		contentType: ct.value,
		params: ct.params,
		disposition: cd.value,
		dispositionParams: cd.params,
		body: Buffer.alloc(0),
		parts: [],
	};
	if (ct.value.startsWith('multipart/') && ct.params.boundary) {
		const delimiter = Buffer.from(`--${ct.params.boundary}`);
		/** @type {number[]} */
		const positions = [];
		let from = 0;
		for (;;) {
			const at = body.indexOf(delimiter, from);
			if (at < 0) break;
			// a delimiter starts a line
			if (at === 0 || body[at - 1] === 0x0a) positions.push(at);
			from = at + delimiter.length;
		}
		for (let i = 0; i < positions.length; i++) {
			const start = /** @type {number} */ (positions[i]) + delimiter.length;
			if (body.subarray(start, start + 2).toString() === '--') break;
			const next = positions[i + 1] ?? body.length;
			let s = start;
			while (s < next && (body[s] === 0x20 || body[s] === 0x09)) s++;
			if (body[s] === 0x0d) s++;
			if (body[s] === 0x0a) s++;
			let e = next;
			if (body[e - 1] === 0x0a) e--;
			if (body[e - 1] === 0x0d) e--;
			part.parts.push(parsePart(body.subarray(s, e)));
		}
	} else {
		part.body = decodeBody(body, headers['content-transfer-encoding']);
	}
	return part;
}

/**
 * @param {Buffer | string} raw
 * @returns {ParsedMessage}
 */
function parseMessage(raw) {
	const root = parsePart(Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'));
	/** @type {ParsedMessage['attachments']} */
	const attachments = [];
	let text = '';
	let html = '';
	const walk = (/** @type {MimePart} */ p) => {
		if (p.parts.length) {
			for (const c of p.parts) walk(c);
			return;
		}
		const filename = p.dispositionParams.filename ?? p.params.name ?? '';
		const isAttachment =
			p.disposition === 'attachment' || (filename !== '' && p.disposition !== 'inline');
		if (!isAttachment && p.contentType === 'text/plain' && !text) {
			text = decodeCharset(p.body, p.params.charset);
		} else if (!isAttachment && p.contentType === 'text/html' && !html) {
			html = decodeCharset(p.body, p.params.charset);
		} else if (filename || p.disposition) {
			attachments.push({
				filename,
				contentType: p.contentType,
				content: p.body,
				disposition: p.disposition || 'attachment',
			});
		}
	};
	walk(root);
	return {
		headers: root.headers,
		subject: decodeWords(root.headers.subject ?? ''),
		from: decodeWords(root.headers.from ?? ''),
		to: decodeWords(root.headers.to ?? ''),
		text,
		html,
		attachments,
		root,
	};
}

/**
 * A CSV text (RFC 4180: quotes, doubled quotes, CRLF or LF) as rows of strings.
 * @param {string} text
 * @returns {string[][]}
 */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	const s = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < s.length; i++) {
		const ch = s[i];
		if (quoted) {
			if (ch === '"') {
				if (s[i + 1] === '"') {
					field += '"';
					i++;
				} else quoted = false;
			} else field += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') {
			row.push(field);
			field = '';
		} else if (ch === '\n' || ch === '\r') {
			if (ch === '\r' && s[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += ch;
	}
	if (field !== '' || row.length) {
		row.push(field);
		rows.push(row);
	}
	return rows;
}

/**
 * CSV text as objects keyed by the header row.
 * @param {string} text
 * @returns {Array<Record<string, string>>}
 */
function csvRecords(text) {
	const [header = [], ...rows] = parseCsv(text);
	return rows
		.filter((r) => r.length > 1 || (r[0] ?? '') !== '')
		.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

module.exports = { startSmtpServer, parseMessage, parseCsv, csvRecords, qpDecode, decodeWords };
