import type { Context } from 'hono';
import type * as z from 'zod';
import { MlflowError } from '../errors.ts';
import { describeZodError } from './on-error.ts';

/** Largest JSON body the tracker reads (a full log-batch is well under 1 MB). */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request's JSON body and validates it. An empty body reads as `{}` (MLflow clients send
 * none for some calls); invalid JSON is MALFORMED_REQUEST; a schema mismatch throws the ZodError,
 * which `onError` turns into INVALID_PARAMETER_VALUE.
 */
export async function readBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw new MlflowError('INVALID_PARAMETER_VALUE', 'Request body too large.');
  let data: unknown = {};
  if (text.trim()) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new MlflowError('MALFORMED_REQUEST', 'Malformed request: the body is not valid JSON.');
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new MlflowError('MALFORMED_REQUEST', 'Malformed request: the body must be a JSON object.');
  }
  return validate(schema, data);
}

/** Reads a GET request's query string (one value per name; the last one wins) and validates it. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return validate(schema, c.req.query());
}

/** Reads parameters from the query string and, when there is one, the JSON body (DELETE calls send either). */
export async function readQueryOrBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const query = c.req.query();
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new MlflowError('MALFORMED_REQUEST', 'Malformed request: the body is not valid JSON.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new MlflowError('MALFORMED_REQUEST', 'Malformed request: the body must be a JSON object.');
    }
  }
  return validate(schema, { ...query, ...(body as object) });
}

function validate<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const result = schema.safeParse(data);
  if (!result.success) throw new MlflowError('INVALID_PARAMETER_VALUE', describeZodError(result.error, data));
  return result.data;
}
