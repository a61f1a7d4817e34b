import type { Page } from 'playwright-core';

/**
 * One timing of the dashboard, in ms, taken inside the page (performance.now / performance marks), so
 * the DevTools protocol's round trips are not counted. Each throws if the page did not show what it
 * should (no rows, fewer charts than expected).
 */

/** Loads `url` and waits for the performance mark `mark`; returns its time since navigation start. */
export async function timeToMark(page: Page, url: string, mark: string, timeoutMs = 30_000): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, {
    timeout: timeoutMs,
    polling: 50,
  });
  return page.evaluate((m) => performance.getEntriesByName(m)[0]!.startTime, mark);
}

/** Runs table: navigation start → the first page of rows in the document. */
export async function runsFirstRender(page: Page, baseUrl: string, experimentId: string): Promise<number> {
  const ms = await timeToMark(page, `${baseUrl}/experiments/${experimentId}`, 'runs-rendered');
  const rows = await page.locator('#runs-table tbody tr').count();
  if (rows < 100) throw new Error(`runs table shows ${rows} rows, expected 100`);
  return ms;
}

/** Runs table: a click on a column's sort button or a filter submitted → the new rows in the document. */
export async function runsTableChange(page: Page, action: { sort: string } | { filter: string }): Promise<number> {
  const { ms, rows, error } = await page.evaluate(async (a) => {
    const box = document.querySelector<HTMLElement>('.table-box')!;
    const before = box.dataset.loadSeq;
    const done = new Promise<void>((resolve) => {
      const mo = new MutationObserver(() => {
        if (box.dataset.loadSeq !== before) {
          mo.disconnect();
          resolve();
        }
      });
      mo.observe(box, { attributes: true, attributeFilter: ['data-load-seq'] });
    });
    const t0 = performance.now();
    if ('sort' in a) {
      document.querySelector<HTMLButtonElement>(`button.sort[data-col="${a.sort}"]`)!.click();
    } else {
      const input = document.querySelector<HTMLInputElement>('#run-filter')!;
      input.value = a.filter;
      input.form!.requestSubmit();
    }
    await done;
    const ms = performance.now() - t0;
    return {
      ms,
      rows: box.querySelectorAll('#runs-table tbody tr').length,
      error: document.querySelector('#filter-error')?.textContent ?? '',
    };
  }, action);
  if (error) throw new Error(`the table answered with an error: ${error}`);
  if (rows === 0) throw new Error(`no rows after ${JSON.stringify(action)}`);
  return ms;
}

/** A run page: navigation start → every metric's chart drawn. */
export async function runPageCharts(page: Page, baseUrl: string, runId: string, charts: number): Promise<number> {
  const ms = await timeToMark(page, `${baseUrl}/runs/${runId}`, 'run-charts-drawn');
  const n = await page.locator('#charts .chart canvas').count();
  if (n < charts) throw new Error(`run page drew ${n} charts, expected ${charts}`);
  return ms;
}

/**
 * Compare: navigation start → the diff table and the overlaid charts on the first screen drawn (charts
 * further down load as they come near the viewport). Checks the drawn charts' shape.
 */
export async function compareFirstView(
  page: Page,
  baseUrl: string,
  runIds: string[],
  pointsPerSeries: number,
): Promise<number> {
  const ms = await timeToMark(page, `${baseUrl}/compare?runs=${runIds.join(',')}`, 'compare-drawn');
  const shape = await compareShape(page);
  if (
    shape.charts < 1 ||
    shape.series !== runIds.length + 1 ||
    shape.points < Math.min(pointsPerSeries, shape.asked) ||
    !shape.diff
  ) {
    throw new Error(
      `compare drew ${JSON.stringify(shape)}, expected charts of ${runIds.length} series × ${pointsPerSeries} points`,
    );
  }
  return ms;
}

/** Compare, then scrolled to the bottom: navigation start → every metric's chart drawn. */
export async function compareAllCharts(page: Page, baseUrl: string, runIds: string[], charts: number): Promise<number> {
  await page.goto(`${baseUrl}/compare?runs=${runIds.join(',')}`, { waitUntil: 'commit' });
  await page.waitForSelector('#compare-charts figure');
  // Scroll through the charts as a reader would, each slot into view (a lazy one loads when seen).
  await page.evaluate(async () => {
    for (const slot of document.querySelectorAll('#compare-charts .chart-slot')) {
      slot.scrollIntoView();
      await new Promise((r) => requestAnimationFrame(r));
    }
  });
  await page.waitForFunction(() => performance.getEntriesByName('compare-all-drawn').length > 0, null, {
    timeout: 60_000,
    polling: 50,
  });
  const shape = await compareShape(page);
  if (shape.charts !== charts) throw new Error(`compare drew ${shape.charts} charts, expected ${charts}`);
  return page.evaluate(() => performance.getEntriesByName('compare-all-drawn')[0]!.startTime);
}

function compareShape(page: Page) {
  return page.evaluate(() => {
    const els = [...document.querySelectorAll('#compare-charts .chart')].filter(
      (el) => (el as { uplot?: unknown }).uplot,
    ) as (HTMLElement & { uplot: { data: unknown[][] } })[];
    return {
      charts: els.length,
      series: els[0]?.uplot.data.length ?? 0,
      points: els[0]?.uplot.data[0]?.length ?? 0,
      asked: Number(els[0]?.closest<HTMLElement>('figure')?.dataset.points ?? Infinity),
      diff: !!document.querySelector('#diff-table'),
    };
  });
}

/** The first chart on the page drawn again (log scale toggled): its data → pixels. Checks its point count. */
export async function chartRedraw(page: Page, points: number): Promise<number> {
  const { ms, n } = await page.evaluate(async () => {
    const fig = document.querySelector('#charts figure')!;
    const chart = fig.querySelector('.chart') as HTMLElement & {
      drawn?: Promise<void>;
      drawMs?: number;
      uplot?: { data: unknown[][] };
    };
    const box = fig.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    box.click();
    await chart.drawn;
    // drawMs is set right after the draw; let that callback run.
    await new Promise((r) => setTimeout(r, 0));
    return { ms: chart.drawMs!, n: chart.uplot!.data[0]!.length };
  });
  if (n !== points) throw new Error(`the chart has ${n} points, expected ${points}`);
  return ms;
}
