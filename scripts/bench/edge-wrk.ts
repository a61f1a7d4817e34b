import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What one wrk run measured. */
export interface WrkResult {
  requests: number;
  rps: number;
  p50ms: number;
  p99ms: number;
  /** Non-2xx answers plus socket errors. */
  errors: number;
  /** What the errors were, for the report. */
  errorText: string;
}

/** A request to load: GET without `body`, JSON POST with it. */
export interface WrkTarget {
  url: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Runs `wrk` against `target` with `connections` for `seconds` (2 threads) and parses its report. */
export async function runWrk(target: WrkTarget, connections: number, seconds: number): Promise<WrkResult> {
  const script = join(tmpdir(), `edgeflow-wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  const lines: string[] = [];
  if (target.body !== undefined) {
    lines.push(
      'wrk.method = "POST"',
      `wrk.body = ${luaString(target.body)}`,
      'wrk.headers["content-type"] = "application/json"',
    );
  }
  for (const [k, v] of Object.entries(target.headers ?? {}))
    lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  if (process.env.BENCH_DEBUG) {
    lines.push(
      'local shown = 0',
      'function response(status, headers, body)',
      '  if status ~= 200 and shown < 3 then shown = shown + 1; io.stderr:write(status .. " " .. string.sub(body, 1, 300) .. "\\n") end',
      'end',
    );
  }
  await writeFile(script, `${lines.join('\n')}\n`);
  const threads = Math.min(2, connections);
  const { stdout, stderr } = await run(
    'wrk',
    ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', script, target.url],
    {
      maxBuffer: 1 << 20,
    },
  );
  if (process.env.BENCH_DEBUG) process.stderr.write(stderr);
  return parseWrk(stdout);
}

/** Parses wrk's `--latency` report. */
export function parseWrk(out: string): WrkResult {
  const requests = Number(out.match(/(\d+) requests in/)?.[1] ?? NaN);
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN);
  const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
  const socket = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const errorText = [
    non2xx ? `${non2xx} non-2xx` : '',
    socketErrors ? `socket ${socket!.slice(1).join('/')} (connect/read/write/timeout)` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return {
    requests,
    rps,
    p50ms: latencyMs(out, '50%'),
    p99ms: latencyMs(out, '99%'),
    errors: non2xx + socketErrors,
    errorText,
  };
}

function latencyMs(out: string, pct: string): number {
  const m = out.match(new RegExp(`^\\s*${pct}\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm'));
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
