import uPlot from 'uplot';
import { logSafe, type Aligned, type XMode } from './chart-data.ts';
import { h } from './dom.ts';
import { formatNumber } from './format.ts';

/** Ten distinguishable line colours (Tableau 10), reused in order. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** A chart element; `uplot` is the live uPlot instance (tests read its data). */
export interface ChartElement extends HTMLDivElement {
  uplot?: uPlot;
}

/** What to draw. */
export interface ChartSpec {
  labels: string[];
  data: Aligned;
  xMode: XMode;
  log: boolean;
  /** Points only (a scatter), no lines. */
  scatter?: boolean;
  /** Names of x categories for a categorical scatter. */
  categories?: string[] | null;
  /** Line colours, one per label (default: the palette in order). */
  colors?: string[];
  xLabel?: string;
  yLabel?: string;
  height?: number;
}

const resizer =
  typeof ResizeObserver === 'undefined'
    ? null
    : new ResizeObserver((entries) => {
        for (const e of entries) {
          const el = e.target as ChartElement;
          const w = Math.floor(e.contentRect.width);
          if (el.uplot && w > 0 && Math.abs(el.uplot.width - w) > 2) el.uplot.setSize({ width: w, height: el.uplot.height });
        }
      });

/**
 * Draws (or redraws) a uPlot chart into `el`: drag to zoom on x, double-click to reset; log scale
 * drops points that are not positive.
 */
export function drawChart(el: ChartElement, spec: ChartSpec): uPlot {
  el.uplot?.destroy();
  const width = Math.max(240, Math.floor(el.clientWidth || 600));
  const points = spec.scatter || spec.data[0].length < 2;
  const opts: uPlot.Options = {
    width,
    height: spec.height ?? 220,
    scales: {
      x: { time: spec.xMode === 'time' && !spec.scatter },
      y: spec.log ? { distr: 3, log: 10 } : { auto: true },
    },
    legend: { show: (spec.labels.length > 1 || !!spec.scatter) && spec.labels.length <= 12 },
    cursor: { drag: { x: true, y: false, setScale: true } },
    series: [
      { label: spec.xLabel ?? (spec.xMode === 'time' ? 'time' : 'step'), value: spec.categories ? (_u, v) => spec.categories![v] ?? '' : undefined },
      ...spec.labels.map(
        (label, i): uPlot.Series => ({
          label,
          stroke: spec.colors?.[i] ?? PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: true,
          value: (_u, v) => (v === null || v === undefined ? '—' : formatNumber(v)),
          points: points ? { show: true, size: 8, fill: spec.colors?.[i] ?? PALETTE[i % PALETTE.length] } : { show: false },
          ...(spec.scatter ? { paths: () => null } : {}),
        }),
      ),
    ],
    axes: [
      {
        label: spec.xLabel,
        ...(spec.categories ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (Number.isInteger(t) ? spec.categories![t] ?? '' : '')) } : {}),
      },
      { label: spec.yLabel, size: 60 },
    ],
  };
  const data = (spec.log ? logSafe(spec.data) : spec.data) as uPlot.AlignedData;
  const u = new uPlot(opts, data, el);
  el.uplot = u;
  resizer?.observe(el);
  return u;
}

/** A figure with a chart and its controls (log scale, x axis, reset zoom). */
export function chartFigure(
  title: string,
  build: (xMode: XMode, log: boolean) => Omit<ChartSpec, 'xMode' | 'log'>,
  options: { xModes?: XMode[]; id?: string } = {},
): HTMLElement {
  const xModes = options.xModes ?? ['step', 'time'];
  let xMode: XMode = xModes[0]!;
  let log = false;
  const canvas = h('div', { class: 'chart', 'data-metric': title }) as ChartElement;
  const redraw = () => drawChart(canvas, { ...build(xMode, log), xMode, log });
  const logBox = h('input', { type: 'checkbox', onchange: (e: Event) => ((log = (e.target as HTMLInputElement).checked), redraw()) });
  const xSelect = h(
    'select',
    { 'aria-label': `x axis of ${title}`, onchange: (e: Event) => ((xMode = (e.target as HTMLSelectElement).value as XMode), redraw()) },
    ...xModes.map((m) => h('option', { value: m }, m === 'step' ? 'by step' : 'by time')),
  );
  const fig = h(
    'figure',
    { class: 'chart-figure', id: options.id },
    h(
      'figcaption',
      null,
      h('span', { class: 'chart-title' }, title),
      h(
        'span',
        { class: 'chart-controls' },
        h('label', null, logBox, ' log scale'),
        xModes.length > 1 ? xSelect : null,
        h('button', { type: 'button', class: 'link-button', onclick: () => redraw() }, 'Reset zoom'),
      ),
    ),
    canvas,
  );
  fig.addEventListener('redraw', redraw);
  // Draw once the figure is in the document and has a width.
  queueMicrotask(redraw);
  return fig;
}
