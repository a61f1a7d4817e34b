import { EdgeHttpError } from './edge-error.ts';

/** Largest request body `POST .../predict` accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The 413 of a body over `limit` bytes. */
export function payloadTooLarge(limit: number): EdgeHttpError {
  return new EdgeHttpError(413, 'payload_too_large', `request body is larger than ${limit} bytes`);
}

/**
 * Reads a request body as JSON, refusing it (413) once more than `limit` bytes have arrived: a chunked body
 * has no Content-Length (a declared one over the limit is refused before, by `refuseOversizeBody`). A body
 * that stops arriving midway (the client went away) is a 400 `incomplete_body`, not an error of the worker.
 */
export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readText(req, limit);
  if (text.trim() === '')
    throw new EdgeHttpError(400, 'invalid_json', 'request body is empty; send JSON like {"features": [...]}');
  try {
    return JSON.parse(text);
  } catch {
    throw new EdgeHttpError(400, 'invalid_json', 'request body is not valid JSON');
  }
}

async function readText(req: Request, limit: number): Promise<string> {
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      throw new EdgeHttpError(400, 'incomplete_body', 'the request body ended before it was complete');
    }
    if (next.done) break;
    size += next.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(limit);
    }
    chunks.push(next.value);
  }
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
