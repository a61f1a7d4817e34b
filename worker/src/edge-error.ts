import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * An error the worker answers with a JSON `EdgeError` body (`{error: {code, message}}`) and `status`.
 * Everything else thrown inside a handler becomes a stack-less 500.
 */
export class EdgeHttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EdgeHttpError';
  }
}
