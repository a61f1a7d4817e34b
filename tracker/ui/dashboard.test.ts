// The dashboard end to end: a real tracker (libSQL file, local R2/KV) in this process, real Chromium
// (Debian's), and for promotion a real worker (`wrangler dev`, workerd) on the same R2/KV state.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoTrainingResult, trainDemoModel } from '../../scripts/lib/train-demo.ts';
import { freePort, type Service, sleep, startWorker } from '../../scripts/services.ts';
import { launchChromium } from './testing/chromium.ts';
import { startTracker, type TrackerUnderTest } from './testing/tracker-under-test.ts';

const SHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
const XSS_NAME = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;
const MODEL = 'e2e-model';
/** Who the dashboard acts as: not Latin-1 (Ł: a header cannot carry it raw), with a tag that must stay text. */
const ACTOR_NAME = 'Łucja Zoë <ops>';
/** wrangler.toml's POINTER_TTL_MS: how long the worker trusts a cached pointer. */
const POINTER_TTL_MS = 2000;

let tracker: TrackerUnderTest;
let browser: Browser;
let page: Page;
let experimentId: string;
const runIds: Record<string, string> = {};
const pageErrors: string[] = [];
/** Started in beforeAll, awaited where needed, so the browser tests run while they get ready. */
let workerReady: Promise<Service>;
let modelReady: Promise<DemoTrainingResult>;
let worker: Service | undefined;

/** expect.poll with room for a loaded 2-core machine. */
const poll = <T>(fn: () => Promise<T> | T, timeout = 10_000) => expect.poll(fn, { timeout, interval: 50 });

async function logRun(
  name: string,
  lr: string,
  acc: number,
  lossScale: number,
  extraTags: { key: string; value: string }[] = [],
): Promise<string> {
  const t0 = Date.UTC(2026, 0, 1);
  const { run } = await tracker.api('POST', '/api/2.0/mlflow/runs/create', {
    experiment_id: experimentId,
    run_name: name,
    start_time: t0,
  });
  const id: string = run.info.run_id;
  const metrics = Array.from({ length: 50 }, (_, i) => ({
    key: 'loss',
    value: lossScale / (i + 1),
    step: i,
    timestamp: t0 + i * 1000,
  }));
  metrics.push({ key: 'acc', value: acc, step: 49, timestamp: t0 + 49_000 });
  await tracker.api('POST', '/api/2.0/mlflow/runs/log-batch', {
    run_id: id,
    metrics,
    params: [
      { key: 'lr', value: lr },
      { key: 'opt', value: 'adam' },
    ],
    tags: [{ key: 'team', value: 'ui' }, ...extraTags],
  });
  await tracker.api('POST', '/api/2.0/mlflow/runs/update', { run_id: id, status: 'FINISHED', end_time: t0 + 60_000 });
  return id;
}

/** Uploads a trained TFJS model (model.json, weights, signature.json) as the run's `model/` artifacts. */
async function uploadModel(runId: string, files: Record<string, Uint8Array>): Promise<void> {
  for (const [file, body] of Object.entries(files)) {
    const res = await tracker.raw(
      'PUT',
      `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/${file}`,
      new Blob([body as Uint8Array<ArrayBuffer>]),
      { 'content-type': 'application/octet-stream' },
    );
    expect(res.status, `upload ${file}`).toBeLessThan(300);
  }
}

async function livePointerVersion(): Promise<string | null> {
  const raw = await tracker.edge.kv.get(`pointer/${MODEL}`);
  return raw ? (JSON.parse(raw) as { version: string }).version : null;
}

