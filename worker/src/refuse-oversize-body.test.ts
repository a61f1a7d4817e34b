import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from './read-json-body.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { sendWith } from './testing/send.ts';

/** A predict request declaring `length` bytes whose body counts how often it is read from. */
function declaring(length: string) {
  const reads = { count: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        reads.count++;
        controller.enqueue(new TextEncoder().encode(' '.repeat(64 * 1024)));
      },
    },
    { highWaterMark: 0 },
  );
  const init = { method: 'POST', headers: { 'content-length': length }, body, duplex: 'half' } as RequestInit;
  return { init, reads };
}

describe('refuseOversizeBody', () => {
  it.each([
    ['8 MB', String(8 * 1024 * 1024)],
    ['one byte over the limit', String(MAX_BODY_BYTES + 1)],
    ['1e400', '1e400'],
  ])(
    'refuses a Content-Length of %s with a 413 before the API key check, never reading the body',
    async (_, length) => {
      const model = uniqueModel();
      await putPointer((await seedVersion({ model, version: '1' })).pointer);
      for (const path of [`/v1/models/${model}/predict`, `/v1/models/${model}/versions/1/predict`, '/predict']) {
        const { init, reads } = declaring(length);
        // REQUIRE_API_KEY is on and no key is sent: the size answers first, without a KV look-up
        const res = await sendWith({ REQUIRE_API_KEY: 'true', DEFAULT_MODEL: model }, path, init);
        expect(res.status, path).toBe(413);
        expect(await res.json()).toEqual({
          error: { code: 'payload_too_large', message: `request body is larger than ${MAX_BODY_BYTES} bytes` },
        });
        expect(reads.count, path).toBe(0);
      }
    },
  );

  it('lets a body declared within the limit through to the API key check', async () => {
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '1' })).pointer);
    const { init } = declaring(String(MAX_BODY_BYTES));
    const res = await sendWith({ REQUIRE_API_KEY: 'true' }, `/v1/models/${model}/predict`, init);
    expect(res.status).toBe(401);
  });
});
