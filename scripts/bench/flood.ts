import { connect, type Socket } from 'node:net';

/** Where a flood goes and what it sends. */
export interface FloodTarget {
  /** `http://host:port/path` of the POSTs. */
  url: string;
  /** Size of each bad body. */
  bodyBytes: number;
  /** `content-length`: the size is declared up front; `chunked`: Transfer-Encoding chunked, no Content-Length. */
  framing: 'content-length' | 'chunked';
  /** Sockets sending at once, each one bad request after another. */
  connections: number;
  /** A bad request still unanswered after this long is dropped (and counted as such). */
  timeoutMs?: number;
}

/** What a flood did. */
export interface FloodStats {
  /** Bad requests started. */
  requests: number;
  /** How they ended: `413`, `400`, `closed before an answer`, `timeout`, `cut off at the end of the phase`. */
  outcomes: Map<string, number>;
  /** Body bytes written before the server closed the connection (socket buffers included), over all requests. */
  bodyBytesSent: number;
  /** Milliseconds from connect to close, over all requests. */
  busyMs: number;
}

/** A running flood: `stop()` ends it and reports. */
export interface Flood {
  stop(): Promise<FloodStats>;
}

const PIECE = 64 * 1024;

/**
 * Starts a flood of bad requests over loopback: each socket POSTs a `bodyBytes` JSON body (`{"pad":"aaa…"}`,
 * which a server that reads it must also parse) as fast as the server takes it, like an attacker would: it keeps
 * sending after an early answer, and stops only when the server closes the connection or the body is done. Then
 * it opens a new socket (no keep-alive: an attacker needs none).
 */
export function startFlood(target: FloodTarget): Flood {
  const url = new URL(target.url);
  const body = Buffer.alloc(target.bodyBytes, 'a'.charCodeAt(0));
  body.write('{"pad":"', 0);
  body.write('"}', target.bodyBytes - 2);
  const stats: FloodStats = { requests: 0, outcomes: new Map(), bodyBytesSent: 0, busyMs: 0 };
  const open = new Set<Socket>();
  let stopped = false;

  const one = () =>
    new Promise<void>((resolve) => {
      stats.requests++;
      const started = performance.now();
      const socket = connect(Number(url.port), url.hostname);
      open.add(socket);
      let head = '';
      let outcome = '';
      let sent = 0;
      const finish = (why: string) => {
        if (!outcome) outcome = why;
        socket.destroy();
      };
      const timer = setTimeout(() => finish('timeout'), target.timeoutMs ?? 30_000);
      socket.on('data', (chunk: Buffer) => {
        if (head.length < 64) head += chunk.toString('latin1');
        const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
        if (status && !outcome) outcome = status;
      });
      socket.on('error', () => finish('closed before an answer'));
      socket.on('close', () => {
        clearTimeout(timer);
        open.delete(socket);
        stats.bodyBytesSent += sent;
        stats.busyMs += performance.now() - started;
        const key = outcome || (stopped ? 'cut off at the end of the phase' : 'closed before an answer');
        stats.outcomes.set(key, (stats.outcomes.get(key) ?? 0) + 1);
        resolve();
      });
      socket.on('connect', async () => {
        const framing =
          target.framing === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${target.bodyBytes}`;
        socket.write(
          `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`,
        );
        for (let at = 0; at < body.length && !socket.destroyed && !stopped; at += PIECE) {
          const piece = body.subarray(at, at + PIECE);
          const framed =
            target.framing === 'chunked'
              ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
              : piece;
          const more = socket.write(framed);
          sent += piece.length;
          if (!more) await new Promise((r) => (socket.once('drain', r), socket.once('close', r)));
        }
        if (socket.destroyed) return;
        if (target.framing === 'chunked') socket.write('0\r\n\r\n');
        // the whole body is out: wait for the answer, then drop the connection
        if (outcome) finish(outcome);
        else socket.once('data', () => setImmediate(() => finish(outcome)));
      });
    });

  const loops = Array.from({ length: target.connections }, async () => {
    while (!stopped) await one();
  });
  return {
    async stop() {
      stopped = true;
      for (const socket of open) socket.destroy();
      await Promise.all(loops);
      return stats;
    },
  };
}

/** `413 ×120, closed before an answer ×3` */
export function describeOutcomes(outcomes: Map<string, number>): string {
  return [...outcomes]
    .sort((a, b) => b[1] - a[1])
    .map(([what, n]) => `${what} ×${n}`)
    .join(', ');
}