/** The version the worker answers predictions with, or `HTTP <status>` when it does not answer one. */
async function servedVersion(features: number[]): Promise<string> {
  const res = await fetch(`${worker!.url}/v1/models/${MODEL}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ features }),
  });
  if (!res.ok) return `HTTP ${res.status}`;
  return ((await res.json()) as { version: string }).version;
}

/** Polls the worker until it serves `version`; returns how long that took. */
async function waitForServed(features: number[], version: string, timeoutMs = 20_000): Promise<number> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    last = await servedVersion(features);
    if (last === version) return Date.now() - t0;
    await sleep(50);
  }
  throw new Error(`the worker did not serve version ${version} within ${timeoutMs} ms (last answer: ${last})`);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function runNamesInTable(): Promise<string[]> {
  return page.$$eval('#runs-table tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent ?? ''));
}

type Uplotted = { uplot: { data: number[][]; scales: { x: { min: number; max: number }; y: { distr: number } } } };
const chartData = (sel: string) =>
  page.locator(sel).evaluate((el) => (el as unknown as Uplotted).uplot.data.map((a) => Array.from(a)));
const chartX = (sel: string) =>
  page.locator(sel).evaluate((el) => {
    const s = (el as unknown as Uplotted).uplot.scales.x;
    return [s.min, s.max];
  });

/** Drags across a chart's plot area from `from` to `to` (fractions of its width): uPlot zooms on x. */
async function dragZoom(sel: string, from: number, to: number): Promise<void> {
  const box = (await page.locator(`${sel} .u-over`).boundingBox())!;
  await page.mouse.move(box.x + box.width * from, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tracker = await startTracker();
  // The worker on the tracker's R2/KV state, and a small real model, get ready while the browser tests run.
  workerReady = freePort().then((workerPort) =>
    startWorker({ trackerHost: '127.0.0.1', trackerPort: 0, workerPort, dataDir: '', stateDir: tracker.stateDir }),
  );
  workerReady.then((w) => (worker = w)).catch(() => undefined);
  modelReady = trainDemoModel({ nSamples: 600, epochs: 2, hiddenUnits: [8] });
  modelReady.catch(() => undefined);
  ({ experiment_id: experimentId } = await tracker.api('POST', '/api/2.0/mlflow/experiments/create', {
    name: 'ui-e2e',
  }));
  runIds.alpha = await logRun('alpha', '0.1', 0.8, 1);
  runIds.beta = await logRun('beta', '0.01', 0.9, 2);
  runIds.xss = await logRun(XSS_NAME, '0.5', 0.7, 3);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await (worker ?? (await workerReady?.catch(() => undefined)))?.stop();
  await tracker?.stop();
});

describe('dashboard in Chromium', () => {
  it('lists experiments with their run counts and last activity, linking to their runs', async () => {
    await page.goto(`${tracker.url}/`);
    const link = page.getByRole('link', { name: 'ui-e2e' });
    await poll(() => link.getAttribute('href')).toBe(`/experiments/${experimentId}`);
    const row = page.locator(`tr[data-experiment-id="${experimentId}"]`);
    expect(await row.locator('.run-count').textContent()).toBe('3');
    expect(await row.locator('.last-activity').textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // The Default experiment has no runs.
    expect(await page.locator('tr[data-experiment-id="0"] .run-count').textContent()).toBe('0');
    await shot('experiments');
  });

  it('shows logged runs in the table, the XSS payload as plain text', async () => {
    await page.goto(`${tracker.url}/experiments/${experimentId}`);
    await page.waitForSelector('#runs-table tbody tr');
    expect((await runNamesInTable()).sort()).toEqual([XSS_NAME, 'alpha', 'beta'].sort());
    expect(await page.locator('h1').textContent()).toBe('ui-e2e');
    // The payload is text: no element was created from it and nothing ran.
    expect(await page.$$eval('#runs-table img, #runs-table script', (els) => els.length)).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.isVisible('#column-picker')).toBe(false);
    await shot('runs-table');
  });

  it('picks columns, kept in the URL', async () => {
    await page.goto(`${tracker.url}/experiments/${experimentId}`);
    await page.waitForSelector('#runs-table tbody tr');
    expect(await page.locator('th[data-col="params.opt"]').count()).toBe(1);
    await page.click('button[aria-controls="column-picker"]');
    expect(await page.isVisible('#column-picker')).toBe(true);
    await page.uncheck('#column-picker input[data-col="params.opt"]');
    expect(await page.locator('th[data-col="params.opt"]').count()).toBe(0);
    await page.check('#column-picker input[data-col="tags.team"]');
    expect(await page.textContent('#runs-table tbody tr:first-child td:last-child')).toBe('ui');
    expect(new URL(page.url()).searchParams.getAll('col')).not.toContain('params.opt');
    expect(new URL(page.url()).searchParams.getAll('col')).toContain('tags.team');
    await page.reload();
    await page.waitForSelector('#runs-table tbody tr');
    expect(await page.locator('th[data-col="params.opt"]').count()).toBe(0);
    expect(await page.locator('th[data-col="tags.team"]').count()).toBe(1);
  });

  it('sorts by a metric column on the server, both directions', async () => {
    await page.goto(`${tracker.url}/experiments/${experimentId}`);
    await page.waitForSelector('#runs-table tbody tr');
    await page.click('button.sort[data-col="metrics.acc"]');
    await poll(runNamesInTable).toEqual(['beta', 'alpha', XSS_NAME]);
    expect(await page.getAttribute('th[data-col="metrics.acc"]', 'aria-sort')).toBe('descending');
    await page.click('button.sort[data-col="metrics.acc"]');
    await poll(runNamesInTable).toEqual([XSS_NAME, 'alpha', 'beta']);
    expect(page.url()).toContain('sort=metrics.acc&dir=ASC');
  });

  it('pages through runs with the server’s page tokens', async () => {
    const { experiment_id } = await tracker.api('POST', '/api/2.0/mlflow/experiments/create', { name: 'ui-paging' });
    const names = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    await Promise.all(
      names.map((run_name, i) =>
        tracker.api('POST', '/api/2.0/mlflow/runs/create', { experiment_id, run_name, start_time: 1_000 + i }),
      ),
    );
    await page.goto(`${tracker.url}/experiments/${experiment_id}?sort=attributes.run_name&dir=ASC&size=25`);
    await page.waitForSelector('#runs-table tbody tr');
    expect(await runNamesInTable()).toEqual(names.slice(0, 25));
    expect(await page.textContent('nav.pager')).toContain('Page 1 · 25 runs shown');
    expect(await page.locator('nav.pager button', { hasText: 'Previous' }).isDisabled()).toBe(true);
    await page.click('nav.pager button:has-text("Next")');
    await poll(runNamesInTable).toEqual(names.slice(25));
    expect(await page.textContent('nav.pager')).toContain('Page 2 · 5 runs shown');
    expect(await page.locator('nav.pager button', { hasText: 'Next' }).isDisabled()).toBe(true);
    await page.click('nav.pager button:has-text("Previous")');
    await poll(runNamesInTable).toEqual(names.slice(0, 25));
    // A bigger page shows them all.
    await page.selectOption('select[aria-label="Runs per page"]', '50');
    await poll(async () => (await runNamesInTable()).length).toBe(30);
    expect(page.url()).toContain('size=50');
  });

  it('filters with MLflow syntax and shows a bad filter’s server error inline', async () => {
    await page.goto(`${tracker.url}/experiments/${experimentId}`);
    await page.waitForSelector('#runs-table tbody tr');
    await page.fill('#run-filter', "params.lr = '0.1'");
    await page.press('#run-filter', 'Enter');
    await poll(runNamesInTable).toEqual(['alpha']);
    expect(page.url()).toContain('filter=params.lr');

    const bad = 'metrics.acc >>> 1';
    const serverError = await tracker.raw(
      'POST',
      '/api/2.0/mlflow/runs/search',
      JSON.stringify({ experiment_ids: [experimentId], filter: bad }),
      { 'content-type': 'application/json' },
    );
    expect(serverError.status).toBe(400);
    const { message } = (await serverError.json()) as { message: string };
    await page.fill('#run-filter', bad);
    await page.click('form.filter-form button[type=submit]');
    await poll(() => page.textContent('#filter-error')).toBe(message);
    expect(await page.getAttribute('#run-filter', 'aria-invalid')).toBe('true');
    expect(await page.locator('#runs-table').count()).toBe(0);
    await shot('runs-bad-filter');
  });

  it('checks a filter as it is typed, with the server’s own parser, before any request', async () => {
    await page.goto(`${tracker.url}/experiments/${experimentId}`);
    await page.waitForSelector('#runs-table tbody tr');
    const searches: string[] = [];
    page.on('request', (r) => r.url().includes('/runs/search') && searches.push(r.url()));
    await page.locator('#run-filter').pressSequentially("params.lr = 'x' OR params.opt = 'y'");
    await poll(() => page.textContent('#filter-error')).toMatch(/'OR' at position 16 is not supported/);
    expect(await page.getAttribute('#run-filter', 'aria-invalid')).toBe('true');
    // The table stays as it was; nothing was asked of the server.
    expect((await runNamesInTable()).length).toBe(3);
    expect(searches).toEqual([]);
    await page.fill('#run-filter', "params.lr = 'x'");
    await poll(() => page.textContent('#filter-error')).toBe('');
    expect(await page.getAttribute('#run-filter', 'aria-invalid')).toBeNull();
  });

  it('draws the run page charts from the metric history, with zoom and log scale', async () => {
    await page.goto(`${tracker.url}/runs/${runIds.alpha}`);
    const sel = '.chart[data-metric="loss"]';
    const chart = page.locator(sel);
    await chart.locator('canvas').waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('run-charts-drawn').length > 0);
    const data = await chartData(sel);
    expect(data[0]).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(data[1]![0]).toBe(1);
    expect(data[1]![49]).toBeCloseTo(1 / 50);
    // The line is on the canvas: count pixels in the series colour (#4e79a7).
    const coloured = await chart.evaluate((el) => {
      const c = el.querySelector('canvas')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4)
        if (
          Math.abs(px[i]! - 0x4e) < 40 &&
          Math.abs(px[i + 1]! - 0x79) < 40 &&
          Math.abs(px[i + 2]! - 0xa7) < 40 &&
          px[i + 3]! > 100
        )
          n++;
      return n;
    });
    expect(coloured).toBeGreaterThan(150);
    await dragZoom(sel, 0.2, 0.5);
    const [min, max] = await chartX(sel);
    expect(min).toBeGreaterThan(5);
    expect(max).toBeLessThan(30);
    // Log scale keeps the zoom.
    await page.locator('figure', { has: chart }).getByLabel('log scale').check();
    await poll(() => chart.evaluate((el) => (el as unknown as Uplotted).uplot.scales.y.distr)).toBe(3);
    expect(await chartX(sel)).toEqual([min, max]);
    // Latest metrics and params.
    expect(await page.textContent('#metrics-latest')).toContain('0.8');
    expect(await page.textContent('section[aria-labelledby="s-parameters"] table')).toContain('0.1');
    await poll(() => page.textContent('#run-experiment')).toBe('ui-e2e');
    await shot('run-page');
  });

  it('renders an XSS payload in a run name as text on the run and compare pages', async () => {
    await page.goto(`${tracker.url}/runs/${runIds.xss}`);
    await poll(() => page.textContent('h1')).toBe(XSS_NAME);
    await page.goto(`${tracker.url}/compare?runs=${runIds.alpha},${runIds.xss}`);
    await page.waitForSelector('#diff-table');
    expect(await page.textContent('#diff-table thead')).toContain(XSS_NAME);
    expect(await page.$$eval('main img, main script', (els) => els.length)).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.title()).toBe('Compare runs · edgeflow');
  });

  it('compares two runs: overlaid charts from get-history-bulk-interval and a diff table that highlights differences', async () => {
    const bulk: string[] = [];
    page.on('request', (r) => r.url().includes('get-history-bulk-interval') && bulk.push(r.url()));
    await page.goto(`${tracker.url}/compare?runs=${runIds.alpha},${runIds.beta}`);
    await page.waitForSelector('#diff-table');
    expect(await page.getAttribute('#diff-table tr[data-key="param.lr"]', 'class')).toBe('differs');
    expect(await page.locator('#diff-table tr[data-key="param.opt"]').count()).toBe(0);
    await page.getByLabel('Only rows that differ').uncheck();
    expect(await page.getAttribute('#diff-table tr[data-key="param.opt"]', 'class')).toBeNull();
    await page.waitForFunction(() => performance.getEntriesByName('compare-drawn').length > 0);
    const series = await chartData('#compare-charts .chart[data-metric="loss"]');
    expect(series.length).toBe(3);
    expect(series[0]!.length).toBe(50);
    expect(series[1]![0]).toBe(1);
    expect(series[2]![0]).toBe(2);
    // One request per metric, both runs in it.
    expect(bulk.filter((u) => u.includes('metric_key=loss')).length).toBe(1);
    expect(bulk.find((u) => u.includes('metric_key=loss'))).toContain(`run_ids=${runIds.alpha}&run_ids=${runIds.beta}`);
    const scatter = await chartData('#scatter .chart');
    // One point per run, in the run's colour: beta (lr 0.01, acc 0.9), alpha (lr 0.1, acc 0.8).
    expect(scatter).toEqual([
      [0.01, 0.1],
      [0.9, null],
      [null, 0.8],
    ]);
    await shot('compare');
  });

  it('compares long histories at about a step per pixel, and fetches a zoomed window in full, once', async () => {
    const { experiment_id } = await tracker.api('POST', '/api/2.0/mlflow/experiments/create', { name: 'ui-long' });
    const ids: string[] = [];
    for (const [r, scale] of [1, 2].entries()) {
      const { run } = await tracker.api('POST', '/api/2.0/mlflow/runs/create', {
        experiment_id,
        run_name: `long-${r}`,
      });
      ids.push(run.info.run_id);
      for (let from = 0; from < 3000; from += 1000) {
        const metrics = Array.from({ length: 1000 }, (_, i) => ({
          key: 'long',
          value: scale * (from + i),
          step: from + i,
          timestamp: 1,
        }));
        await tracker.api('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: run.info.run_id, metrics });
      }
    }
    const bulk: URL[] = [];
    page.on('request', (r) => r.url().includes('metric_key=long') && bulk.push(new URL(r.url())));
    await page.goto(`${tracker.url}/compare?runs=${ids.join(',')}`);
    await page.waitForFunction(() => performance.getEntriesByName('compare-drawn').length > 0);
    const sel = '#compare-charts .chart[data-metric="long"]';
    const width = await page.locator(sel).evaluate((el) => el.clientWidth);
    const asked = Number(bulk[0]!.searchParams.get('max_results'));
    expect(Math.abs(asked - width)).toBeLessThan(40);
    const overview = await chartData(sel);
    // MLflow's sample: `asked` evenly spaced steps and the last one; each run's values at those steps.
    expect(overview[0]!.length).toBe(asked + 1);
    expect(overview[0]!.at(-1)).toBe(2999);
    expect(overview[2]).toEqual(overview[0]!.map((x) => 2 * x));

    await page
      .locator(sel)
      .evaluate((el) =>
        (
          el as unknown as { uplot: { setScale: (key: string, r: { min: number; max: number }) => void } }
        ).uplot.setScale('x', { min: 1000, max: 1200 }),
      );
    await poll(async () => (await chartData(sel))[0]!.filter((x) => x >= 1000 && x <= 1200).length).toBe(201);
    expect(bulk).toHaveLength(2);
    expect([bulk[1]!.searchParams.get('start_step'), bulk[1]!.searchParams.get('end_step')]).toEqual(['1000', '1200']);
    expect(await chartX(sel)).toEqual([1000, 1200]);
    const zoomed = await chartData(sel);
    expect(zoomed[1]!.slice(zoomed[0]!.indexOf(1000), zoomed[0]!.indexOf(1200) + 1)).toEqual(
      Array.from({ length: 201 }, (_, i) => 1000 + i),
    );
    // Inside a window loaded in full: nothing more to fetch.
    await page
      .locator(sel)
      .evaluate((el) =>
        (
          el as unknown as { uplot: { setScale: (key: string, r: { min: number; max: number }) => void } }
        ).uplot.setScale('x', { min: 1050, max: 1100 }),
      );
    await new Promise((r) => setTimeout(r, 300));
    expect(bulk).toHaveLength(2);
  });

  it('selects runs in the table and opens the comparison', async () => {
    await page.goto(`${tracker.url}/experiments/${experimentId}`);
    await page.waitForSelector('#runs-table tbody tr');
    await page.getByLabel('Select run alpha').check();
    await page.getByLabel('Select run beta').check();
    await page.getByRole('link', { name: 'Compare 2 runs' }).click();
    await page.waitForSelector('#diff-table');
    expect(new URL(page.url()).pathname).toBe('/compare');
    expect(new URL(page.url()).searchParams.get('runs')!.split(',').sort()).toEqual([runIds.alpha, runIds.beta].sort());
  });

  it('links parent and child runs both ways', async () => {
    runIds.child = await logRun('alpha-child', '0.1', 0.5, 1, [{ key: 'mlflow.parentRunId', value: runIds.alpha }]);
    await page.goto(`${tracker.url}/runs/${runIds.alpha}`);
    const childLink = page.locator('#child-runs a', { hasText: 'alpha-child' });
    await poll(() => childLink.getAttribute('href')).toBe(`/runs/${runIds.child}`);
    await childLink.click();
    await poll(() => page.textContent('h1')).toBe('alpha-child');
    await poll(() => page.textContent('#parent-run')).toBe('alpha');
    expect(await page.getAttribute('#parent-run', 'href')).toBe(`/runs/${runIds.alpha}`);
    await poll(() => page.textContent('#child-runs')).toContain('No child runs.');
  });

  it('updates live while a run is running, keeping the user’s chart zoom', async () => {
    const t0 = Date.now();
    const { run } = await tracker.api('POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      run_name: 'live',
      start_time: t0,
    });
    const id: string = run.info.run_id;
    const points = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k) => ({
        key: 'loss',
        value: 1 / (from + k + 1),
        step: from + k,
        timestamp: t0 + from + k,
      }));
    await tracker.api('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, metrics: points(0, 40) });

    // The runs table refreshes itself while a run is RUNNING: a new run shows up without a reload.
    await page.goto(`${tracker.url}/experiments/${experimentId}`);
    await page.waitForSelector('#runs-table tbody tr');
    expect(await page.isVisible('.live')).toBe(true);
    await tracker.api('POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
      run_name: 'late',
      start_time: t0 + 1,
    });
    await poll(runNamesInTable, 15_000).toContain('late');

    // The run page redraws with fresh points and stays on the zoomed range.
    await page.goto(`${tracker.url}/runs/${id}`);
    const sel = '.chart[data-metric="loss"]';
    await page.locator(`${sel} canvas`).waitFor();
    await page.waitForFunction(() => performance.getEntriesByName('run-charts-drawn').length > 0);
    await dragZoom(sel, 0.25, 0.5);
    const zoom = await chartX(sel);
    expect(zoom[1]! - zoom[0]!).toBeLessThan(20);
    await tracker.api('POST', '/api/2.0/mlflow/runs/log-batch', { run_id: id, metrics: points(40, 80) });
    await poll(async () => (await chartData(sel))[0]!.length, 15_000).toBe(80);
    expect(await chartX(sel)).toEqual(zoom);
    // Double-click shows everything again.
    await page.locator(`${sel} .u-over`).dblclick();
    await poll(() => chartX(sel)).toEqual([0, 79]);
    await tracker.api('POST', '/api/2.0/mlflow/runs/update', { run_id: id, status: 'FINISHED', end_time: Date.now() });
  });

  it('creates, renames, deletes and restores an experiment; a new one shows how to log a run', async () => {
    await page.goto(`${tracker.url}/`);
    await page.fill('input[aria-label="New experiment name"]', 'ui-made');
    await page.click('button:has-text("Create experiment")');
    await poll(() => page.textContent('h1')).toBe('ui-made');
    await poll(() => page.textContent('main')).toContain('No runs yet');
    expect(await page.textContent('main')).toContain('mlflow.set_experiment("ui-made")');
    expect(await page.textContent('main')).toContain(`getOrCreateExperiment("ui-made")`);

    await page.goto(`${tracker.url}/`);
    const row = page.locator('tr', { has: page.getByRole('link', { name: 'ui-made' }) });
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.fill('input[aria-label="New name for ui-made"]', 'ui-renamed');
    await page.click('button:has-text("Save")');
    await poll(() => page.getByRole('link', { name: 'ui-renamed' }).count()).toBe(1);
    const byName = await tracker.api('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=ui-renamed');
    const id: string = byName.experiment.experiment_id;

    await page.locator(`tr[data-experiment-id="${id}"]`).getByRole('button', { name: 'Delete' }).click();
    expect(await page.textContent('dialog.confirm')).toContain('“ui-renamed” and its runs move to the deleted list');
    await page.click('dialog.confirm [data-action=confirm]');
    await poll(() => page.locator(`tr[data-experiment-id="${id}"]`).count()).toBe(0);
    expect(
      (await tracker.api('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${id}`)).experiment.lifecycle_stage,
    ).toBe('deleted');

    await page.getByLabel('Show deleted experiments').check();
    await page.locator(`tr[data-experiment-id="${id}"]`).getByRole('button', { name: 'Restore' }).click();
    await poll(() => page.textContent('.action-status')).toBe('Restored “ui-renamed”.');
    expect(
      (await tracker.api('GET', `/api/2.0/mlflow/experiments/get?experiment_id=${id}`)).experiment.lifecycle_stage,
    ).toBe('active');
  });

  it('promotes from the Models page and the worker serves it; rolls back and the worker serves the old version', async () => {
    const model = await modelReady;
    await uploadModel(runIds.alpha, model.files);
    await uploadModel(runIds.beta, model.files);
    await tracker.api('POST', '/api/2.0/mlflow/registered-models/create', { name: MODEL });
    for (const id of [runIds.alpha, runIds.beta]) {
      await tracker.api('POST', '/api/2.0/mlflow/model-versions/create', {
        name: MODEL,
        source: `runs:/${id}/model`,
        run_id: id,
      });
    }
    await workerReady;
    const features = model.signature.sample as number[];
    expect(await servedVersion(features)).toBe('HTTP 503'); // registered is not live: nothing promoted yet

    await page.goto(`${tracker.url}/models`);
    await page.getByRole('link', { name: MODEL }).click();
    await page.waitForSelector('#versions-table');
    await poll(() => page.textContent('#live-version')).toContain('Nothing is live');
    // Not opted in to the edge: no Promote button until "Serve at the edge" is turned on.
    expect(await page.locator('button[data-version="1"]').count()).toBe(0);
    await page.click('#edge-opt-in');
    await poll(() => page.textContent('dialog.confirm')).toContain(`Serve ${MODEL} at the edge?`);
    await page.click('dialog.confirm [data-action=confirm]');
    await poll(() => page.isChecked('#edge-opt-in')).toBe(true);
    expect(
      (await tracker.api('GET', `/api/2.0/mlflow/registered-models/get?name=${MODEL}`)).registered_model.tags,
    ).toEqual([{ key: 'edgeflow.edge', value: 'true' }]);
    // Versions come from model-versions/search, with their source runs.
    expect(
      await page.$$eval('#versions-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-version'))),
    ).toEqual(['2', '1']);
    expect(await page.textContent('#versions-table tr[data-version="1"]')).toContain('alpha');

    // Cancel changes nothing.
    await page.click('button[data-version="1"]');
    await poll(() => page.textContent('dialog.confirm')).toContain(`Promote ${MODEL} version 1?`);
    await page.click('dialog.confirm [data-action=cancel]');
    expect(await livePointerVersion()).toBeNull();

    // No name set under "Acting as": the dialog says "dashboard" will be recorded.
    expect(await page.inputValue('#acting-as')).toBe('');
    await page.click('button[data-version="1"]');
    expect(await page.textContent('#confirm-note')).toContain('done by “dashboard”');
    await page.click('dialog.confirm [data-action=confirm]');
    await poll(() => page.textContent('#live-version')).toBe('1');
    expect(await livePointerVersion()).toBe('1');
    expect(await waitForServed(features, '1')).toBeLessThan(POINTER_TTL_MS + 8000);

    // A name, remembered by this browser across a reload, and named in the dialog.
    await page.fill('#acting-as', `  ${ACTOR_NAME} `);
    await page.reload();
    await page.waitForSelector('#versions-table');
    expect(await page.inputValue('#acting-as')).toBe(ACTOR_NAME);
    await page.click('button[data-version="2"]');
    expect(await page.textContent('dialog.confirm')).toContain('switches from version 1 to version 2');
    expect(await page.textContent('#confirm-note')).toBe(
      `The deployment history will record this as done by “${ACTOR_NAME}”.`,
    );
    await page.click('dialog.confirm [data-action=confirm]');
    await poll(() => page.textContent('#live-version')).toBe('2');
    expect(await livePointerVersion()).toBe('2');
    expect(await waitForServed(features, '2')).toBeLessThan(POINTER_TTL_MS + 8000);
    await shot('model-promoted');

    await page.click('#rollback');
    expect(await page.textContent('dialog.confirm')).toContain('stop serving version 2 and serve version 1 again');
    expect(await page.textContent('#confirm-note')).toContain(`done by “${ACTOR_NAME}”`);
    await page.click('dialog.confirm [data-action=confirm]');
    await poll(() => page.textContent('#live-version')).toBe('1');
    expect(await livePointerVersion()).toBe('1');
    expect(await waitForServed(features, '1')).toBeLessThan(POINTER_TTL_MS + 8000);
    const history = await page.$$eval('#history-table tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 5).map((td) => td.textContent)),
    );
    expect(history).toEqual([
      ['rollback', '2', '1', ACTOR_NAME],
      ['promote', '1', '2', ACTOR_NAME],
      ['promote', '—', '1', 'dashboard'],
    ]);
    // The name is text, in the page and as the tracker recorded it.
    expect(await page.locator('ops').count()).toBe(0);
    const recorded = await tracker.api('GET', `/api/2.0/edgeflow/deployments/get?name=${MODEL}`);
    expect(recorded.history.map((d: { actor: string }) => d.actor)).toEqual([ACTOR_NAME, ACTOR_NAME, 'dashboard']);
    expect(await page.textContent('#action-status')).toContain('now serves version 1');
    await shot('model-rolled-back');

    // The run page lists the version registered from it.
    await page.goto(`${tracker.url}/runs/${runIds.beta}`);
    await poll(() => page.textContent('#run-model-versions')).toContain(MODEL);
    expect(await page.getAttribute('#run-model-versions a', 'href')).toBe(`/models/${MODEL}`);
    expect(await page.textContent('#run-model-versions tbody td:nth-child(2)')).toBe('2');
  }, 240_000);

  it('ran without page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
