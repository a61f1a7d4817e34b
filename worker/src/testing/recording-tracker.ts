/** The host the worker tests' outbound fetches reach (served in Node by `recordingTracker`). */
export const RECORDING_TRACKER_HOST = 'tracker.test';

/** Labels whose prediction_id starts with this are refused by the recording tracker, as the tracker refuses unknown ids. */
export const UNKNOWN_ID_PREFIX = 'unknown-';

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
 * starts `/status/NNN/`. A feedback batch (`{labels}`) with ids that start `UNKNOWN_ID_PREFIX` is answered as
 * the tracker answers labels without a stored prediction: 404 naming them in `prediction_ids` (and not recorded,
 * as the tracker stores nothing of it). `GET /recorded` answers what it recorded, oldest first.
 */
export function recordingTracker(): (request: Request) => Promise<Response> {
  const recorded: RecordedRequest[] = [];
  return async (request) => {
    const url = new URL(request.url);
    if (url.host !== RECORDING_TRACKER_HOST) return new Response('no network in tests', { status: 502 });
    if (request.method === 'GET' && url.pathname === '/recorded') return Response.json(recorded);
    const body = await request.text();
    const unknown = labelIds(body).filter((id) => id.startsWith(UNKNOWN_ID_PREFIX));
    if (unknown.length) {
      const message = `No stored prediction for ${unknown.join(', ')}.`;
      return Response.json(
        { error_code: 'RESOURCE_DOES_NOT_EXIST', message, prediction_ids: unknown },
        { status: 404 },
      );
    }
    recorded.push({ method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), body });
    const status = /^\/status\/(\d{3})\//.exec(url.pathname);
    return Response.json({}, { status: status ? Number(status[1]) : 200 });
  };
}

function labelIds(body: string): string[] {
  try {
    const labels = (JSON.parse(body) as { labels?: Array<{ prediction_id: string }> }).labels;
    return Array.isArray(labels) ? labels.map((l) => l.prediction_id) : [];
  } catch {
    return [];
  }
}
