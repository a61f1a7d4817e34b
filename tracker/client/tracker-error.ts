/**
 * A failed tracker call: `errorCode` is MLflow's `error_code` (e.g. `RESOURCE_DOES_NOT_EXIST`), or
 * `UNREACHABLE` (status 0) when the tracker could not be reached, or `INVALID_RESPONSE` when its
 * answer did not have the documented shape.
 */
export class TrackerError extends Error {
  readonly errorCode: string;
  readonly status: number;

  constructor(errorCode: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TrackerError';
    this.errorCode = errorCode;
    this.status = status;
  }

  /** Whether trying again later may succeed (unreachable, rate-limited, server error). */
  get retriable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Whether `err` is a TrackerError with this MLflow error code. */
export function isTrackerError(err: unknown, errorCode?: string): err is TrackerError {
  return err instanceof TrackerError && (errorCode === undefined || err.errorCode === errorCode);
}
