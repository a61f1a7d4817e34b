import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** MLflow's error codes, with the HTTP status MLflow's server answers them with. */
export const ERROR_STATUS = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  MALFORMED_REQUEST: 400,
  INVALID_STATE: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_CONFLICT: 409,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  REQUEST_LIMIT_EXCEEDED: 429,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

/** One of MLflow's error codes. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type of the tracker: thrown anywhere, turned into `{error_code, message}` by `onError`. */
export class MlflowError extends Error {
  readonly code: ErrorCode;
  /** The HTTP status of the answer: the code's own unless the thrower named another. */
  readonly status: ContentfulStatusCode;

  constructor(code: ErrorCode, message: string, status: ContentfulStatusCode = ERROR_STATUS[code]) {
    super(message);
    this.name = 'MlflowError';
    this.code = code;
    this.status = status;
  }

  toJSON(): { error_code: ErrorCode; message: string } {
    return { error_code: this.code, message: this.message };
  }
}

/** Shorthand for the most common errors. */
export const invalid = (message: string) => new MlflowError('INVALID_PARAMETER_VALUE', message);
export const notFound = (message: string) => new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
export const alreadyExists = (message: string) => new MlflowError('RESOURCE_ALREADY_EXISTS', message);
/** A request body past a size limit: RESOURCE_EXHAUSTED, answered 413 Content Too Large. */
export const tooLarge = (message: string) => new MlflowError('RESOURCE_EXHAUSTED', message, 413);
