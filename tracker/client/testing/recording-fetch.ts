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

/**
 * A `fetch` that records every request the client sends, then sends it with the real fetch (or
 * `inner`), so tests assert the exact requests against a real tracker.
 */
export function recordingFetch(inner: typeof fetch = globalThis.fetch) {
  const calls: RecordedCall[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const req = new Request(input, init);
    const body =
      init?.body === undefined || init.body === null ? undefined : new Uint8Array(await req.clone().arrayBuffer());
    let json: unknown;
    if (body) {
      try {
        json = JSON.parse(new TextDecoder().decode(body));
      } catch {
        json = undefined;
      }
    }
    const url = new URL(req.url);
    calls.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(req.headers),
      body,
      json,
    });
    return inner(input, init);
  };
  return {
    fetch: fetchFn,
    calls,
    /** Calls to one API path (e.g. `mlflow/runs/log-batch`). */
    to(endpoint: string) {
      return calls.filter((c) => c.path.endsWith(`/${endpoint}`));
    },
  };
}
