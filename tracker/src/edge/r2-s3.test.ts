import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { byteStream, patternBytes } from '../testing/byte-stream.ts';
import type { BlobStore } from './blob-store.ts';
import { r2S3Blobs } from './r2-s3.ts';
import { FakeCloudflare } from './testing/fake-cloudflare.ts';

const opts = {
  accountId: 'acc123',
  apiToken: 'tok',
  namespaceId: 'ns',
  bucket: 'models',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  pageSize: 2,
};

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const AUTH =
  /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/(\d{8})\/auto\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;

describe('r2S3Blobs (R2 S3-compatible API)', () => {
  const cf = new FakeCloudflare(opts);
  let blobs: BlobStore;

  beforeAll(async () => {
    await cf.start();
  });
  afterAll(() => cf.stop());
  beforeEach(() => {
    cf.reset();
    blobs = r2S3Blobs({
      endpoint: cf.r2Endpoint,
      bucket: 'models',
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
      retries: 0,
    });
  });

  it('derives the endpoint from the account id', () => {
    expect(() => r2S3Blobs({ bucket: 'b', accessKeyId: 'a', secretAccessKey: 's' })).toThrow(
      /endpoint or an accountId/,
    );
  });

  it('PutObject: path-style URL, SigV4 headers over the real body hash, content type', async () => {
    await blobs.put('artifacts/1/abc/artifacts/model/model.json', '{"format":"layers-model"}', 'application/json');
    const [r] = cf.requests;
    expect(r!.method).toBe('PUT');
    expect(r!.path).toBe('/models/artifacts/1/abc/artifacts/model/model.json');
    const m = AUTH.exec(r!.headers.authorization!);
    expect(m, r!.headers.authorization).not.toBeNull();
    expect(m![2]!.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date']));
    expect(r!.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(r!.headers['x-amz-date']!.slice(0, 8)).toBe(m![1]);
    expect(r!.headers['x-amz-content-sha256']).toBe(sha256('{"format":"layers-model"}'));
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.body.toString()).toBe('{"format":"layers-model"}');
    // The fake recomputed the signature with the secret and accepted it.
    expect(cf.objects.get('artifacts/1/abc/artifacts/model/model.json')?.body.toString()).toBe(
      '{"format":"layers-model"}',
    );
  });

  it('signs keys with characters SigV4 encodes specially, and round-trips bytes', async () => {
    const key = "runs/a b/(x)*!'~+é&=.bin";
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255]);
    await blobs.put(key, bytes);
    expect(cf.requests[0]!.path).toBe('/models/runs/a%20b/%28x%29%2A%21%27~%2B%C3%A9%26%3D.bin');
    expect(await blobs.get(key)).toEqual(bytes);
    expect(cf.requests[1]!.headers['x-amz-content-sha256']).toBe(sha256(''));
  });

  it('GetObject: 404 NoSuchKey is null; a missing bucket is an error', async () => {
    expect(await blobs.get('nope')).toBeNull();
    const other = r2S3Blobs({
      endpoint: cf.r2Endpoint,
      bucket: 'other',
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
      retries: 0,
    });
    await expect(other.get('x')).rejects.toThrow(/HTTP 404 NoSuchBucket: The specified bucket does not exist/);
  });

  it('a wrong secret is refused by signature check, with S3 error code and message, never the secret', async () => {
    const bad = r2S3Blobs({
      endpoint: cf.r2Endpoint,
      bucket: 'models',
      accessKeyId: opts.accessKeyId,
      secretAccessKey: 'not-the-secret',
      retries: 0,
    });
    const err = (await bad.put('k', 'v').catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /R2 PutObject "k" failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated/,
    );
    expect(err.message).not.toContain('not-the-secret');
    expect(cf.objects.size).toBe(0);
  });

  it('ListObjectsV2: follows continuation tokens across pages, sends them back exactly, unescapes keys', async () => {
    const keys = ['p/a&b', 'p/c<d>', 'p/e"f\'g', 'p/h i', 'p/z'];
    for (const k of keys) await blobs.put(k, k);
    await blobs.put('q/other', 'x');
    cf.requests.length = 0;

    const listed = await blobs.list('p/');
    expect(listed).toEqual([...keys].sort().map((key) => ({ key, size: Buffer.byteLength(key) })));
    expect(cf.requests.map((r) => r.query)).toEqual([
      { 'list-type': '2', prefix: 'p/' },
      { 'list-type': '2', prefix: 'p/', 'continuation-token': 'tok&<2>=+/' },
      { 'list-type': '2', prefix: 'p/', 'continuation-token': 'tok&<4>=+/' },
    ]);
    expect(cf.requests.every((r) => r.method === 'GET' && r.path === '/models')).toBe(true);
    expect(await blobs.list('none/')).toEqual([]);
  });

  it('DeleteObjects: batches of at most 1,000 keys, quiet XML with escaped keys and a correct Content-MD5', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `d/${i}&<x>`);
    for (const k of keys.slice(0, 3)) cf.objects.set(k, { body: Buffer.from('x') });
    await blobs.delete(keys);
    expect(cf.requests).toHaveLength(3);
    const counts = cf.requests.map((r) => (r.body.toString().match(/<Object>/g) ?? []).length);
    expect(counts).toEqual([1000, 1000, 500]);
    for (const r of cf.requests) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/models?delete');
      expect(r.headers['content-md5']).toBe(createHash('md5').update(r.body).digest('base64'));
      expect(r.headers['x-amz-content-sha256']).toBe(sha256(r.body));
      expect(r.body.toString()).toContain('<Quiet>true</Quiet>');
    }
    expect(cf.requests[0]!.body.toString()).toContain('<Key>d/0&amp;&lt;x&gt;</Key>');
    expect(cf.objects.size).toBe(0);
  });

  it('DeleteObjects: a per-key error in the DeleteResult fails the call', async () => {
    cf.inject(
      (r) => r.method === 'POST',
      200,
      '<?xml version="1.0"?><DeleteResult><Error><Key>a&amp;b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>',
      'application/xml',
    );
    await expect(blobs.delete(['a&b', 'c'])).rejects.toThrow(
      'R2 DeleteObjects failed for 1 of 2 keys: "a&b": AccessDenied Access Denied',
    );
  });

  it('deleting nothing sends nothing', async () => {
    await blobs.delete([]);
    expect(cf.requests).toHaveLength(0);
  });

  it('retries 5xx answers (aws4fetch) and then succeeds', async () => {
    const retrying = r2S3Blobs({
      endpoint: cf.r2Endpoint,
      bucket: 'models',
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
      retries: 2,
    });
    cf.inject(
      () => true,
      503,
      '<Error><Code>ServiceUnavailable</Code><Message>slow down</Message></Error>',
      'application/xml',
    );
    await retrying.put('k', 'v');
    expect(cf.requests).toHaveLength(2);
    expect(cf.objects.get('k')?.body.toString()).toBe('v');
  });

  describe('streamed uploads', () => {
    const MiB = 1024 * 1024;
    const streaming = () =>
      r2S3Blobs({
        endpoint: cf.r2Endpoint,
        bucket: 'models',
        accessKeyId: opts.accessKeyId,
        secretAccessKey: opts.secretAccessKey,
        retries: 0,
        partBytes: 5 * MiB,
      });

    it('sends a stream of one part or less as one PutObject', async () => {
      await streaming().upload('s/small.bin', byteStream(5 * MiB, { chunk: 70_000 }), 'application/octet-stream');
      expect(cf.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /models/s/small.bin']);
      expect(cf.objects.get('s/small.bin')?.body.equals(Buffer.from(patternBytes(5 * MiB)))).toBe(true);
    });

    it('sends a longer stream as a signed multipart upload: create, one UploadPart a part, complete', async () => {
      await streaming().upload('s/big (1).bin', byteStream(11 * MiB + 7, { chunk: 100_003 }), 'application/x-bin');
      const id = 'up%2B1%2F%3D';
      expect(cf.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /models/s/big%20%281%29.bin?uploads',
        `PUT /models/s/big%20%281%29.bin?partNumber=1&uploadId=${id}`,
        `PUT /models/s/big%20%281%29.bin?partNumber=2&uploadId=${id}`,
        `PUT /models/s/big%20%281%29.bin?partNumber=3&uploadId=${id}`,
        `POST /models/s/big%20%281%29.bin?uploadId=${id}`,
      ]);
      const [create, ...rest] = cf.requests;
      expect(create!.headers['content-type']).toBe('application/x-bin');
      const parts = rest.slice(0, 3);
      expect(parts.map((r) => r.body.length)).toEqual([5 * MiB, 5 * MiB, MiB + 7]);
      for (const r of cf.requests) {
        expect(AUTH.test(r.headers.authorization!)).toBe(true);
        expect(r.headers['x-amz-content-sha256']).toBe(sha256(r.body));
      }
      const complete = cf.requests[4]!.body.toString();
      expect(complete.match(/<PartNumber>\d+<\/PartNumber>/g)).toEqual([
        '<PartNumber>1</PartNumber>',
        '<PartNumber>2</PartNumber>',
        '<PartNumber>3</PartNumber>',
      ]);
      const stored = cf.objects.get('s/big (1).bin')!;
      expect(stored.contentType).toBe('application/x-bin');
      expect(stored.body.equals(Buffer.from(patternBytes(11 * MiB + 7)))).toBe(true);
      expect(cf.uploads.size).toBe(0);
    });

    it('aborts the multipart upload when the stream fails, leaving the object as it was', async () => {
      cf.objects.set('s/kept.bin', { body: Buffer.from('before') });
      const error = new Error('client went away');
      await expect(streaming().upload('s/kept.bin', byteStream(20 * MiB, { failAfter: 12 * MiB, error }))).rejects.toBe(
        error,
      );
      expect(cf.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'PUT', 'DELETE']);
      expect(cf.requests[3]!.url).toBe('/models/s/kept.bin?uploadId=up%2B1%2F%3D');
      expect(cf.uploads.size).toBe(0);
      expect(cf.objects.get('s/kept.bin')?.body.toString()).toBe('before');
    });

    it('aborts when a part is refused, with the S3 error, and stops reading the stream', async () => {
      cf.inject(
        (r) => r.method === 'PUT' && r.query.partNumber === '2',
        403,
        '<Error><Code>AccessDenied</Code><Message>no more</Message></Error>',
        'application/xml',
      );
      let cancelled = false;
      const stream = byteStream(30 * MiB, { onCancel: () => (cancelled = true) });
      await expect(streaming().upload('s/refused.bin', stream)).rejects.toThrow(
        'R2 UploadPart 2 of "s/refused.bin" failed: HTTP 403 AccessDenied: no more',
      );
      expect(cf.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'PUT', 'DELETE']);
      expect(cancelled).toBe(true);
      expect(cf.uploads.size).toBe(0);
      expect(cf.objects.has('s/refused.bin')).toBe(false);
    });

    it('fails on a CompleteMultipartUpload answered 200 with an <Error> body, and aborts', async () => {
      cf.inject(
        (r) => r.method === 'POST' && 'uploadId' in r.query,
        200,
        '<?xml version="1.0"?><Error><Code>InternalError</Code><Message>try again</Message></Error>',
        'application/xml',
      );
      await expect(streaming().upload('s/late.bin', byteStream(6 * MiB))).rejects.toThrow(
        'R2 CompleteMultipartUpload "s/late.bin" failed: InternalError: try again',
      );
      expect(cf.requests.at(-1)!.method).toBe('DELETE');
      expect(cf.uploads.size).toBe(0);
      expect(cf.objects.has('s/late.bin')).toBe(false);
    });
  });
});
