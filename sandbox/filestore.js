// @ts-check
'use strict';

// The second origin: an S3-like file store on its own port. It serves pre-signed
// download links (code exports, work-order zips) and accepts pre-signed multipart POST
// uploads (code ingestion in file mode). Like S3, it knows nothing about UAT tokens:
// a request that carries an Authorization header is rejected, and the log records
// whether one arrived, because a client must never send its token to this origin.

const http = require('node:http');
const crypto = require('node:crypto');
const { pipeline } = require('node:stream');
const { parseMultipart } = require('./formats');

const BUCKET = 'scantrust-sandbox';
/** Largest upload accepted (scantrust-api.md §6.3: files are at most 100 MB). */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** @param {string} code @param {string} message */
function s3Error(code, message) {
  const id = crypto.randomBytes(8).toString('hex').toUpperCase();
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>`
    + `<RequestId>${id}</RequestId><HostId>sandbox</HostId></Error>`;
}

/** @param {string} s */
const xmlEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * @param {any} rt the sandbox runtime
 */
function createFileStore(rt) {
  const secret = crypto.randomBytes(32);
  const accessKey = 'SANDBOX' + crypto.randomBytes(6).toString('hex').toUpperCase();
  /** @type {Map<string, { body: Buffer | (() => Buffer) | StreamedBody, contentType: string, filename: string }>} */
  const objects = new Map();
  /** Issued upload policies by policy string. @type {Map<string, { key: string, fields: Record<string, string>, expires: number, onUpload: (file: { data: Buffer, filename: string, contentType: string }) => void }>} */
  const uploads = new Map();
  let origin = '';

  /** @param {string} data */
  const sign = (data) => crypto.createHmac('sha256', secret).update(data).digest('hex');
  /** @param {number} ms */
  const amzDate = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

  const store = {
    BUCKET,
    MAX_UPLOAD_BYTES,
    objects,
    get url() {
      return origin;
    },
    /** @param {string} o */
    setOrigin(o) {
      origin = o;
    },
    /**
     * Stores an object; `body` may be a function so big files are built only when fetched, or a
     * streamed body (`{ size, open }`) that is generated anew for every download and never held
     * whole, so exports of hundreds of MB cost the sandbox no memory.
     * @param {string} key
     * @param {Buffer | (() => Buffer) | StreamedBody} body
     * @param {string} contentType
     * @param {string} filename
     */
    put(key, body, contentType, filename) {
      objects.set(key, { body, contentType, filename });
    },
    /**
     * A time-limited download URL in the shape of an S3 query-string-signed link.
     * @param {string} key
     * @param {number} [ttlSeconds]
     */
    presignGet(key, ttlSeconds = 3600) {
      const date = amzDate(Date.now());
      const params = new URLSearchParams({
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': `${accessKey}/${date.slice(0, 8)}/eu-west-1/s3/aws4_request`,
        'X-Amz-Date': date,
        'X-Amz-Expires': String(ttlSeconds),
        'X-Amz-SignedHeaders': 'host',
      });
      params.set('X-Amz-Signature', sign(`GET\n${key}\n${date}\n${ttlSeconds}`));
      return `${origin}/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}?${params}`;
    },
    /**
     * A pre-signed POST: the client must send every field back, then the file last.
     * @param {string} key
     * @param {number} ttlSeconds
     * @param {(file: { data: Buffer, filename: string, contentType: string }) => void} onUpload
     */
    presignPost(key, ttlSeconds, onUpload) {
      const now = Date.now();
      const date = amzDate(now);
      const expires = now + ttlSeconds * 1000;
      const policy = Buffer.from(JSON.stringify({
        expiration: new Date(expires).toISOString(),
        conditions: [{ bucket: BUCKET }, { key }, { success_action_status: '201' }, ['content-length-range', 0, MAX_UPLOAD_BYTES]],
      })).toString('base64');
      const fields = {
        key,
        success_action_status: '201',
        'x-amz-algorithm': 'AWS4-HMAC-SHA256',
        'x-amz-credential': `${accessKey}/${date.slice(0, 8)}/eu-west-1/s3/aws4_request`,
        'x-amz-date': date,
        policy,
        'x-amz-signature': sign(policy),
      };
      uploads.set(policy, { key, fields, expires, onUpload });
      return { url: `${origin}/${BUCKET}/`, fields: { ...fields } };
    },
    clear() {
      objects.clear();
      uploads.clear();
    },
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      process.stderr.write(`[sandbox files] ${req.method} ${req.url}: ${err && err.stack}\n`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async function handle(req, res) {
    const url = new URL(req.url || '/', 'http://files.invalid');
    const method = (req.method || 'GET').toUpperCase();
    const auth = req.headers.authorization;
    const entry = rt.newLogEntry('files', method, url.pathname, url.searchParams, auth !== undefined);
    if (auth !== undefined) {
      // Name the leaked token (never its value) so tests can see whose it was.
      const m = /^\s*\S+\s+(\S+)/.exec(auth);
      const t = m ? rt.tokenRegistry.get(m[1]) : undefined;
      entry.token = t ? t.name : null;
    }

    /** @param {number} status @param {string | Buffer} body @param {Record<string, string | number>} [headers] */
    const send = (status, body, headers = {}) => {
      rt.finishLog(entry, status);
      const isXml = typeof body === 'string' && body.startsWith('<?xml');
      res.writeHead(status, { ...(isXml ? { 'Content-Type': 'application/xml' } : {}), 'Content-Length': Buffer.byteLength(body), ...headers });
      res.end(method === 'HEAD' ? undefined : body);
    };

    if (auth !== undefined) {
      // What S3 says when a pre-signed request also carries an Authorization header.
      req.resume();
      return send(400, s3Error('InvalidArgument', 'Unsupported Authorization Type'));
    }

    const prefix = `/${BUCKET}/`;
    if (!url.pathname.startsWith(prefix)) {
      req.resume();
      return send(404, s3Error('NoSuchBucket', 'The specified bucket does not exist'));
    }

    if (method === 'GET' || method === 'HEAD') {
      const key = decodeURIComponent(url.pathname.slice(prefix.length));
      const q = url.searchParams;
      const date = q.get('X-Amz-Date') || '';
      const ttl = q.get('X-Amz-Expires') || '';
      if (!q.get('X-Amz-Signature')) return send(403, s3Error('AccessDenied', 'Access Denied'));
      if (q.get('X-Amz-Signature') !== sign(`GET\n${key}\n${date}\n${ttl}`)) {
        return send(403, s3Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'));
      }
      const issued = Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      if (!(issued + Number(ttl) * 1000 + 1000 >= Date.now())) return send(403, s3Error('AccessDenied', 'Request has expired'));
      const obj = objects.get(key);
      if (!obj) return send(404, s3Error('NoSuchKey', 'The specified key does not exist.'));
      if (typeof obj.body === 'function') obj.body = obj.body();
      if (!Buffer.isBuffer(obj.body)) {
        // Streamed with its length known up front, as S3 sends every object.
        res.writeHead(200, {
          'Content-Type': obj.contentType,
          'Content-Length': obj.body.size,
          'Content-Disposition': `attachment; filename="${obj.filename}"`,
          ETag: `"${crypto.createHash('md5').update(key).digest('hex')}"`,
        });
        if (method === 'HEAD') {
          rt.finishLog(entry, 200);
          return res.end();
        }
        pipeline(obj.body.open(), res, () => rt.finishLog(entry, 200));
        return;
      }
      return send(200, obj.body, {
        'Content-Type': obj.contentType,
        'Content-Disposition': `attachment; filename="${obj.filename}"`,
        ETag: `"${crypto.createHash('md5').update(obj.body).digest('hex')}"`,
      });
    }

    if (method === 'POST' && url.pathname === prefix) {
      const type = String(req.headers['content-type'] || '');
      const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
      if (!/^multipart\/form-data/i.test(type) || !boundary) {
        req.resume();
        return send(412, s3Error('PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data'));
      }
      // S3 takes no chunked POST bodies: the length must be declared up front.
      if (req.headers['content-length'] === undefined) {
        req.resume();
        return send(411, s3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.'));
      }
      // Read at most the limit plus room for the form fields; stop beyond it.
      const limit = MAX_UPLOAD_BYTES + 64 * 1024;
      const declared = Number(req.headers['content-length'] || 0);
      if (declared > limit) {
        res.setHeader('Connection', 'close');
        send(400, s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
        req.destroy();
        return;
      }
      /** @type {Buffer[]} */
      const chunks = [];
      let size = 0;
      for await (const chunk of req) {
        size += chunk.length;
        if (size > limit) {
          res.setHeader('Connection', 'close');
          send(400, s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      }
      const parts = parseMultipart(Buffer.concat(chunks), boundary[1] || boundary[2]);
      if (!parts) return send(400, s3Error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.'));
      // S3 ignores every form field after the file part, so fields sent late count as missing.
      const fileIndex = parts.findIndex((p) => p.filename !== undefined || p.name === 'file');
      if (fileIndex < 0) return send(400, s3Error('InvalidArgument', 'POST requires exactly one file upload per request.'));
      /** @type {Record<string, string>} */
      const fields = {};
      for (const p of parts.slice(0, fileIndex)) fields[p.name.toLowerCase() === 'policy' ? 'policy' : p.name] = p.data.toString('utf8');
      const upload = fields.policy ? uploads.get(fields.policy) : undefined;
      if (!upload) return send(403, s3Error('AccessDenied', 'Invalid according to Policy: Policy Condition failed'));
      for (const [k, v] of Object.entries(upload.fields)) {
        if (fields[k] !== v) {
          return send(403, s3Error('AccessDenied', `Invalid according to Policy: Policy Condition failed: ["eq", "$${xmlEscape(k)}", "${xmlEscape(v)}"]`));
        }
      }
      if (Date.now() > upload.expires) return send(403, s3Error('AccessDenied', 'Invalid according to Policy: Policy expired.'));
      const file = parts[fileIndex];
      if (file.data.length > MAX_UPLOAD_BYTES) return send(400, s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
      upload.onUpload({ data: file.data, filename: file.filename || 'upload', contentType: file.contentType || 'application/octet-stream' });
      const etag = crypto.createHash('md5').update(file.data).digest('hex');
      const location = `${origin}/${BUCKET}/${upload.key}`;
      return send(201, `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${xmlEscape(location)}</Location>`
        + `<Bucket>${BUCKET}</Bucket><Key>${xmlEscape(upload.key)}</Key><ETag>"${etag}"</ETag></PostResponse>`, { ETag: `"${etag}"`, Location: location });
    }

    req.resume();
    return send(405, s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.'));
  }

  return { server, store };
}

/** @typedef {{ size: number, open: () => import('node:stream').Readable }} StreamedBody */

module.exports = { createFileStore, BUCKET, MAX_UPLOAD_BYTES };
