import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import type { BlobInfo, BlobStore } from './blob-store.ts';
import {
  completeMultipartXml,
  deleteObjectsXml,
  parseDeleteErrors,
  parseListObjectsV2,
  parseS3Error,
  parseUploadId,
  type UploadedPart,
} from './s3-xml.ts';
import { type MultipartUpload, PART_BYTES, uploadInParts } from './upload-in-parts.ts';

/** Options of the R2 backend over its S3-compatible API. */
export interface R2S3Options {
  /** Cloudflare account id; gives the default endpoint `https://<accountId>.r2.cloudflarestorage.com`. */
  accountId?: string;
  /** The S3 endpoint (overrides `accountId`); tests point it at a local server. */
  endpoint?: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Retries of a request answered 429 or 5xx (default 3), done by aws4fetch with backoff. */
  retries?: number;
  /** Part size of streamed uploads (default `PART_BYTES`; R2 takes 5 MiB and more). */
  partBytes?: number;
}

/** The most keys one DeleteObjects request may name. */
const DELETE_BATCH = 1000;

/**
 * R2 through its S3-compatible API, path-style (`<endpoint>/<bucket>/<key>`), region `auto`, every
 * request signed with SigV4 over the real SHA-256 of its body. Keys are encoded the way SigV4
 * canonicalizes them (RFC 3986, `/` kept), so the URL sent and the path signed are the same bytes.
 * Streamed uploads longer than one part are multipart uploads (CreateMultipartUpload, UploadPart,
 * CompleteMultipartUpload), aborted (AbortMultipartUpload) when the stream or a part fails.
 */
export function r2S3Blobs(options: R2S3Options): BlobStore {
  const endpoint =
    options.endpoint ?? (options.accountId ? `https://${options.accountId}.r2.cloudflarestorage.com` : undefined);
  if (!endpoint) throw new Error('r2S3Blobs needs an endpoint or an accountId');
  const bucketUrl = `${endpoint.replace(/\/+$/, '')}/${encodeRfc3986(options.bucket)}`;
  const aws = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    service: 's3',
    region: 'auto',
    retries: options.retries ?? 3,
  });

  async function send(
    method: string,
    url: string,
    body?: Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const payload = body ?? new Uint8Array();
    return aws.fetch(url, {
      method,
      body: body ? new Uint8Array(body) : undefined,
      headers: { ...headers, 'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex') },
    });
  }

  async function fail(op: string, what: string, res: Response): Promise<never> {
    const err = parseS3Error(await res.text());
    const detail = err ? `${err.code}: ${err.message}` : res.statusText || 'no error message';
    throw new Error(`R2 ${op} ${what} failed: HTTP ${res.status} ${detail}`);
  }

  const objectUrl = (key: string) => {
    if (!key) throw new Error('an R2 object key must not be empty');
    return `${bucketUrl}/${key.split('/').map(encodeRfc3986).join('/')}`;
  };

  async function putObject(key: string, bytes: Uint8Array, contentType?: string): Promise<void> {
    const res = await send('PUT', objectUrl(key), bytes, contentType ? { 'content-type': contentType } : {});
    if (!res.ok) return fail('PutObject', `"${key}"`, res);
    await res.body?.cancel();
  }

  async function startMultipart(key: string, contentType?: string): Promise<MultipartUpload<UploadedPart>> {
    const url = objectUrl(key);
    const created = await send('POST', `${url}?uploads`, undefined, contentType ? { 'content-type': contentType } : {});
    if (!created.ok) return fail('CreateMultipartUpload', `"${key}"`, created);
    const upload = `uploadId=${encodeRfc3986(parseUploadId(await created.text()))}`;
    return {
      async uploadPart(partNumber, bytes) {
        const res = await send('PUT', `${url}?partNumber=${partNumber}&${upload}`, bytes);
        if (!res.ok) return fail('UploadPart', `${partNumber} of "${key}"`, res);
        await res.body?.cancel();
        const etag = res.headers.get('etag');
        if (!etag) throw new Error(`R2 UploadPart ${partNumber} of "${key}" answered no ETag`);
        return { partNumber, etag };
      },
      async complete(parts) {
        const body = new TextEncoder().encode(completeMultipartXml(parts));
        const res = await send('POST', `${url}?${upload}`, body, { 'content-type': 'application/xml' });
        if (!res.ok) return fail('CompleteMultipartUpload', `"${key}"`, res);
        // S3 may answer 200 and still fail, with an <Error> document as the body.
        const err = parseS3Error(await res.text());
        if (err) throw new Error(`R2 CompleteMultipartUpload "${key}" failed: ${err.code}: ${err.message}`);
      },
      async abort() {
        const res = await send('DELETE', `${url}?${upload}`);
        if (!res.ok) return fail('AbortMultipartUpload', `"${key}"`, res);
        await res.body?.cancel();
      },
    };
  }

  return {
    async put(key, body, contentType) {
      await putObject(key, typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType);
    },

    async upload(key, body, contentType) {
      await uploadInParts(
        body,
        { put: (bytes) => putObject(key, bytes, contentType), start: () => startMultipart(key, contentType) },
        options.partBytes ?? PART_BYTES,
      );
    },

    async get(key) {
      const res = await send('GET', objectUrl(key));
      if (res.status === 404) {
        const err = parseS3Error(await res.text());
        // NoSuchBucket is a misconfiguration, not a missing object.
        if (!err || err.code === 'NoSuchKey') return null;
        throw new Error(`R2 GetObject "${key}" failed: HTTP 404 ${err.code}: ${err.message}`);
      }
      if (!res.ok) return fail('GetObject', `"${key}"`, res);
      return new Uint8Array(await res.arrayBuffer());
    },

    async list(prefix) {
      const out: BlobInfo[] = [];
      let token: string | undefined;
      do {
        let query = `list-type=2&prefix=${encodeRfc3986(prefix)}`;
        if (token) query += `&continuation-token=${encodeRfc3986(token)}`;
        const res = await send('GET', `${bucketUrl}?${query}`);
        if (!res.ok) return fail('ListObjectsV2', `"${prefix}"`, res);
        const page = parseListObjectsV2(await res.text());
        out.push(...page.objects);
        token = page.nextContinuationToken;
      } while (token);
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async delete(keys) {
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        const body = new TextEncoder().encode(deleteObjectsXml(batch));
        // S3 requires Content-MD5 on DeleteObjects; R2 does not document it, but accepts it.
        const res = await send('POST', `${bucketUrl}?delete`, body, {
          'content-type': 'application/xml',
          'content-md5': createHash('md5').update(body).digest('base64'),
        });
        if (!res.ok) return fail('DeleteObjects', `(${batch.length} keys)`, res);
        const errors = parseDeleteErrors(await res.text());
        if (errors.length) {
          const first = errors
            .slice(0, 3)
            .map((e) => `"${e.key}": ${e.code} ${e.message}`)
            .join('; ');
          throw new Error(`R2 DeleteObjects failed for ${errors.length} of ${batch.length} keys: ${first}`);
        }
      }
    },
  };
}

/** Percent-encodes everything but RFC 3986's unreserved characters, as SigV4 does. */
function encodeRfc3986(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
