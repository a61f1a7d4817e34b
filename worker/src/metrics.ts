/**
 * Isolate-local Prometheus metrics: counters and one latency histogram, kept in plain maps (each
 * isolate counts what it served; a scrape sees one isolate, as the seed's `/metrics` did).
 */

/** Upper bounds (seconds) of the predict latency histogram's buckets. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Most (model, version) label sets kept; requests beyond are counted under `model="_other"`. */
export const MAX_SERIES = 500;

interface Histogram {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

const requests = new Map<string, number>();
const latency = new Map<string, Histogram>();
const shadows = new Map<string, number>();
const invalidOutputs = new Map<string, number>();
const loads = new Map<string, number>();
const loadFailures = new Map<string, number>();
const loadSeconds = new Map<string, number>();
const events = new Map<string, number>();
const feedback = new Map<string, number>();

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

/** Counts one predict request for `model` answered by `version` ('' when none) with HTTP `status`. */
export function recordPredict(model: string, version: string, status: number, seconds: number): void {
  let labels = `model="${esc(model)}",version="${esc(version)}"`;
  // model names come from URLs: past MAX_SERIES label sets, new ones are folded together
  if (!latency.has(labels) && latency.size >= MAX_SERIES) labels = 'model="_other",version=""';
  bump(requests, `${labels},status="${status}"`);
  let h = latency.get(labels);
  if (!h) latency.set(labels, (h = { labels, counts: new Array(LATENCY_BUCKETS.length).fill(0), sum: 0, count: 0 }));
  for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) h.counts[i]!++;
  h.sum += seconds;
  h.count++;
}

/** Counts one predict request refused because `version` of `model` gave a non-finite output. */
export function recordInvalidOutput(model: string, version: string): void {
  bump(invalidOutputs, `model="${esc(model)}",version="${esc(version)}"`);
}

/** Counts one background shadow run of `version` of `model` (`ok` or `error`). */
export function recordShadow(model: string, version: string, outcome: 'ok' | 'error'): void {
  bump(shadows, `model="${esc(model)}",version="${esc(version)}",outcome="${outcome}"`);
}

/** Counts prediction events handed to the queue (`sent`) or lost because the send threw (`failed`). */
export function recordEventSend(outcome: 'sent' | 'failed', count: number): void {
  bump(events, `outcome="${outcome}"`, count);
}

/** Counts labels of `POST /feedback` handed to the queue (`queued`) or refused by it (`failed`, answered 503). */
export function recordFeedback(outcome: 'queued' | 'failed', count: number): void {
  bump(feedback, `outcome="${outcome}"`, count);
}

/** Counts one model version load attempt, whether it failed, and how long it took. */
export function recordLoad(model: string, version: string, ok: boolean, seconds: number): void {
  const labels = `model="${esc(model)}"`;
  bump(loads, labels);
  if (!ok) bump(loadFailures, labels);
  loadSeconds.set(`${labels},version="${esc(version)}"`, seconds);
}

/** A value read at scrape time: `[labels, value]` rows. */
export type GaugeRows = Array<[string, number]>;

/** Renders every metric in the Prometheus text exposition format (0.0.4), plus `gauges` read now. */
export function renderMetrics(gauges: Record<string, { help: string; rows: GaugeRows }> = {}): string {
  const out: string[] = [];
  const counter = (name: string, help: string, map: Map<string, number>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    for (const [labels, value] of map) out.push(`${name}{${labels}} ${value}`);
  };
  counter('edgeflow_predict_requests_total', 'Predict requests by model, serving version and HTTP status.', requests);
  out.push(
    '# HELP edgeflow_predict_latency_seconds Predict latency inside the worker (body read to answer).',
    '# TYPE edgeflow_predict_latency_seconds histogram',
  );
  for (const h of latency.values()) {
    LATENCY_BUCKETS.forEach((le, i) =>
      out.push(`edgeflow_predict_latency_seconds_bucket{${h.labels},le="${le}"} ${h.counts[i]}`),
    );
    out.push(
      `edgeflow_predict_latency_seconds_bucket{${h.labels},le="+Inf"} ${h.count}`,
      `edgeflow_predict_latency_seconds_sum{${h.labels}} ${h.sum}`,
      `edgeflow_predict_latency_seconds_count{${h.labels}} ${h.count}`,
    );
  }
  counter(
    'edgeflow_predict_invalid_outputs_total',
    'Predict requests answered 500 invalid_output: the model gave a non-finite number.',
    invalidOutputs,
  );
  counter('edgeflow_shadow_runs_total', 'Background shadow runs by model, version and outcome.', shadows);
  counter(
    'edgeflow_prediction_events_total',
    'Prediction events sent to the events queue, or failed to send (the answer was given either way).',
    events,
  );
  counter(
    'edgeflow_feedback_labels_total',
    'Labels of POST /feedback put on the events queue, or refused by it (answered 503).',
    feedback,
  );
  counter('edgeflow_model_loads_total', 'Model version loads attempted in this isolate.', loads);
  counter('edgeflow_model_load_failures_total', 'Model version loads that failed (never served).', loadFailures);
  out.push(
    '# HELP edgeflow_model_load_seconds Duration of the last load of a version.',
    '# TYPE edgeflow_model_load_seconds gauge',
  );
  for (const [labels, value] of loadSeconds) out.push(`edgeflow_model_load_seconds{${labels}} ${value}`);
  for (const [name, { help, rows }] of Object.entries(gauges)) {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of rows) out.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
  }
  return `${out.join('\n')}\n`;
}

/** Escapes a Prometheus label value. */
export const labelValue = esc;
