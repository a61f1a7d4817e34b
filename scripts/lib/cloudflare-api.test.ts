import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudflareApiError, cloudflareApi } from './cloudflare-api.ts';

describe('cloudflareApi', () => {
  const answers: { status: number; body: string }[] = [];
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const a = answers.shift() ?? { status: 404, body: '{}' };
    res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/client/v4`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const envelope = (result: unknown, result_info?: unknown) =>
    JSON.stringify({ success: true, errors: [], messages: [], result, result_info });

  it('stops paging at an empty page even when total_count promises more', async () => {
    seen.length = 0;
    answers.push(
      { status: 200, body: envelope([1, 2], { page: 1, per_page: 2, total_count: 9 }) },
      { status: 200, body: envelope([], { page: 2, per_page: 2, total_count: 9 }) },
    );
    expect(await cloudflareApi({ apiToken: 't', baseUrl: base }).pages('/things')).toEqual([1, 2]);
    expect(seen).toEqual(['/client/v4/things?page=1', '/client/v4/things?page=2']);
  });

  it('without total_count, goes on while pages come back as full as per_page asked', async () => {
    seen.length = 0;
    answers.push({ status: 200, body: envelope([1, 2]) }, { status: 200, body: envelope([3]) });
    expect(await cloudflareApi({ apiToken: 't', baseUrl: base }).pages('/things', { per_page: '2' })).toEqual([
      1, 2, 3,
    ]);
    expect(seen).toEqual(['/client/v4/things?per_page=2&page=1', '/client/v4/things?per_page=2&page=2']);
  });

  it('rejects with the status and every error code of the envelope', async () => {
    answers.push({
      status: 409,
      body: JSON.stringify({
        success: false,
        errors: [
          { code: 10004, message: 'exists' },
          { code: 10005, message: 'bad name' },
        ],
        messages: [],
        result: null,
      }),
    });
    const error = await cloudflareApi({ apiToken: 't', baseUrl: base })
      .call('POST', '/r2/buckets', { name: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(error).toMatchObject({
      status: 409,
      codes: [10004, 10005],
      message: 'POST /r2/buckets failed: HTTP 409: exists [code 10004]; bad name [code 10005]',
    });
  });

  it('a server that cannot be reached is one line naming the call', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = (await cloudflareApi({ apiToken: 't', baseUrl: `http://127.0.0.1:${port}` })
      .call('GET', '/queues?page=1')
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`GET /queues: fetch failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
