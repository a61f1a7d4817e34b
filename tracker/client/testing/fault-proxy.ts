import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a request gets instead of the tracker's answer: an HTTP status and body, or a dropped connection. */
export type Fault = { status: number; body: string; contentType?: string } | 'drop';

/** A request as `failNext` matches it: the method and the path after the origin (no query). */
export interface ProxiedRequest {
  method: string;
  path: string;
}

/** A local HTTP proxy in front of a tracker that can answer chosen requests with a network fault. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: point the client here. */
  url: string;
  /** The next request `match` accepts gets `fault` and never reaches the tracker. */
  failNext(match: (req: ProxiedRequest) => boolean, fault: Fault): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding',
  'host',
]);

/**
 * Starts the proxy on a free port of 127.0.0.1. Every request goes to `target` unchanged unless a
 * fault waits for it: what a real tracker cannot be made to do on demand (a 503, a 429, a gateway's
 * HTML page, an answer of the wrong shape, a connection dropped mid-request), for the client's tests.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults: { match: (req: ProxiedRequest) => boolean; fault: Fault }[] = [];
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(599, { 'content-type': 'text/plain' });
      res.end(`fault proxy: ${String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const i = faults.findIndex((f) => f.match({ method, path }));
    if (i >= 0) {
      const { fault } = faults.splice(i, 1)[0]!;
      if (fault === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' }).end(fault.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const upstream = await fetch(target + (req.url ?? '/'), {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
    });
    const out: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) out[name] = value;
    });
    res.writeHead(upstream.status, out).end(Buffer.from(await upstream.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failNext(match, fault) {
      faults.push({ match, fault });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
