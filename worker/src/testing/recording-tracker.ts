/** The host the worker tests' outbound fetches reach (served in Node by `recordingTracker`). */
export const RECORDING_TRACKER_HOST = 'tracker.test';

/** One request the recording tracker received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * A stand-in for the tracker's ingest endpoint as the worker tests' outbound service (it runs in Node,
 * outside workerd): records every request and answers 200 `{}`, or the status `NNN` under a path that
 * starts `/status/NNN/`. `GET /recorded` answers what it recorded, oldest first.
 */
export function recordingTracker(): (request: Request) => Promise<Response> {
  const recorded: RecordedRequest[] = [];
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== RECORDING_TRACKER_HOST) return new Response('no network in tests', { status: 502 });
    if (request.method === 'GET' && url.pathname === '/recorded') return Response.json(recorded);
    recorded.push({
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body: await request.text(),
    });
    const status = /^\/status\/(\d{3})\//.exec(url.pathname);
    return Response.json({}, { status: status ? Number(status[1]) : 200 });
  };
}
