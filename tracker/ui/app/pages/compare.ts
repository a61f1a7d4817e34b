import type { Run } from '../../../client/schemas.ts';
import { api } from '../api.ts';
import { chartFigure, PALETTE, type XRange } from '../chart.ts';
import { alignSeries, scatterData } from '../chart-data.ts';
import { alignBulk, pointsForWidth, spliceWindow } from '../compare-data.ts';
import { diffRuns } from '../diff.ts';
import { h, message, replace } from '../dom.ts';
import { mapLimit } from '../map-limit.ts';
import type { Page } from '../page.ts';
import { href, type Route } from '../router.ts';

/** Most runs one comparison loads (get-history-bulk-interval takes up to 100 runs a call). */
export const MAX_COMPARE = 100;

/** Compare: overlaid metric charts, a diff table, and a param-vs-metric scatter. */
export const comparePage: Page<Extract<Route, { page: 'compare' }>> = async (ctx, route) => {
  document.title = 'Compare runs · edgeflow';
  const ids = route.runIds.slice(0, MAX_COMPARE);
  const head = h('h1', { tabindex: -1 }, `Compare ${ids.length} runs`);
  ctx.view.append(
    h(
      'nav',
      { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('a', { href: href.experiments() }, 'Experiments'),
      ' / ',
    ),
    head,
  );
  if (ids.length < 2) {
    ctx.view.append(message('empty', 'Select at least two runs in a runs table, then press Compare.'));
    return;
  }
  if (route.runIds.length > MAX_COMPARE)
    ctx.view.append(message('error', `Showing the first ${MAX_COMPARE} of ${route.runIds.length} runs.`));
  const status = message('loading', 'Loading runs…');
  ctx.view.append(status);
  let runs: Run[];
  try {
    runs = await loadRuns(ids);
  } catch (e) {
    replace(status, `Could not load the runs: ${(e as Error).message}`);
    status.className = 'msg msg-error';
    status.setAttribute('role', 'alert');
    return;
  }
  if (!ctx.alive()) return;
  status.remove();
  const label = (r: Run) => r.info.run_name || r.info.run_id.slice(0, 8);

  // Legend of runs: colour, name, link, remove.
  const legend = h(
    'ol',
    { class: 'run-legend' },
    ...runs.map((r, i) =>
      h(
        'li',
        null,
        swatch(PALETTE[i % PALETTE.length]!),
        h('a', { href: href.run(r.info.run_id) }, label(r)),
        ' ',
        runs.length > 2
          ? h(
              'a',
              {
                class: 'hint',
                href: href.compare(ids.filter((x) => x !== r.info.run_id)),
                'aria-label': `Remove ${label(r)} from the comparison`,
              },
              'remove',
            )
          : null,
      ),
    ),
  );

  const charts = h('div', { class: 'charts', id: 'compare-charts' });
  const diffBox = h('div', { class: 'table-box' });
  const scatterBox = h('div', { id: 'scatter' });
  const onlyDiff = h('input', { type: 'checkbox', checked: true });
  onlyDiff.addEventListener('change', renderDiff);
  ctx.view.append(
    legend,
    h('section', { 'aria-labelledby': 's-charts' }, h('h2', { id: 's-charts' }, 'Metrics'), charts),
    h(
      'section',
      { 'aria-labelledby': 's-diff' },
      h('h2', { id: 's-diff' }, 'Parameters and metrics'),
      h('label', { class: 'toggle' }, onlyDiff, ' Only rows that differ'),
      diffBox,
    ),
    h('section', { 'aria-labelledby': 's-scatter' }, h('h2', { id: 's-scatter' }, 'Parameter vs metric'), scatterBox),
  );

  const rows = diffRuns(runs);
  function renderDiff(): void {
    const shown = onlyDiff.checked ? rows.filter((r) => r.differs) : rows;
    if (!shown.length) {
      replace(
        diffBox,
        message('empty', rows.length ? 'These runs have the same params and metrics.' : 'No params or metrics logged.'),
      );
      return;
    }
    replace(
      diffBox,
      h(
        'table',
        { class: 'data diff', id: 'diff-table' },
        h(
          'thead',
          null,
          h('tr', null, h('th', { scope: 'col' }, 'Key'), ...runs.map((r) => h('th', { scope: 'col' }, label(r)))),
        ),
        h(
          'tbody',
          null,
          ...shown.map((row) =>
            h(
              'tr',
              { class: row.differs ? 'differs' : undefined, 'data-key': `${row.section}.${row.key}` },
              h(
                'th',
                { scope: 'row' },
                h('span', { class: `col-kind kind-${row.section}` }, row.section),
                ' ',
                row.key,
                row.differs ? h('span', { class: 'visually-hidden' }, ' (differs)') : null,
              ),
              ...row.values.map((v) => h('td', { class: v === undefined ? 'missing' : undefined }, v ?? '—')),
            ),
          ),
        ),
      ),
    );
  }
  renderDiff();

  // Scatter: a param on x, a metric's latest value on y, one point per run.
  const paramKeys = [...new Set(rows.filter((r) => r.section === 'param').map((r) => r.key))];
  const metricKeys = [...new Set(rows.filter((r) => r.section === 'metric').map((r) => r.key))];
  if (paramKeys.length && metricKeys.length) {
    let px = rows.find((r) => r.section === 'param' && r.differs)?.key ?? paramKeys[0]!;
    let my = metricKeys[0]!;
    const figBox = h('div');
    const draw = () => {
      const fig = chartFigure(
        `${my} by ${px}`,
        () => {
          const s = scatterData(runs, px, my);
          // One series per run, so each point has its run's colour and name in the legend.
          const order = s.runIds.map((id) => runs.findIndex((r) => r.info.run_id === id));
          return {
            labels: order.map((i) => label(runs[i]!)),
            colors: order.map((i) => PALETTE[i % PALETTE.length]!),
            data: alignSeries(s.xs.map((x, k) => ({ xs: [x], ys: [s.ys[k]!] }))),
            scatter: true,
            categories: s.categories,
            xLabel: `params.${px}`,
            yLabel: my,
          };
        },
        { xModes: ['step'] },
      );
      replace(figBox, fig);
    };
    const pick = (lbl: string, keys: string[], value: string, set: (v: string) => void) =>
      h(
        'label',
        null,
        `${lbl} `,
        h(
          'select',
          { onchange: (e: Event) => (set((e.target as HTMLSelectElement).value), draw()) },
          ...keys.map((k) => h('option', { value: k, selected: k === value }, k)),
        ),
      );
    scatterBox.append(
      h(
        'div',
        { class: 'toolbar' },
        pick('x: param', paramKeys, px, (v) => (px = v)),
        pick('y: metric', metricKeys, my, (v) => (my = v)),
      ),
      figBox,
    );
    draw();
  } else {
    scatterBox.append(message('empty', 'Needs runs with params and metrics.'));
  }

  // Overlaid histories: one chart per metric key, one line per run. A chart's histories are fetched when
  // its slot comes near the viewport, so the first screen does not wait for charts far below it.
  if (!metricKeys.length) {
    charts.append(message('empty', 'No metrics logged.'));
    performance.mark('compare-drawn');
    performance.mark('compare-all-drawn');
    return;
  }
  const slots = new Map<HTMLElement, string>();
  for (const key of metricKeys) {
    const slot = h(
      'figure',
      { class: 'chart-figure chart-slot', 'data-key': key, 'aria-busy': 'true' },
      h('figcaption', null, h('span', { class: 'chart-title' }, key)),
      message('loading', 'Loading…'),
    );
    slots.set(slot, key);
    charts.append(slot);
  }
  const queue: (() => Promise<void>)[] = [];
  let running = 0;
  const pump = () => {
    while (running < 3 && queue.length) {
      running++;
      void queue.shift()!().finally(() => {
        running--;
        pump();
      });
    }
  };
  const drawnKeys = new Map<string, Promise<void>>();
  const load = (slot: HTMLElement, key: string): Promise<void> =>
    new Promise<void>((resolve) => {
      queue.push(async () => {
        try {
          const having = runs.filter((r) => r.data.metrics?.some((m) => m.key === key)).map((r) => r.info.run_id);
          // About a step per pixel of the chart's width: what it can show; zooming in fetches the detail.
          const points = pointsForWidth(slot.clientWidth - 16, devicePixelRatio);
          const overview = alignBulk(
            (await api.getHistoryBulkInterval(having, key, points)).metrics ?? [],
            having,
            points,
          );
          if (!ctx.alive()) return;
          const colourOf = new Map(runs.map((r, i) => [r.info.run_id, PALETTE[i % PALETTE.length]!]));
          const byId = new Map(runs.map((r) => [r.info.run_id, r]));
          let data = overview.data;
          // The zoomed window whose every step is loaded (so zooming inside it again fetches nothing).
          let detail: (XRange & { complete: boolean }) | null = null;
          let fetching = 0;
          let pending: XRange | null = null;
          const onXRange = (range: XRange | null) => {
            if (!range || overview.complete) return;
            const start = Math.floor(range.min);
            const end = Math.ceil(range.max);
            const same = (w: XRange | null) => !!w && w.min === start && w.max === end;
            // Loaded already: inside a complete window, or this very window (its sample is all there is).
            if (detail && start >= detail.min && end <= detail.max && (detail.complete || same(detail))) return;
            if (same(pending)) return;
            pending = { min: start, max: end };
            const want = pointsForWidth(fig.chart.clientWidth, devicePixelRatio);
            const seq = ++fetching;
            void api
              .getHistoryBulkInterval(overview.runIds, key, want, start, end)
              .then((res) => {
                if (seq !== fetching || !ctx.alive()) return;
                const part = alignBulk(res.metrics ?? [], overview.runIds, want);
                detail = { min: start, max: end, complete: part.complete };
                data = spliceWindow(overview, part, start, end);
                fig.dispatchEvent(new Event('redraw'));
              })
              .catch(() => undefined)
              .finally(() => seq === fetching && (pending = null));
          };
          const fig = chartFigure(
            key,
            () => ({
              labels: overview.runIds.map((id) => label(byId.get(id)!)),
              colors: overview.runIds.map((id) => colourOf.get(id)!),
              data,
              yLabel: key,
              onXRange,
            }),
            { xModes: ['step'] },
          );
          fig.dataset.key = key;
          fig.dataset.points = String(points);
          slot.replaceWith(fig);
          await fig.chart.drawn;
        } catch (e) {
          slot.removeAttribute('aria-busy');
          slot.replaceChildren(
            h('figcaption', null, h('span', { class: 'chart-title' }, key)),
            message('error', `Could not load ${key}: ${(e as Error).message}`),
          );
        } finally {
          resolve();
        }
      });
      pump();
    });
  let firstView = true;
  const observer = new IntersectionObserver(
    (entries) => {
      const now: Promise<void>[] = [];
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        observer.unobserve(e.target);
        const key = slots.get(e.target as HTMLElement)!;
        const p = load(e.target as HTMLElement, key);
        drawnKeys.set(key, p);
        now.push(p);
      }
      if (firstView) {
        // The first callback reports what is on (or near) the screen as the page opens.
        firstView = false;
        void Promise.all(now).then(() => ctx.alive() && performance.mark('compare-drawn'));
      }
      if (drawnKeys.size === metricKeys.length) {
        void Promise.all(drawnKeys.values()).then(() => ctx.alive() && performance.mark('compare-all-drawn'));
      }
    },
    { rootMargin: '200px 0px' },
  );
  for (const slot of slots.keys()) observer.observe(slot);
  ctx.onLeave(() => observer.disconnect());
};

