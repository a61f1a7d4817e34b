import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTrackerProcess, type TrackerProcess } from '../testing/tracker-process.ts';

const MiB = 1024 * 1024;
const UPLOAD = 300 * MiB;
const CAP = 400 * MiB;

/** VmRSS and VmHWM (peak RSS) of a process, in bytes. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** PUTs `total` bytes with a declared Content-Length, one MiB at a time, as fast as the server takes them. */
async function upload(url: string, path: string, total: number): Promise<{ status: number; body: string }> {
  const req = request(`${url}${path}`, { method: 'PUT', headers: { 'content-length': String(total) } });
  const answered = once(req, 'response') as Promise<[import('node:http').IncomingMessage]>;
  const chunk = Buffer.alloc(MiB, 7);
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!req.write(chunk.subarray(0, Math.min(chunk.length, total - sent)))) await once(req, 'drain');
  }
  req.end();
  const [res] = await answered;
  let body = '';
  for await (const c of res) body += c;
  return { status: res.statusCode!, body };
}

/**
 * Sends a request head declaring `contentLength` and then only `start` of the body, over a raw
 * socket, and resolves with the answer the server gives without waiting for the rest.
 */
async function declareAndStall(url: string, head: string, contentLength: number, start: string) {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  const began = Date.now();
  socket.write(`${head}\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${contentLength}\r\n\r\n${start}`);
  let text = '';
  socket.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer in 10 s: ${text}`)), 10_000);
    socket.on('data', (d: string) => {
      text += d;
      const [headers, body = ''] = text.split('\r\n\r\n', 2);
      const length = /content-length: (\d+)/i.exec(headers!);
      if (length && Buffer.byteLength(body) >= Number(length[1])) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.on('error', reject);
  });
  socket.destroy();
  const [headers, body = ''] = text.split('\r\n\r\n', 2);
  return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(headers!)![1]), body: JSON.parse(body), ms: Date.now() - began };
}

describe('request bodies, through a real tracker process', () => {
  let tracker: TrackerProcess;
  const ART = '/api/2.0/mlflow-artifacts/artifacts';

  beforeAll(async () => {
    tracker = await startTrackerProcess({ env: { EDGEFLOW_MAX_ARTIFACT_BYTES: String(CAP) } });
  });
  afterAll(async () => {
    await tracker?.stop();
  });

  it(`streams a ${UPLOAD / MiB} MiB artifact upload to R2 with flat memory`, async () => {
    // Warm up the code paths a first upload loads, so the baseline holds them.
    expect((await upload(tracker.url, `${ART}/mem/warm.bin`, 20 * MiB)).status).toBe(200);
    const before = memoryOf(tracker.pid);
    let peak = before.rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(tracker.pid).rss);
    }, 20);
    const began = Date.now();
    const res = await upload(tracker.url, `${ART}/mem/big.bin`, UPLOAD).finally(() => clearInterval(sampler));
    expect(res).toEqual({ status: 200, body: '{}' });
    const after = memoryOf(tracker.pid);
    peak = Math.max(peak, after.rss);
    const growth = Math.max(peak, after.hwm) - Math.max(before.rss, before.hwm);
    console.log(
      `uploaded ${UPLOAD / MiB} MiB in ${Date.now() - began} ms; tracker RSS ${(before.rss / MiB).toFixed(0)} MiB ` +
        `before, peak ${(peak / MiB).toFixed(0)} MiB (+${((peak - before.rss) / MiB).toFixed(0)} MiB), ` +
        `VmHWM ${(before.hwm / MiB).toFixed(0)} → ${(after.hwm / MiB).toFixed(0)} MiB`,
    );
    expect(peak - before.rss).toBeLessThan(150 * MiB);
    expect(growth).toBeLessThan(150 * MiB);

    const listed = await fetch(`${tracker.url}${ART}?path=mem`);
    expect(await listed.json()).toEqual({
      files: [
        { path: 'big.bin', is_dir: false, file_size: UPLOAD },
        { path: 'warm.bin', is_dir: false, file_size: 20 * MiB },
      ],
    });
  }, 180_000);

  it('refuses an artifact whose declared length is past the cap with 413, without reading the body', async () => {
    const res = await declareAndStall(tracker.url, `PUT ${ART}/huge/1tb.bin HTTP/1.1`, 1024 ** 4, 'abc');
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('RESOURCE_EXHAUSTED');
    expect(res.body.message).toContain(`larger than the ${CAP} bytes`);
    expect(res.ms).toBeLessThan(5_000);
    const listed = await (await fetch(`${tracker.url}${ART}?path=huge`)).json();
    expect(listed).toEqual({ files: [] });
  });

  it('refuses a JSON body whose declared length is past the limit with 413, without reading it', async () => {
    const res = await declareAndStall(
      tracker.url,
      'POST /api/2.0/mlflow/experiments/create HTTP/1.1\r\nContent-Type: application/json',
      600 * MiB,
      '{"name": "',
    );
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_EXHAUSTED',
      message: `The request body is larger than the ${4 * MiB} bytes the tracker accepts (EDGEFLOW_MAX_JSON_BYTES).`,
    });
    expect(res.ms).toBeLessThan(5_000);
    // The tracker is still up and answers.
    expect((await fetch(`${tracker.url}/health`)).status).toBe(200);
  });
});
