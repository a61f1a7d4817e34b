import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import { MlflowError } from '../errors.ts';
import { pythonStr, pythonTypeName } from '../python-values.ts';
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

/** What MLflow's server adds to its messages about request parameters. */
const SEE_DOCS = ' See the API docs for more information about request parameters.';

/** Issues about a value's kind (MLflow's type assertions and `max_results` bound), worded as MLflow's. */
const KIND_ISSUES = new Set(['invalid_type', 'invalid_union', 'invalid_value']);

/**
 * The first problem, in MLflow's server's words (`_validate_param_against_schema`): an absent, null or
 * empty value is `Missing value for required parameter 'x'. See the API docs…`; a value of the wrong
 * kind (or a number past its bound) is `Invalid value 31 for parameter 'run_id' supplied. Hint: Value
 * was of type 'int'. See the API docs…`; a value that breaks one of the tracker's own rules (a length,
 * a name's characters) is `Invalid value for parameter 'x': <the rule>.`. With the validated `input`,
 * a missing value is recognised whatever schema refused it.
 */
export function describeZodError(error: z.ZodError, input?: unknown): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid request.';
  const name = issue.path.map(String).join('.') || 'body';
  const value = input === undefined ? undefined : valueAt(input, issue.path);
  const absent = input !== undefined && (value === undefined || value === null);
  const received = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  if (absent || received || value === '') {
    return `Missing value for required parameter '${name}'.${SEE_DOCS}`;
  }
  if (issue.message.startsWith('Missing value')) return `${issue.message}.${SEE_DOCS}`;
  const kind = KIND_ISSUES.has(issue.code) || (typeof value === 'number' && issue.code.startsWith('too_'));
  if (kind && input !== undefined) {
    return `Invalid value ${pythonStr(value)} for parameter '${name}' supplied. Hint: Value was of type '${pythonTypeName(value)}'.${SEE_DOCS}`;
  }
  return `Invalid value for parameter '${name}': ${issue.message}.`;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