function swatch(colour: string): HTMLElement {
  const el = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  el.style.background = colour;
  return el;
}

/**
 * The runs to compare, in the order asked for: the first with runs/get (for its experiment), the rest of
 * that experiment with one runs/search (`run_id IN (…)`), any others (other experiments) with runs/get.
 */
async function loadRuns(ids: string[]): Promise<Run[]> {
  const found = new Map<string, Run>();
  const first = (await api.getRun(ids[0]!)).run;
  found.set(first.info.run_id, first);
  // Run ids are hex; anything else is looked up alone rather than quoted into a filter.
  const searchable = ids.slice(1).filter((id) => /^[\w-]+$/.test(id));
  if (searchable.length) {
    const res = await api.searchRuns({
      experiment_ids: [first.info.experiment_id],
      filter: `attributes.run_id IN (${searchable.map((id) => `'${id}'`).join(', ')})`,
      max_results: searchable.length,
      run_view_type: 'ALL',
    });
    for (const r of res.runs ?? []) found.set(r.info.run_id, r);
  }
  const rest = ids.filter((id) => !found.has(id));
  for (const r of await mapLimit(rest, 6, async (id) => (await api.getRun(id)).run)) found.set(r.info.run_id, r);
  return ids.map((id) => found.get(id)!);
}
