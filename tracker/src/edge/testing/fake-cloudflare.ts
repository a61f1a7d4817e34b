import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** The raw request target (path and query, as sent). */
  url: string;
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
}

/** Options of the fake. */
export interface FakeCloudflareOptions {
  accountId: string;
  apiToken: string;
  namespaceId: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Keys per ListObjectsV2 page (default 1000, as S3). */
  pageSize?: number;
  /** The least size of a multipart upload's parts but the last (default 5 MiB, as R2). */
  minPartBytes?: number;
}

/** A multipart upload the fake holds until it is completed or aborted. */
export interface PendingUpload {
  key: string;
  contentType?: string;
  parts: Map<number, Buffer>;
}

/** A canned answer the next matching request gets instead of the normal one. */
interface Injected {
  match: (r: RecordedRequest) => boolean;
  status: number;
  body: string;
  contentType: string;
}

/**
 * A local stand-in for the two Cloudflare APIs the production edge calls: the KV REST API under
 * `/client/v4/accounts/...` and R2's S3 API (path-style) under `/<bucket>/...`. It keeps objects in
 * memory, answers the way Cloudflare and S3 document (JSON envelopes, XML documents, 404 codes),
 * checks the bearer token, verifies every SigV4 signature and body hash independently of the
 * client, and records every request so tests can assert its exact shape. Multipart uploads follow
 * R2's rules: parts of at least `minPartBytes` but the last, all of one size, completed in order with
 * their ETags.
 */
export class FakeCloudflare {
  readonly requests: RecordedRequest[] = [];
  readonly kv = new Map<string, string>();
  readonly objects = new Map<string, { body: Buffer; contentType?: string }>();
  /** Multipart uploads started and neither completed nor aborted, by upload id. */
  readonly uploads = new Map<string, PendingUpload>();
  private uploadCount = 0;
  private readonly injected: Injected[] = [];
  private server?: Server;
  private origin = '';

  constructor(readonly options: FakeCloudflareOptions) {}

  /** Base of the KV REST API (what `EDGEFLOW_CF_API_URL` takes). */
  get apiUrl(): string {
    return `${this.origin}/client/v4`;
  }

