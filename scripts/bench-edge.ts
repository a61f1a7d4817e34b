/**
 * `npm run bench:edge`: builds the worker as deployed (`wrangler deploy --dry-run --outdir`), runs that
 * bundle in workerd through Miniflare's Node API (not behind `wrangler dev`), seeds R2/KV with the demo
 * model (20→64→32→1) and a larger one (256→512→512→10), loads it with wrk from this machine and prints
 * requests/s, p50, CPU per request (workerd's utime+stime over the requests served), the pointer-flip
 * time, memory and batch-64 throughput per backend, beside a bare `GET /ping`. Fails when the bundle is
 * over 1 MB gzip. `BENCH_SECONDS` (default 5) sets each wrk run's length.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { pointerKey } from '../contracts/index.ts';
import { type BenchModel, buildBenchModel } from './bench/edge-models.ts';
import { bundleOptions, childPids, cpuSeconds, rssMiB } from './bench/edge-proc.ts';
import { runWrk, type WrkTarget } from './bench/edge-wrk.ts';
import { BUNDLE_LIMIT, buildWorker, kib } from './build-worker.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TTL_MS = Number(process.env.BENCH_TTL_MS ?? 20);

interface Row {
  what: string;
  conns: number | string;
  rps: string;
  p50: string;
  cpu: string;
  note: string;
}
const rows: Row[] = [];

async function main(): Promise<void> {
  const outdir = await mkdtemp(join(tmpdir(), 'edgeflow-bundle-'));
  try {
    const { files, rawBytes, gzipBytes } = await buildWorker(outdir);
    console.log(
      `bundle: ${files.join(', ')} — ${kib(rawBytes)} raw, ${kib(gzipBytes)} gzip (limit ${kib(BUNDLE_LIMIT)})`,
    );
    if (gzipBytes > BUNDLE_LIMIT)
      throw new Error(`the bundle is ${kib(gzipBytes)} gzip, over the ${kib(BUNDLE_LIMIT)} limit`);
    for (const backend of backendsToRun()) await benchBackend(outdir, backend);
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
  printTable();
}

function backendsToRun(): string[] {
  return (process.env.BENCH_BACKENDS ?? 'auto,cpu,wasm')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function benchBackend(outdir: string, backend: string): Promise<void> {
  const demo = await buildBenchModel('demo', '1', [20, 64, 32, 1], 1);
  const demo2 = await buildBenchModel('demo', '2', [20, 64, 32, 1], 2);
  const large = await buildBenchModel('large', '1', [256, 512, 512, 10], 3);
  const large2 = await buildBenchModel('large', '2', [256, 512, 512, 10], 4);
  const mf = new Miniflare(
    bundleOptions(outdir, { DEFAULT_MODEL: 'demo', POINTER_TTL_MS: String(TTL_MS), EDGEFLOW_BACKEND: backend }),
  );
  try {
    const base = (await mf.ready).toString().replace(/\/$/, '');
    const [pid] = childPids('workerd');
    if (!pid) throw new Error('no workerd process found under this one');
    const bucket = await mf.getR2Bucket('MODELS');
    const kv = await mf.getKVNamespace('POINTERS');
    for (const m of [demo, demo2, large, large2]) {
      for (const [file, bytes] of Object.entries(m.files)) await bucket.put(m.pointer.artifacts + file, bytes);
    }
    await kv.put(pointerKey('demo'), JSON.stringify(demo.pointer));
    await kv.put(pointerKey('large'), JSON.stringify(large.pointer));

    const predict = (m: BenchModel, n = 1): WrkTarget => ({
      url: `${base}/v1/models/${m.name}/predict`,
      body: JSON.stringify(n === 1 ? { features: m.row } : { instances: Array.from({ length: n }, () => m.row) }),
    });
    for (const t of [predict(demo), predict(large), predict(large, 64), predict(demo, 64)]) await expectOk(t);
    const label = `[${backend}]`;
    const load = async (what: string, t: WrkTarget, conns: number, perRequest = 1) => {
      const before = cpuSeconds(pid);
      const r = await runWrk(t, conns, SECONDS);
      const cpu = cpuSeconds(pid) - before;
      rows.push({
        what: `${label} ${what}`,
        conns,
        rps: perRequest === 1 ? r.rps.toFixed(0) : `${r.rps.toFixed(1)} (${(r.rps * perRequest).toFixed(0)} inst/s)`,
        p50: `${r.p50ms.toFixed(2)} ms`,
        cpu: `${((cpu / r.requests) * 1000).toFixed(3)} ms`,
        note: r.errorText,
      });
    };
    if (backend === backendsToRun()[0]) {
      await load('GET /ping', { url: `${base}/ping` }, 10);
      await load('GET /ping', { url: `${base}/ping` }, 50);
    }
    await load('demo predict', predict(demo), 10);
    await load('demo predict', predict(demo), 50);
    await load('demo batch 64', predict(demo, 64), 10, 64);
    await load('large predict', predict(large), 10);
    await load('large batch 64', predict(large, 64), 10, 64);

    for (const [from, to] of [
      [demo, demo2],
      [large, large2],
    ] as const) {
      const flip = await flipTime(kv, predict(from), to);
      rows.push({
        what: `${label} flip ${from.name} ${from.version}→${to.version}`,
        conns: 1,
        rps: '',
        p50: '',
        cpu: '',
        note: flip,
      });
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const line of metrics.split('\n')) {
      if (line.startsWith('edgeflow_predict_requests_total') && !line.includes('status="200"'))
        console.log(`${label} not 200: ${line}`);
    }
    const backends = [
      ...metrics.matchAll(/edgeflow_model_loaded_bytes\{model="(\w+)",version="(\d+)",backend="([\w-]+)"\} (\d+)/g),
    ]
      .map((m) => `${m[1]}@${m[2]}:${m[3]}`)
      .join(' ');
    rows.push({
      what: `${label} workerd memory`,
      conns: '',
      rps: '',
      p50: '',
      cpu: '',
      note: `${rssMiB(pid).toFixed(0)} MiB RSS; loaded ${backends}`,
    });
  } finally {
    await mf.dispose();
  }
}

async function expectOk(t: WrkTarget): Promise<void> {
  const res = await fetch(t.url, { method: 'POST', body: t.body, headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`${t.url} answered ${res.status}: ${await res.text()}`);
}

/** Flips the pointer to `to` while predicting back to back; time until `to` answers, and any failure. */
async function flipTime(
  kv: { put(k: string, v: string): Promise<unknown> },
  target: WrkTarget,
  to: BenchModel,
): Promise<string> {
  const init = { method: 'POST', body: target.body, headers: { 'content-type': 'application/json' } };
  await kv.put(pointerKey(to.name), JSON.stringify(to.pointer));
  const start = performance.now();
  let failures = 0;
  let slowest = 0;
  for (let i = 0; i < 100_000; i++) {
    const t0 = performance.now();
    const res = await fetch(target.url, init);
    slowest = Math.max(slowest, performance.now() - t0);
    if (!res.ok) failures++;
    const version = res.headers.get('x-model-version');
    await res.arrayBuffer();
    if (version === to.version) {
      const ms = performance.now() - start;
      return `${ms.toFixed(1)} ms to answer v${to.version} (pointer TTL ${TTL_MS} ms), ${i + 1} requests, slowest ${slowest.toFixed(1)} ms, ${failures} failed`;
    }
  }
  return 'never switched';
}

function printTable(): void {
  const head: Row = { what: 'what', conns: 'conns', rps: 'req/s', p50: 'p50', cpu: 'CPU/req', note: 'note' };
  const all = [head, ...rows];
  const width = (k: keyof Row) => Math.max(...all.map((r) => String(r[k]).length));
  const keys: Array<keyof Row> = ['what', 'conns', 'rps', 'p50', 'cpu', 'note'];
  for (const [i, r] of all.entries()) {
    console.log(
      keys
        .map((k) => String(r[k]).padEnd(width(k)))
        .join('  ')
        .trimEnd(),
    );
    if (i === 0) console.log(keys.map((k) => '-'.repeat(width(k))).join('  '));
  }
}

main().catch((error: unknown) => {
  console.error(`bench:edge failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
