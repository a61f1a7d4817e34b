import uPlot from 'uplot';
import { type Aligned, logSafe, type XMode } from './chart-data.ts';
import { h } from './dom.ts';
import { formatNumber } from './format.ts';

/** Ten distinguishable line colours (Tableau 10), reused in order. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** A chart element; `uplot` is the live uPlot instance (tests read its data). */
export interface ChartElement extends HTMLDivElement {
  uplot?: uPlot;
  /** Resolves once the current chart has been drawn on its canvas. */
  drawn?: Promise<void>;
  /** How long the figure's last draw took, from its data to pixels on the canvas (ms). */
  drawMs?: number;
}

/** An x range the user zoomed to, kept when the chart gets fresh data. */
export interface XRange {
  min: number;
  max: number;
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
  /** Called when the x axis's range changes (a zoom, a reset, a redraw), with the zoomed range or null. */
  onXRange?: (range: XRange | null) => void;
}

const resizer =
  typeof ResizeObserver === 'undefined'
    ? null
    : new ResizeObserver((entries) => {
        for (const e of entries) {
          const el = e.target as ChartElement;
          const w = Math.floor(e.contentRect.width);
          if (el.uplot && w > 0 && Math.abs(el.uplot.width - w) > 2)
            el.uplot.setSize({ width: w, height: el.uplot.height });
        }
      });

/**
 * Draws (or redraws) a uPlot chart into `el`: drag to zoom on x, double-click to reset; log scale
 * drops points that are not positive. With `keepX`, the x axis stays on that range (a user's zoom
 * survives fresh data).
 */
export function drawChart(el: ChartElement, spec: ChartSpec, keepX?: XRange | null): uPlot {
  el.uplot?.destroy();
  const width = Math.max(240, Math.floor(el.clientWidth || 600));
  const points = spec.scatter || spec.data[0].length < 2;
  let drawnNow!: () => void;
  el.drawn = new Promise<void>((resolve) => (drawnNow = resolve));
  const opts: uPlot.Options = {
    width,
    height: spec.height ?? 220,
    scales: {
      x: { time: spec.xMode === 'time' && !spec.scatter },
      y: spec.log ? { distr: 3, log: 10 } : { auto: true },
    },
    legend: { show: (spec.labels.length > 1 || !!spec.scatter) && spec.labels.length <= 12 },
    cursor: { drag: { x: true, y: false, setScale: true } },
    hooks: {
      draw: [() => drawnNow()],
      ...(spec.onXRange
        ? { setScale: [(u: uPlot, key: string) => key === 'x' && spec.onXRange!(zoomedRange(u))] }
        : {}),
    },
    series: [
      {
        label: spec.xLabel ?? (spec.xMode === 'time' ? 'time' : 'step'),
        value: spec.categories ? (_u, v) => spec.categories![v] ?? '' : undefined,
      },
      ...spec.labels.map(
        (label, i): uPlot.Series => ({
          label,
          stroke: spec.colors?.[i] ?? PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: true,
          value: (_u, v) => (v === null || v === undefined ? '—' : formatNumber(v)),
          points: points
            ? { show: true, size: 8, fill: spec.colors?.[i] ?? PALETTE[i % PALETTE.length] }
            : { show: false },
          ...(spec.scatter ? { paths: () => null } : {}),
        }),
      ),
    ],
    axes: [
      {
        label: spec.xLabel,
        ...(spec.categories
          ? {
              values: (_u: uPlot, ticks: number[]) =>
                ticks.map((t) => (Number.isInteger(t) ? (spec.categories![t] ?? '') : '')),
            }
          : {}),
      },
      { label: spec.yLabel, size: 60 },
    ],
  };
  const data = (spec.log ? logSafe(spec.data) : spec.data) as uPlot.AlignedData;
  const u = new uPlot(opts, data, el);
  if (keepX) u.setScale('x', keepX);
  el.uplot = u;
  resizer?.observe(el);
  return u;
}

/**
 * The x range the user zoomed to, or null when the chart shows all its data (never zoomed, or reset
 * with a double-click).
 */
export function zoomedRange(u: uPlot | undefined): XRange | null {
  const xs = u?.data[0];
  const sx = u?.scales.x;
  if (!u || !xs || xs.length < 2 || sx?.min == null || sx.max == null) return null;
  const first = xs[0]!;
  const last = xs[xs.length - 1]!;
  const eps = (last - first) * 1e-9;
  return sx.min > first + eps || sx.max < last - eps ? { min: sx.min, max: sx.max } : null;
}

/**
 * A figure with a chart and its controls (log scale, x axis, reset zoom). Dispatch a `redraw` event on
 * the figure after its data changed: the chart is drawn again with the user's zoom kept.
 */
export function chartFigure(
  title: string,
  build: (xMode: XMode, log: boolean) => Omit<ChartSpec, 'xMode' | 'log'>,
  options: { xModes?: XMode[]; id?: string } = {},
): HTMLElement & { chart: ChartElement } {
  const xModes = options.xModes ?? ['step', 'time'];
  let xMode: XMode = xModes[0]!;
  let log = false;
  const canvas = h('div', { class: 'chart', 'data-metric': title }) as ChartElement;
  /** `keep`: stay on the user's zoom (fresh data, log scale); otherwise show everything. */
  const redraw = (keep: boolean) => {
    const t0 = performance.now();
    drawChart(canvas, { ...build(xMode, log), xMode, log }, keep ? zoomedRange(canvas.uplot) : null);
    void canvas.drawn!.then(() => {
      canvas.drawMs = performance.now() - t0;
      canvas.dataset.drawMs = String(Math.round(canvas.drawMs));
    });
  };
  const logBox = h('input', {
    type: 'checkbox',
    onchange: (e: Event) => ((log = (e.target as HTMLInputElement).checked), redraw(true)),
  });
  const xSelect = h(
    'select',
    {
      'aria-label': `x axis of ${title}`,
      onchange: (e: Event) => ((xMode = (e.target as HTMLSelectElement).value as XMode), redraw(false)),
    },
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
        h('button', { type: 'button', class: 'link-button', onclick: () => redraw(false) }, 'Reset zoom'),
      ),
    ),
    canvas,
  ) as HTMLElement & { chart: ChartElement };
  fig.chart = canvas;
  fig.addEventListener('redraw', () => redraw(true));
  // Draw once the figure is in the document and has a width.
  canvas.drawn = new Promise<void>((resolve) =>
    queueMicrotask(() => {
      redraw(false);
      void canvas.drawn!.then(resolve);
    }),
  );
  return fig;
}
