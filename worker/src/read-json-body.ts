import { EdgeHttpError } from './edge-error.ts';

/** Largest request body `POST .../predict` accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (limit: number) =>
  new EdgeHttpError(413, 'payload_too_large', `request body is larger than ${limit} bytes`);

/**
 * Reads a request body as JSON, refusing bodies over `limit` bytes both by their Content-Length and
 * by what actually arrives (a chunked body has no Content-Length).
 */
export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
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
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
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
