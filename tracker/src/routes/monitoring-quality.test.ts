import { describe, expect, it } from 'vitest';
import { type PredictionEvent, SIGNATURE_FILE, type Signature, versionPrefix } from '../../../contracts/index.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';

const TOKEN = 'ingest-token-for-tests';
const API = '/api/2.0/mlflow';
const LOG = '/api/2.0/edgeflow/predictions/log-batch';
const FEEDBACK = '/api/2.0/edgeflow/feedback';
const QUALITY = '/api/2.0/edgeflow/monitoring/quality';
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
const MODEL = 'quality-binary';
const REGRESSION = 'quality-reg';

const clock = Date.UTC(2026, 3, 1);
const event = (id: string, over: Partial<PredictionEvent> = {}): PredictionEvent => ({
  prediction_id: id,
  model: MODEL,
  version: '1',
  arm: 'live',
  time: clock - 60_000,
  inputs: [0],
  latency_ms: 1,
  status: 200,
  ...over,
});
const binary = (id: string, prediction: number, probability: number, latency_ms: number, over = {}) =>
  event(id, { output: { prediction, probability, label: prediction ? 'fraud' : 'legit' }, latency_ms, ...over });

describe('GET /api/2.0/edgeflow/monitoring/quality', () => {
  const t = useTrackerFixture({ ingest: { token: TOKEN, now: () => clock } });

  const signature = (output: Signature['output']): string =>
    JSON.stringify({ inputs: [{ name: 'x', dtype: 'float32' }], output, format: 'tfjs-layers', sample: [0] });

  it('seeds a registered model whose version 1 was made by a run with test metrics', async () => {
    const run = (await t.post(`${API}/runs/create`, {})).body.run.info.run_id;
    const metrics = [
      { key: 'test_accuracy', value: 0.9, timestamp: 1, step: 0 },
      { key: 'test_roc_auc', value: 0.95, timestamp: 1, step: 0 },
      { key: 'accuracy', value: 0.5, timestamp: 1, step: 0 },
    ];
    expect((await t.post(`${API}/runs/log-batch`, { run_id: run, metrics })).status).toBe(200);
    for (const name of [MODEL, REGRESSION]) {
      expect((await t.post(`${API}/registered-models/create`, { name })).status).toBe(200);
    }
    const v1 = await t.post(`${API}/model-versions/create`, { name: MODEL, source: `runs:/${run}/model`, run_id: run });
    expect(v1.body.model_version.version).toBe('1');
    // a run without test metrics
    const bare = (await t.post(`${API}/runs/create`, {})).body.run.info.run_id;
    for (const name of [MODEL, REGRESSION]) {
      const made = await t.post(`${API}/model-versions/create`, { name, source: `runs:/${bare}/model`, run_id: bare });
      expect(made.status).toBe(200);
    }
    const output: Signature['output'] = { kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] };
    for (const v of ['1', '2']) await t.edge.blobs.put(versionPrefix(MODEL, v) + SIGNATURE_FILE, signature(output));
    await t.edge.blobs.put(versionPrefix(REGRESSION, '1') + SIGNATURE_FILE, signature({ kind: 'regression' }));

    const events = [
      binary('l1', 1, 0.9, 1),
      binary('l2', 1, 0.7, 2),
      binary('l3', 0, 0.4, 3),
      binary('l4', 0, 0.2, 4),
      binary('l5', 1, 0.6, 5),
      binary('l6', 0, 0.1, 6),
      event('e1', { status: 500, inputs: [], latency_ms: 10 }),
      binary('c1', 1, 0.8, 1, { arm: 'canary' }),
      binary('s1', 0, 0.3, 1, { arm: 'shadow', version: '2' }),
      binary('old', 1, 0.9, 1, { time: clock - 2 * 3_600_000 }),
      event('r1', { model: REGRESSION, output: { prediction: 3 } }),
      event('r2', { model: REGRESSION, output: { prediction: 5 } }),
    ];
    expect((await t.post(LOG, { events }, auth)).status).toBe(200);
    const labels = [
      ['l1', 1],
      ['l2', 'legit'],
      ['l3', 1],
      ['l4', 0],
      ['l5', 'fraud'],
      ['c1', 1],
      ['old', 0],
      ['r1', 4],
      ['r2', 2],
    ].map(([prediction_id, label]) => ({ prediction_id, label, time: clock }));
    expect((await t.post(FEEDBACK, { labels }, auth)).body).toEqual({ stored: 9, updated: 0 });
  });

  it('answers traffic, latency, output and labeled metrics per version and arm, beside the validation metrics', async () => {
    const res = await t.get(QUALITY, { name: MODEL });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: MODEL, start_time: clock - 3_600_000, end_time: clock });
    expect(res.body.versions.map((v: { version: string; arm: string }) => `${v.version} ${v.arm}`)).toEqual([
      '2 shadow',
      '1 canary',
      '1 live',
    ]);
    const live = res.body.versions[2];
    expect(live.kind).toBe('binary');
    expect(live.traffic).toEqual({ predictions: 7, errors: 1, error_rate: 1 / 7 });
    // latencies 1…6 and 10: numpy.percentile(…, [50, 95, 99]) = 4, 8.8, 9.76
    expect(live.latency_ms.p50).toBeCloseTo(4, 12);
    expect(live.latency_ms.p95).toBeCloseTo(8.8, 12);
    expect(live.latency_ms.p99).toBeCloseTo(9.76, 12);
    expect(live.output.positive_rate).toBe(0.5);
    expect(live.output.mean_probability).toBeCloseTo(2.9 / 6, 12);
    // labeled: tp l1 l5, fp l2, fn l3, tn l4; AUC pairs (pos 0.9 0.4 0.6 vs neg 0.7 0.2): 4 of 6
    expect(live.labels).toMatchObject({ count: 5, accuracy: 0.6 });
    for (const key of ['precision', 'recall', 'f1', 'roc_auc']) expect(live.labels[key]).toBeCloseTo(2 / 3, 12);
    expect(live.labels.calibration.brier).toBeCloseTo(1.06 / 5, 12);
    expect(live.labels.calibration.bins).toHaveLength(10);
    expect(live.labels.calibration.bins[8]).toMatchObject({ count: 1, mean_predicted: 0.9, fraction_positive: 1 });
    expect(live.validation).toEqual({ accuracy: 0.9, roc_auc: 0.95 });

    const canary = res.body.versions[1];
    expect(canary.labels).toMatchObject({ count: 1, accuracy: 1, roc_auc: null });
    const shadow = res.body.versions[0];
    expect(shadow).toMatchObject({ traffic: { predictions: 1 }, labels: { count: 0 }, validation: null });
  });

  it('takes one version and any window', async () => {
    const v2 = await t.get(QUALITY, { name: MODEL, version: '2' });
    expect(v2.body.versions.map((v: { arm: string }) => v.arm)).toEqual(['shadow']);
    const wide = await t.get(QUALITY, { name: MODEL, version: '1', start_time: '0', end_time: String(clock) });
    const live = wide.body.versions.find((v: { arm: string }) => v.arm === 'live');
    expect(live.traffic.predictions).toBe(8);
    expect(live.labels.count).toBe(6);
    const empty = await t.get(QUALITY, { name: MODEL, start_time: '0', end_time: '1' });
    expect(empty.body.versions).toEqual([]);
  });

  it('reads a regression model’s mean output and errors', async () => {
    const { body } = await t.get(QUALITY, { name: REGRESSION });
    expect(body.versions[0]).toMatchObject({ kind: 'regression', output: { mean: 4 } });
    expect(body.versions[0].labels).toEqual({ count: 2, mae: 2, rmse: Math.sqrt(5) });
  });

  it('answers MLflow errors for a missing name, an unknown model or version, and a bad window', async () => {
    const cases: Array<[Record<string, string>, number, string]> = [
      [{}, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: 'nobody' }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      [{ name: MODEL, version: '9' }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      [{ name: MODEL, version: 'v1' }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: MODEL, start_time: 'soon' }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: MODEL, start_time: '5', end_time: '5' }, 400, 'INVALID_PARAMETER_VALUE'],
    ];
    for (const [query, status, code] of cases) {
      const res = await t.get(QUALITY, query);
      expect(res.status, JSON.stringify(query)).toBe(status);
      expect(res.body.error_code).toBe(code);
    }
  });
});
