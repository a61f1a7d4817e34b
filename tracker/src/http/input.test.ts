import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { stringList } from '../routes/search-params.ts';
import { readInput } from './input.ts';
import { onError } from './on-error.ts';
import { replyPage } from './reply.ts';

const Schema = z.object({
  name: z.string().min(1),
  ids: stringList(10).optional(),
  tags: z.array(z.string()).default([]),
  n: z.number().optional(),
});

const app = new Hono();
app.all('/echo', async (c) => c.json(await readInput(c, Schema)));
app.onError(onError);

async function send(path: string, init?: RequestInit) {
  const res = await app.request(path, init);
  return { status: res.status, body: await res.json() };
}
const json = (method: string, body: string) => ({ method, body, headers: { 'content-type': 'application/json' } });

describe('readInput', () => {
  it("reads a GET's query string: list keys from every repetition, other keys from their first value", async () => {
    expect(await send('/echo?name=a&name=b&ids=1&ids=2&tags=x')).toEqual({
      status: 200,
      body: { name: 'a', ids: ['1', '2'], tags: ['x'] },
    });
    expect((await send('/echo?name=a&ids=1')).body).toEqual({ name: 'a', ids: ['1'], tags: [] });
  });

  it("reads another method's JSON body and ignores its query string", async () => {
    expect(await send('/echo?name=q', json('POST', '{"name":"b","ids":"3","n":2}'))).toEqual({
      status: 200,
      body: { name: 'b', ids: ['3'], tags: [], n: 2 },
    });
    expect((await send('/echo?name=q', json('PATCH', '{}'))).status).toBe(400);
  });

  it("reads a DELETE's query string and JSON body together, the body winning", async () => {
    expect((await send('/echo?name=q', { method: 'DELETE' })).body).toEqual({ name: 'q', tags: [] });
    expect((await send('/echo?name=q&ids=1&ids=2', json('DELETE', '{"name":"b"}'))).body).toEqual({
      name: 'b',
      ids: ['1', '2'],
      tags: [],
    });
  });

  it('reads an empty body as {} and refuses a body that is not a JSON object', async () => {
    expect(await send('/echo', json('POST', ' '))).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      },
    });
    for (const body of ['{"name":', '[1]', '"x"', 'null']) {
      const res = await send('/echo', json('POST', body));
      expect(res.status, body).toBe(400);
      expect(res.body.error_code, body).toBe('MALFORMED_REQUEST');
    }
  });

  it('names the parameter a schema refuses', async () => {
    const res = await send('/echo', json('POST', '{"name":"a","n":"x"}'));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        "Invalid value x for parameter 'n' supplied. Hint: Value was of type 'str'. See the API docs for more information about request parameters.",
    });
    // a top-level null is an absent field, as protobuf's JSON mapping reads it
    expect(await send('/echo', json('POST', '{"name":"a","n":null}'))).toEqual({
      status: 200,
      body: { name: 'a', tags: [] },
    });
    expect((await send('/echo', json('POST', '{"name":null}'))).body.message).toBe(
      "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    );
  });
});

describe('replyPage', () => {
  const pages = new Hono().get('/page', (c) =>
    replyPage(c, 'runs', c.req.query('more') ? { items: [1, 2], next_page_token: 'tok' } : { items: [] }),
  );

  it('puts the items under the key and the token only when there is a next page', async () => {
    expect(await (await pages.request('/page?more=1')).json()).toEqual({ runs: [1, 2], next_page_token: 'tok' });
    expect(await (await pages.request('/page')).json()).toEqual({ runs: [] });
  });
});