  /** The S3 endpoint (what `EDGEFLOW_R2_ENDPOINT` takes). */
  get r2Endpoint(): string {
    return this.origin;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())) ?? resolve());
  }

  /** Answers the next request that `match` accepts with this status and body. */
  inject(match: (r: RecordedRequest) => boolean, status: number, body: string, contentType = 'application/json'): void {
    this.injected.push({ match, status, body, contentType });
  }

  reset(): void {
    this.requests.length = 0;
    this.injected.length = 0;
    this.kv.clear();
    this.objects.clear();
    this.uploads.clear();
    this.uploadCount = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = req.url ?? '/';
    const [rawPath = '/', rawQuery = ''] = url.split('?', 2) as [string, string?];
    const query: Record<string, string> = {};
    for (const part of rawQuery.split('&').filter(Boolean)) {
      const [k = '', v = ''] = part.split('=', 2) as [string, string?];
      query[decodeURIComponent(k)] = decodeURIComponent(v);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const r: RecordedRequest = {
      method: req.method ?? 'GET',
      url,
      path: rawPath,
      query,
      headers,
      body: Buffer.concat(chunks),
    };
    this.requests.push(r);

    const i = this.injected.findIndex((x) => x.match(r));
    if (i >= 0) {
      const [x] = this.injected.splice(i, 1);
      res.writeHead(x!.status, { 'content-type': x!.contentType }).end(x!.body);
      return;
    }
    if (rawPath.startsWith('/client/v4/')) this.kvApi(r, rawPath, res);
    else this.s3Api(r, rawPath, rawQuery, res);
  }

  // --- Workers KV REST API -------------------------------------------------------------------

  private kvApi(r: RecordedRequest, rawPath: string, res: ServerResponse): void {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const failure = (status: number, code: number, message: string): void =>
      json(status, { success: false, errors: [{ code, message }], messages: [], result: null });

    if (r.headers.authorization !== `Bearer ${this.options.apiToken}`)
      return failure(400, 10000, 'Authentication error');
    const m = /^\/client\/v4\/accounts\/([^/]+)\/storage\/kv\/namespaces\/([^/]+)\/values\/([^/]+)$/.exec(rawPath);
    if (!m) return failure(404, 7003, `Could not route to ${rawPath}, perhaps your object identifier is invalid?`);
    const [, account, ns, rawKey] = m as unknown as [string, string, string, string];
    if (account !== this.options.accountId) return failure(403, 10000, 'Authentication error');
    if (ns !== this.options.namespaceId) return failure(404, 10013, 'namespace not found');
    const key = decodeURIComponent(rawKey);
    switch (r.method) {
      case 'GET': {
        const value = this.kv.get(key);
        if (value === undefined) return failure(404, 10009, "get: 'key not found'");
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(value);
        return;
      }
      case 'PUT':
        this.kv.set(key, r.body.toString('utf8'));
        return json(200, { success: true, errors: [], messages: [], result: {} });
      case 'DELETE':
        this.kv.delete(key);
        return json(200, { success: true, errors: [], messages: [], result: null });
      default:
        return failure(405, 10405, 'Method not allowed');
    }
  }

  // --- R2's S3 API ---------------------------------------------------------------------------

  private s3Api(r: RecordedRequest, rawPath: string, rawQuery: string, res: ServerResponse): void {
    const xml = (status: number, body: string): void => {
      res.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
    };
    const error = (status: number, code: string, message: string): void =>
      xml(status, `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);

    const problem = this.checkSignature(r, rawPath, rawQuery);
    if (problem) return error(403, problem.code, problem.message);

    const segments = rawPath
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
    const [bucket, ...keyParts] = segments as [string, ...string[]];
    if (bucket !== this.options.bucket) return error(404, 'NoSuchBucket', 'The specified bucket does not exist.');
    const key = keyParts.join('/');

    if (!key) {
      if (r.method === 'GET' && r.query['list-type'] === '2') return xml(200, this.listV2(r.query));
      if (r.method === 'POST' && 'delete' in r.query) {
        const md5 = createHash('md5').update(r.body).digest('base64');
        if (r.headers['content-md5'] !== md5)
          return error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
        const keys = [...r.body.toString('utf8').matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((m) => xmlUnescape(m[1]!));
        if (keys.length > 1000) return error(400, 'MalformedXML', 'more than 1000 keys');
        for (const k of keys) this.objects.delete(k);
        return xml(200, '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>');
      }
      return error(400, 'InvalidRequest', `unsupported bucket request ${r.method} ${r.url}`);
    }
    if (r.method === 'POST' && 'uploads' in r.query) {
      // An opaque id that needs URL encoding to survive the round trip.
      const id = `up+${++this.uploadCount}/=`;
      this.uploads.set(id, { key, contentType: r.headers['content-type'], parts: new Map() });
      return xml(
        200,
        `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${this.options.bucket}</Bucket>` +
          `<Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(id)}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if ('uploadId' in r.query) {
      const upload = this.uploads.get(r.query.uploadId!);
      if (!upload || upload.key !== key)
        return error(404, 'NoSuchUpload', 'The specified multipart upload does not exist.');
      return this.multipart(r, r.query.uploadId!, upload, res, xml, error);
    }
    switch (r.method) {
      case 'PUT':
        this.objects.set(key, { body: r.body, contentType: r.headers['content-type'] });
        res.writeHead(200, { etag: `"${createHash('md5').update(r.body).digest('hex')}"` }).end();
        return;
      case 'GET': {
        const o = this.objects.get(key);
        if (!o) return error(404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, { 'content-type': o.contentType ?? 'application/octet-stream' }).end(o.body);
        return;
      }
      case 'DELETE':
        this.objects.delete(key);
        res.writeHead(204).end();
        return;
      default:
        return error(405, 'MethodNotAllowed', r.method);
    }
  }

  private multipart(
    r: RecordedRequest,
    id: string,
    upload: PendingUpload,
    res: ServerResponse,
    xml: (status: number, body: string) => void,
    error: (status: number, code: string, message: string) => void,
  ): void {
    const etag = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;
    if (r.method === 'PUT') {
      const n = Number(r.query.partNumber);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) return error(400, 'InvalidArgument', 'bad partNumber');
      upload.parts.set(n, r.body);
      res.writeHead(200, { etag: etag(r.body) }).end();
      return;
    }
    if (r.method === 'DELETE') {
      this.uploads.delete(id);
      res.writeHead(204).end();
      return;
    }
    if (r.method !== 'POST') return error(405, 'MethodNotAllowed', r.method);
    const named = [
      ...r.body.toString('utf8').matchAll(/<Part><PartNumber>(\d+)<\/PartNumber><ETag>([\s\S]*?)<\/ETag><\/Part>/g),
    ].map((m) => ({ n: Number(m[1]), etag: xmlUnescape(m[2]!) }));
    if (named.length === 0) return error(400, 'MalformedXML', 'no parts');
    const parts: Buffer[] = [];
    for (const [i, p] of named.entries()) {
      const body = upload.parts.get(p.n);
      if (!body || etag(body) !== p.etag) return error(400, 'InvalidPart', `part ${p.n} was not uploaded as named`);
      if (i > 0 && p.n <= named[i - 1]!.n) return error(400, 'InvalidPartOrder', 'parts must be in ascending order');
      parts.push(body);
    }
    const min = this.options.minPartBytes ?? 5 * 1024 * 1024;
    const leading = parts.slice(0, -1);
    if (leading.some((b) => b.length < min))
      return error(400, 'EntityTooSmall', `parts but the last must be ${min} bytes or more`);
    if (leading.some((b) => b.length !== parts[0]!.length))
      return error(400, 'InvalidPart', 'parts but the last must be of one size');
    const body = Buffer.concat(parts);
    this.objects.set(upload.key, { body, contentType: upload.contentType });
    this.uploads.delete(id);
    return xml(
      200,
      `<CompleteMultipartUploadResult><Key>${xmlEscape(upload.key)}</Key><ETag>${xmlEscape(etag(body))}</ETag></CompleteMultipartUploadResult>`,
    );
  }

  private listV2(q: Record<string, string>): string {
    const pageSize = this.options.pageSize ?? 1000;
    const prefix = q.prefix ?? '';
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    // An opaque token that needs both XML escaping and URL encoding to survive the round trip.
    const start = q['continuation-token']
      ? Number(/^tok&<(\d+)>=\+\/$/.exec(q['continuation-token'])?.[1] ?? 'NaN')
      : 0;
    if (!Number.isInteger(start)) throw new Error(`bad continuation token ${q['continuation-token']}`);
    const page = keys.slice(start, start + pageSize);
    const truncated = start + pageSize < keys.length;
    const contents = page
      .map(
        (k) =>
          `<Contents><Key>${xmlEscape(k)}</Key><Size>${this.objects.get(k)!.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join('');
    return (
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${this.options.bucket}</Name>` +
      `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys>` +
      `<IsTruncated>${truncated}</IsTruncated>${contents}` +
      (truncated ? `<NextContinuationToken>${xmlEscape(`tok&<${start + pageSize}>=+/`)}</NextContinuationToken>` : '') +
      '</ListBucketResult>'
    );
  }

  /** Verifies SigV4 (header form) the way S3 does; returns the S3 error when it does not hold. */
  private checkSignature(
    r: RecordedRequest,
    rawPath: string,
    rawQuery: string,
  ): { code: string; message: string } | undefined {
    const auth =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
        r.headers.authorization ?? '',
      );
    if (!auth) return { code: 'AccessDenied', message: 'missing or malformed SigV4 authorization' };
    const [, keyId, date, region, service, signedHeaders, signature] = auth as unknown as string[];
    if (keyId !== this.options.accessKeyId) return { code: 'InvalidAccessKeyId', message: 'unknown access key' };
    if (region !== 'auto' || service !== 's3')
      return { code: 'AuthorizationHeaderMalformed', message: `region/service ${region}/${service}` };
    const amzDate = r.headers['x-amz-date'] ?? '';
    if (!amzDate.startsWith(date!))
      return { code: 'AccessDenied', message: 'x-amz-date does not match the credential date' };
    const payloadHash = r.headers['x-amz-content-sha256'];
    if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== createHash('sha256').update(r.body).digest('hex')) {
      return { code: 'XAmzContentSHA256Mismatch', message: 'The provided x-amz-content-sha256 header does not match.' };
    }
    const names = signedHeaders!.split(';');
    if (!names.includes('host') || !names.includes('x-amz-date') || !names.includes('x-amz-content-sha256')) {
      return {
        code: 'AccessDenied',
        message: `host, x-amz-date and x-amz-content-sha256 must be signed (got ${signedHeaders})`,
      };
    }
    const canonicalUri = rawPath
      .split('/')
      .map((s) => rfc3986(decodeURIComponent(s)))
      .join('/');
    const canonicalQuery = rawQuery
      .split('&')
      .filter(Boolean)
      .map((p) => p.split('=', 2).map((x) => rfc3986(decodeURIComponent(x ?? ''))))
      .map(([k, v = '']) => [k!, v] as const)
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalHeaders = names.map((n) => `${n}:${(r.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
    const canonical = [r.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join(
      '\n',
    );
    let k: Buffer = createHmac('sha256', `AWS4${this.options.secretAccessKey}`).update(date!).digest();
    for (const part of [region!, service!, 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
    const expected = createHmac('sha256', k).update(toSign).digest('hex');
    if (expected !== signature) {
      return {
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided.',
      };
    }
    return undefined;
  }
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Escapes like S3 does, numeric references included, so the client must decode both forms. */
function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
