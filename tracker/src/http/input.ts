import type { Context } from 'hono';
import * as z from 'zod';
import { MlflowError } from '../errors.ts';
import { describeZodError } from './on-error.ts';

/**
 * Reads a request's parameters and validates them with `schema` (zod or zod/mini, as contracts use). Where they come from depends on the
 * method alone: a GET's (or HEAD's) query string; a DELETE's query string and JSON body together
 * (MLflow's clients send either); any other method's JSON body. In a query string, a key the schema
 * takes as a list may repeat (`?run_ids=a&run_ids=b`, as MLflow's clients send lists); any other key
 * takes its first value. An empty body reads as `{}` (MLflow's clients send none for some calls), and a
 * top-level `null` as an absent field (as protobuf's JSON mapping reads it); a body that is not a JSON
 * object is MALFORMED_REQUEST; a schema mismatch is INVALID_PARAMETER_VALUE in MLflow's words
 * (`describeZodError`).
 *
 * @example
 * ```ts
 * app.get('/experiments/get', async (c) => {
 *   const { experiment_id } = await readInput(c, z.object({ experiment_id: idString }));
 *   return reply(c, { experiment: await store.getExperiment(experiment_id) });
 * });
 * ```
 */
export async function readInput<T extends z.core.$ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const method = c.req.method;
  let data: Record<string, unknown>;
  if (method === 'GET' || method === 'HEAD') data = readQuery(c, schema);
  else if (method === 'DELETE') data = { ...readQuery(c, schema), ...(await readJsonObject(c)) };
  else data = await readJsonObject(c);
  const result = z.safeParse(schema, data);
  if (!result.success) throw new MlflowError('INVALID_PARAMETER_VALUE', describeZodError(result.error, data));
  return result.data;
}

function readQuery(c: Context, schema: z.core.$ZodType): Record<string, unknown> {
  const data: Record<string, unknown> = { ...c.req.query() };
  for (const key of listKeys(schema)) {
    const values = c.req.queries(key);
    if (values) data[key] = values;
  }
  return data;
}

const parsedBodies = new WeakMap<Request, Promise<Record<string, unknown>>>();

/** The request's JSON body, parsed once however many readers there are (`authorize`, then the handler). */
function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  let parsed = parsedBodies.get(c.req.raw);
  if (!parsed) {
    parsed = parseJsonObject(c);
    parsedBodies.set(c.req.raw, parsed);
  }
  return parsed;
}

async function parseJsonObject(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new MlflowError('MALFORMED_REQUEST', 'Malformed request: the body is not valid JSON.');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new MlflowError('MALFORMED_REQUEST', 'Malformed request: the body must be a JSON object.');
  }
  const fields = data as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (fields[key] === null) delete fields[key];
  return fields;
}

const listKeysOf = new WeakMap<z.core.$ZodType, readonly string[]>();

/** The keys of an object schema whose values may be arrays (read from every repetition in a query string). */
function listKeys(schema: z.core.$ZodType): readonly string[] {
  let keys = listKeysOf.get(schema);
  if (!keys) {
    keys = schema instanceof z.ZodObject ? Object.keys(schema.shape).filter((k) => acceptsArray(schema.shape[k])) : [];
    listKeysOf.set(schema, keys);
  }
  return keys;
}

function acceptsArray(schema: unknown): boolean {
  if (schema instanceof z.ZodArray) return true;
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    return acceptsArray(schema.unwrap());
  }
  if (schema instanceof z.ZodPipe) return acceptsArray(schema.in);
  if (schema instanceof z.ZodUnion) return schema.options.some(acceptsArray);
  return false;
}
