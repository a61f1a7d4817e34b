import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import { MlflowError } from '../errors.ts';
import { reply } from './reply.ts';

/**
 * The app's one error handler: MlflowError → its status and `{error_code, message}`; a failed zod
 * validation → INVALID_PARAMETER_VALUE naming the parameter; anything else → INTERNAL_ERROR, logged,
 * with no stack in the answer.
 */
export function onError(error: Error, c: Context): Response {
  if (error instanceof MlflowError) return reply(c, error.toJSON(), error.status);
  if (error instanceof z.ZodError) {
    return reply(c, new MlflowError('INVALID_PARAMETER_VALUE', describeZodError(error)).toJSON(), 400);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code = error.status === 404 ? 'ENDPOINT_NOT_FOUND' : 'BAD_REQUEST';
    return reply(c, { error_code: code, message: error.message || 'Bad request' }, error.status as 400);
  }
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  return reply(c, new MlflowError('INTERNAL_ERROR', 'Internal error; see the tracker log.').toJSON(), 500);
}

/** The answer to an unknown path: ENDPOINT_NOT_FOUND, as MLflow's server gives. */
export function notFoundHandler(c: Context): Response {
  return reply(c, new MlflowError('ENDPOINT_NOT_FOUND', `No endpoint ${c.req.method} ${c.req.path}.`).toJSON(), 404);
}

/**
 * One sentence per problem, as MLflow words them: `Missing value for required parameter 'x'.` or
 * `Invalid value for parameter 'x': …`. With the validated `input`, a missing value is recognised
 * whatever schema refused it.
 */
export function describeZodError(error: z.ZodError, input?: unknown): string {
  return error.issues
    .map((issue) => {
      const name = issue.path.map(String).join('.') || 'body';
      const absent = input !== undefined && valueAt(input, issue.path) === undefined;
      if (absent || (issue.code === 'invalid_type' && issue.message.endsWith('received undefined'))) {
        return `Missing value for required parameter '${name}'.`;
      }
      if (issue.message.startsWith('Missing value')) return `${issue.message}.`;
      return `Invalid value for parameter '${name}': ${issue.message}.`;
    })
    .join(' ');
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
