/**
 * `npm run bench:ui`: the dashboard's speed in headless Chromium (Debian's, via playwright-core) against
 * the real tracker (its own process, embedded libSQL file in a temp folder) filled with 10,000 runs
 * (10 params and 10 metrics each, 100 steps of history for 500 of them), 50 runs × 1,000 steps to
 * compare, and a run with a 100,000-point metric. Prints, per case, the median of several repeats against
 * issue 5's targets. Times are taken inside the page (performance marks the dashboard sets), from
 * navigation start or from the click. Compare loads a chart's histories when it nears the viewport, so
 * its target is timed on the first screen (diff table and the charts in view); all 10 charts, scrolled
 * through, are shown beside it. `BENCH_REPEATS` (default 5) sets the repeats, `BENCH_UI_RUNS`
 * (default 10000) the runs of the big experiment. Exits 1 when a case misses its target or fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openStore } from '../tracker/src/store/libsql-store.ts';
import { launchChromium } from '../tracker/ui/testing/chromium.ts';
import { fillForUiBench, UI_FILL, type UiFilled } from './bench/ui-fill.ts';
import {
  chartRedraw,
  compareAllCharts,
  compareFirstView,
  runPageCharts,
  runsFirstRender,
  runsTableChange,
  timeToMark,
} from './bench/ui-measure.ts';
import { freePort, type Service, startTracker } from './services.ts';

const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5));
const RUNS = Math.max(200, Number(process.env.BENCH_UI_RUNS ?? UI_FILL.runs));

interface Row {
  name: string;
  /** Target in ms (under), or null for a figure shown without one. */
  target: number | null;
  samples: number[];
  error?: string;
}

const rows: Row[] = [];

async function measure(name: string, target: number | null, once: (i: number) => Promise<number>): Promise<void> {
  const row: Row = { name, target, samples: [] };
  rows.push(row);
  try {
    for (let i = 0; i < REPEATS; i++) row.samples.push(await once(i));
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
  }
  console.log(`  ${name}: ${row.samples.map((v) => v.toFixed(0)).join(', ')} ms${row.error ? ` — ${row.error}` : ''}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function printTable(): boolean {
  const head = ['case', 'median', 'samples (ms)', 'target', 'result'];
  const body = rows.map((r) => {
    const med = r.samples.length ? median(r.samples) : NaN;
    const ok = !r.error && r.samples.length === REPEATS && (r.target === null || med < r.target);
    return [
      r.name,
      Number.isNaN(med) ? '—' : `${med.toFixed(0)} ms`,
      r.samples.map((v) => v.toFixed(0)).join(' '),
      r.target === null ? '(info)' : `< ${r.target} ms`,
      r.error ? 'ERROR' : r.target === null ? '' : ok ? 'pass' : 'FAIL',
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const b of body) console.log(line(b));
  return body.every((b) => b[4] !== 'FAIL' && b[4] !== 'ERROR');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'edgeflow-bench-ui-'));
  const dataDir = join(dir, 'data');
  let tracker: Service | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    console.log(
      `filling the store with ${RUNS} runs (+${UI_FILL.compareRuns} to compare, 1 of ${UI_FILL.bigChartPoints} points)…`,
    );
    const store = await openStore({ url: `file:${join(dataDir, 'tracker.db')}` });
    let filled: UiFilled;
    try {
      filled = await fillForUiBench(
        store,
        { ...UI_FILL, runs: RUNS, runsWithHistory: Math.round((RUNS * UI_FILL.runsWithHistory) / UI_FILL.runs) },
        8,
        (l) => console.log(l),
      );
    } finally {
      await store.close();
    }
    console.log(
      `filled: ${filled.points.toLocaleString('en')} metric points in ${(filled.ms / 1000).toFixed(1)} s (store directly, 8 writes in flight)`,
    );

    tracker = await startTracker({
      trackerHost: '127.0.0.1',
      trackerPort: await freePort(),
      workerPort: 0,
      dataDir,
      stateDir: join(dir, 'state'),
    });
    const base = tracker.url;
    browser = await launchChromium();
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    // Warm-up, not counted: the bundle into the browser cache, the tracker's first queries.
    const cold = await runsFirstRender(page, base, filled.experimentId);
    await timeToMark(page, `${base}/runs/${filled.chartRunId}`, 'run-charts-drawn');
    console.log(`cold first load of the runs table (empty browser cache): ${cold.toFixed(0)} ms`);
    console.log(`measuring, ${REPEATS} repeats each:`);

    const runsUrl = `${base}/experiments/${filled.experimentId}`;
    await measure(`runs table first render (${RUNS.toLocaleString('en')} runs, 100 a page)`, 1000, () =>
      runsFirstRender(page, base, filled.experimentId),
    );
    await measure('runs table sort by a metric (server)', 300, async (i) => {
      await runsFirstRender(page, base, filled.experimentId);
      return runsTableChange(page, { sort: `metrics.m${i % 10}` });
    });
    await measure('runs table sort by a param (server)', 300, async (i) => {
      await runsFirstRender(page, base, filled.experimentId);
      return runsTableChange(page, { sort: `params.p${i % 10}` });
    });
    await measure('runs table filter (metric and param)', 300, async (i) => {
      await page.goto(runsUrl, { waitUntil: 'commit' });
      await page.waitForFunction(() => performance.getEntriesByName('runs-rendered').length > 0);
      return runsTableChange(page, { filter: `metrics.m1 > 0.${5 + (i % 4)} and params.p2 = 'v3'` });
    });
    await measure('run page with 10 charts (100 steps each)', 1000, () =>
      runPageCharts(page, base, filled.chartRunId, 10),
    );
    const compareName = `compare ${filled.compareRunIds.length} runs × ${UI_FILL.compareSteps.toLocaleString('en')} steps`;
    await measure(`${compareName}: first screen`, 1000, () =>
      compareFirstView(page, base, filled.compareRunIds, UI_FILL.compareSteps),
    );
    await measure(`${compareName}: all 10 charts (scrolled)`, null, () =>
      compareAllCharts(page, base, filled.compareRunIds, 10),
    );
    await timeToMark(page, `${base}/runs/${filled.bigChartRunId}`, 'run-charts-drawn', 60_000);
    await measure(`chart of ${UI_FILL.bigChartPoints.toLocaleString('en')} points (data → pixels)`, 300, () =>
      chartRedraw(page, UI_FILL.bigChartPoints),
    );
    await measure(
      `run page with a ${UI_FILL.bigChartPoints.toLocaleString('en')}-point chart (fetch + draw)`,
      null,
      () => timeToMark(page, `${base}/runs/${filled.bigChartRunId}`, 'run-charts-drawn', 60_000),
    );
    if (errors.length) rows.push({ name: 'page errors', target: 0, samples: [], error: errors.join('; ') });

    console.log('');
    const ok = printTable();
    process.exitCode = ok ? 0 : 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await tracker?.stop().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error('bench:ui failed:', e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
