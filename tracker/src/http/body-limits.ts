import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type MlflowError, tooLarge } from '../errors.ts';
import { reply } from './reply.ts';

/**
 * Caps JSON request bodies at `maxBytes`: a declared Content-Length past the cap is refused before a
 * byte is read, a chunked body (hono's `bodyLimit`) as soon as it passes the cap, both with 413
 * RESOURCE_EXHAUSTED. A body with a Content-Length is judged by the header alone, never touching the
 * request's stream, so that the handler reads it straight from the socket (@hono/node-server's fast
 * path) rather than through a web stream.
 *
 * @example
 * ```ts
 * api.use(jsonBodyLimit(4 * 1024 ** 2));
 * ```
 */
export function jsonBodyLimit(maxBytes: number): MiddlewareHandler {
  const error = tooLarge(
    `The request body is larger than the ${maxBytes} bytes the tracker accepts (EDGEFLOW_MAX_JSON_BYTES).`,
  );
  const refuse = (c: Context) => reply(c, error.toJSON(), error.status);
  const chunked = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return chunked(c, next);
    // Node's parser takes exactly the declared bytes, no more.
    return Number.parseInt(length, 10) > maxBytes ? refuse(c) : next();
  };
}

/**
 * The request body as a stream of at most `maxBytes`, never read whole. A declared Content-Length
 * past the cap throws `error` before a byte is read; otherwise the bytes are counted as they are read
 * and the stream fails with `error` once they pass the cap, so a reader writing it somewhere stops
 * and cleans up.
 */
export function cappedBody(c: Context, maxBytes: number, error: MlflowError): ReadableStream<Uint8Array> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) throw error;
  const body = c.req.raw.body;
  if (!body) return new ReadableStream({ start: (controller) => controller.close() });
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.length;
        if (seen > maxBytes) controller.error(error);
        else controller.enqueue(chunk);
      },
    }),
  );
}
