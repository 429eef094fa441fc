// @ts-check
'use strict';

// Small file formats the sandbox needs without dependencies: CSV (write and read),
// multipart/form-data (read) and a stored (uncompressed) ZIP writer.

/** RFC 4180 field: quoted only when needed. @param {unknown} v */
function csvField(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV with CRLF line endings (Python's csv module default, which the real export most
 * likely uses). UTF-8 without BOM.
 * @param {string[]} header
 * @param {unknown[][]} rows
 */
function toCsv(header, rows) {
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * Parses CSV (comma, double quotes, CRLF or LF) into an array of records keyed by the
 * header row. A BOM is ignored.
 * @param {string} text
 * @returns {{ header: string[], records: Record<string, string>[] }}
 */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  const nonEmpty = rows.filter((r) => r.length > 1 || r[0] !== '');
  const header = (nonEmpty.shift() || []).map((h) => h.trim());
  const records = nonEmpty.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j] ?? ''])));
  return { header, records };
}

/**
 * Splits a multipart/form-data body into its parts, in order. Returns null when the body
 * is not well-formed.
 * @param {Buffer} body
 * @param {string} boundary
 * @returns {{ name: string, filename?: string, contentType?: string, data: Buffer }[] | null}
 */
function parseMultipart(body, boundary) {
  const delimiter = Buffer.from('--' + boundary);
  const parts = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) return null;
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts; // closing delimiter
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') return null;
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) return null;
    const headers = body.subarray(pos, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) return null;
    const data = body.subarray(headerEnd + 4, next);
    let name = '';
    /** @type {string | undefined} */
    let filename;
    /** @type {string | undefined} */
    let contentType;
    for (const h of headers) {
      const [k, ...rest] = h.split(':');
      const v = rest.join(':').trim();
      if (k.trim().toLowerCase() === 'content-disposition') {
        const n = /\bname="([^"]*)"/i.exec(v);
        const f = /\bfilename="([^"]*)"/i.exec(v);
        if (n) name = n[1];
        if (f) filename = f[1];
      } else if (k.trim().toLowerCase() === 'content-type') contentType = v;
    }
    parts.push({ name, filename, contentType, data });
    pos = next + 2;
  }
}

// ---------------------------------------------------------------------------
// ZIP (stored entries, no compression) with CRC-32.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** @param {Buffer} buf */
function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS date/time fields. @param {Date} d */
function dosTime(d) {
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * Builds a ZIP archive whose entries are stored (method 0). Names are UTF-8 (flag bit 11).
 * @param {{ name: string, data: Buffer | string }[]} entries
 * @param {Date} [when]
 */
function zip(entries, when = new Date()) {
  const { time, date } = dosTime(when);
  /** @type {Buffer[]} */
  const chunks = [];
  /** @type {Buffer[]} */
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, name, data);

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4); // version made by
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x0800, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(time, 12);
    cd.writeUInt16LE(date, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(data.length, 20);
    cd.writeUInt32LE(data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += local.length + name.length + data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

module.exports = { toCsv, parseCsv, csvField, parseMultipart, crc32, zip };
