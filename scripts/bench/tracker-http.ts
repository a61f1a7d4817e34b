import { Agent, request } from 'node:http';

/** A JSON reply: the HTTP status and the parsed body. */
export interface JsonReply {
  status: number;
  body: any;
}

/**
 * A keep-alive HTTP/1.1 client for the tracker bench: one socket per request in flight, bodies sent as
 * prebuilt strings so the load generator spends little CPU on the shared 2-core machine.
 */
export class BenchClient {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;
  readonly #headers: Record<string, string>;

  /** `headers` go with every request (the tracker's `Authorization` when its auth is on). */
  constructor(baseUrl: string, maxSockets = 64, headers: Record<string, string> = {}) {
    this.#headers = headers;
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** POSTs `body` (an object or a prebuilt JSON string) to `/api/2.0/mlflow/<path>`. */
  post(path: string, body: unknown): Promise<JsonReply> {
    return this.#send('POST', `/api/2.0/mlflow/${path}`, typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** GETs `/api/2.0/mlflow/<path>?<query>`. */
  get(path: string, query: Record<string, string | number>): Promise<JsonReply> {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    return this.#send('GET', `/api/2.0/mlflow/${path}?${qs}`);
  }

  /** Like `post`, but throws unless the status is 200. */
  async ok(path: string, body: unknown): Promise<any> {
    const r = await this.post(path, body);
    if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  /** Sends a prebuilt body to any path of the tracker (from the root, query string included) with extra headers. */
  send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<JsonReply> {
    return this.#send(method, path, body, headers);
  }

  close(): void {
    this.#agent.destroy();
  }

  #send(method: string, path: string, body?: string, extra: Record<string, string> = {}): Promise<JsonReply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#host,
          port: this.#port,
          method,
          path,
          agent: this.#agent,
          headers: {
            ...this.#headers,
            ...extra,
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              // keep the text
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** Runs `count` tasks with at most `concurrency` in flight; `task(i)` gets the task index. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
