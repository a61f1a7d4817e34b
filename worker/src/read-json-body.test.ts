import { describe, expect, it } from 'vitest';
import { EdgeHttpError } from './edge-error.ts';
import { readJsonBody } from './read-json-body.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { send, sendWith } from './testing/send.ts';

/** A request whose body streams `chunks`, then fails as a client that went away does. */
function abandoned(url: string, chunks: string[]): Request {
  const bytes = chunks.map((c) => new TextEncoder().encode(c));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = bytes.shift();
      if (next) controller.enqueue(next);
      else controller.error(new Error('Network connection lost.'));
    },
  });
  return new Request(url, { method: 'POST', body });
}

describe('readJsonBody', () => {
  it('parses a body that arrives in pieces, split inside a UTF-8 sequence', async () => {
    const bytes = new TextEncoder().encode('{"name":"детектор"}');
    const parts = [bytes.subarray(0, 10), bytes.subarray(10)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    expect(await readJsonBody(new Request('http://edge/', { method: 'POST', body }))).toEqual({ name: 'детектор' });
  });

  it('refuses a body that stops arriving midway with a 400 incomplete_body, not an error of the worker', async () => {
    const error = await readJsonBody(abandoned('http://edge/', ['{"features": [1, '])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EdgeHttpError);
    expect(error).toMatchObject({ status: 400, code: 'incomplete_body' });
  });

  it('makes an abandoned predict a 400 in /metrics, never a 500', async () => {
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '1' })).pointer);
    const res = await sendWith({}, `/v1/models/${model}/predict`, abandoned(`http://edge/`, ['{"features": [0.1,']));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: 'incomplete_body', message: 'the request body ended before it was complete' },
    });
    const metrics = await (await send('/metrics')).text();
    expect(metrics).toContain(`edgeflow_predict_requests_total{model="${model}",version="",status="400"} 1`);
    expect(metrics).not.toContain(`edgeflow_predict_requests_total{model="${model}",version="",status="500"}`);
  });
});
