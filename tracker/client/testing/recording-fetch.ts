/** One request the client sent, as a test sees it. */
export interface RecordedCall {
  method: string;
  /** Path after the origin, without the query. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

type Fault = { match: (c: RecordedCall) => boolean; respond: () => Response };

/**
 * A `fetch` that records every request, can answer chosen ones itself (a 503, a malformed answer, a
 * network failure), and passes the rest to the real fetch — so the same assertions hold whether the
 * client talks to the fake tracker or to the real one.
 */
export function recordingFetch(inner: typeof fetch = globalThis.fetch) {
  const calls: RecordedCall[] = [];
  const faults: Fault[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    const body = init?.body === undefined || init.body === null ? undefined : new Uint8Array(await req.clone().arrayBuffer());
    let json: unknown;
    if (body) {
      try {
        json = JSON.parse(new TextDecoder().decode(body));
      } catch {
        json = undefined;
      }
    }
    const url = new URL(req.url);
    const call: RecordedCall = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(req.headers),
      body,
      json,
    };
    calls.push(call);
    const i = faults.findIndex((f) => f.match(call));
    if (i >= 0) return faults.splice(i, 1)[0]!.respond();
    return inner(input, init);
  };
  return {
    fetch: fetchFn,
    calls,
    /** The next request `match` accepts gets `respond()` (which may throw, like a network failure). */
    fail(match: (c: RecordedCall) => boolean, respond: () => Response) {
      faults.push({ match, respond });
    },
    /** Calls to one API path (e.g. `mlflow/runs/log-batch`). */
    to(endpoint: string) {
      return calls.filter((c) => c.path.endsWith(`/${endpoint}`));
    },
  };
}
