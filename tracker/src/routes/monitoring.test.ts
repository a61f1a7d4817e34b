import { describe, expect, it } from 'vitest';
import {
  binOf,
  buildReferenceProfile,
  type PredictionEvent,
  REFERENCE_FILE,
  type ReferenceProfile,
} from '../../../contracts/index.ts';
import { createRng } from '../../../scripts/lib/random.ts';
import { DRIFT_THRESHOLDS } from '../monitoring/drift.ts';
import { ks2samp } from '../monitoring/stats/ks-2samp.ts';
import { psi } from '../monitoring/stats/psi.ts';
import { wassersteinDistance } from '../monitoring/stats/wasserstein.ts';
import { logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';

const TOKEN = 'monitoring-token';
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
const LOG = '/api/2.0/edgeflow/predictions/log-batch';
const DRIFT = '/api/2.0/edgeflow/monitoring/drift';
const TRAFFIC = '/api/2.0/edgeflow/monitoring/traffic';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);
const clock = T0 + 20 * HOUR;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A seeded stream of (f0, f1) rows: f0 ~ N(shift, 1), f1 ~ N(5, 2). */
function rowsFrom(seed: number, n: number, shift = 0): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => [shift + rng.normal(), 5 + 2 * rng.normal()]);
}

const trainingProfile = (): ReferenceProfile => {
  const rows = rowsFrom(1, 4000);
  return buildReferenceProfile({
    source: 'training',
    names: ['f0', 'f1'],
    rows,
    output: { field: 'probability', values: rowsFrom(2, 800).map(([a]) => sigmoid(a!)) },
  });
};

let ids = 0;
/** Events of `rows` spread evenly over the hour from `start`, on version `version`. */
function eventsOf(model: string, version: string, rows: number[][], start: number): PredictionEvent[] {
  return rows.map((inputs, i) => ({
    prediction_id: `e${++ids}`,
    model,
    version,
    arm: 'live',
    time: start + Math.floor((i * HOUR) / rows.length),
    inputs,
    output: { prediction: Number(sigmoid(inputs[0]!) >= 0.5), probability: sigmoid(inputs[0]!) },
    latency_ms: 1 + (i % 10),
    status: 200,
  }));
}

describe('monitoring/drift', () => {
  const t = useTrackerFixture({ ingest: { token: TOKEN, now: () => clock, referenceEvents: 50 } });

  async function send(events: PredictionEvent[]): Promise<void> {
    for (let at = 0; at < events.length; at += 1000) {
      const res = await t.post(LOG, { events: events.slice(at, at + 1000) }, auth);
      expect(res.status).toBe(200);
    }
  }

  async function registerWith(name: string, extra: Record<string, string>): Promise<string> {
    return registerVersion(t, name, await logModelRun(t, { ...modelFiles(), ...extra }));
  }

  it('raises no false alarm: 10 windows of in-distribution traffic keep PSI < 0.1 on every input', async () => {
    const profile = trainingProfile();
    const version = await registerWith('steady', { [REFERENCE_FILE]: JSON.stringify(profile) });
    for (let w = 0; w < 10; w++) await send(eventsOf('steady', version, rowsFrom(100 + w, 1000), T0 + w * HOUR));
    for (let w = 0; w < 10; w++) {
      const start = T0 + w * HOUR;
      const { status, body } = await t.get(DRIFT, {
        name: 'steady',
        version,
        start_time: String(start),
        end_time: String(start + HOUR),
      });
      expect(status).toBe(200);
      expect(body.reference).toMatchObject({ source: 'training', status: 'ready' });
      expect([body.events, body.binned]).toEqual([1000, 1000]);
      for (const f of body.features) {
        expect(f.psi, `window ${w} ${f.name}`).toBeLessThan(0.1);
        expect(f.drifted, `window ${w} ${f.name}`).toBe(false);
      }
      expect(body.dataset_drift).toBe(false);
    }
  });

  it('finds the moved input, and its statistics are the raw events’ when every minute fits its sample', async () => {
    const profile = trainingProfile();
    const version = await registerWith('shifting', { [REFERENCE_FILE]: JSON.stringify(profile) });
    const rows = rowsFrom(7, 1000, 1);
    await send(eventsOf('shifting', version, rows, T0));
    const { body } = await t.get(DRIFT, {
      name: 'shifting',
      version,
      start_time: String(T0),
      end_time: String(T0 + HOUR),
    });
    const [f0, f1] = body.features;
    expect(f0).toMatchObject({
      name: 'f0',
      method: 'wasserstein',
      drifted: true,
      psi_drifted: true,
      sample_size: 1000,
    });
    expect(f1).toMatchObject({ name: 'f1', method: 'wasserstein', drifted: false, psi_drifted: false });
    expect(body).toMatchObject({ drifted_features: 1, share_drifted: 0.5, dataset_drift: true });

    // ~17 events a minute: every one is in the window's sample, and the histograms are exact
    for (const [k, feature] of profile.features.entries()) {
      if (feature.kind !== 'numeric') throw new Error('numeric expected');
      const values = rows.map((r) => r[k]!);
      const counts = new Array<number>(feature.edges.length + 1).fill(0);
      for (const x of values) counts[binOf(feature.edges, x)]!++;
      const got = body.features[k];
      expect(got.bins.current).toEqual(counts);
      expect(got.psi).toBeCloseTo(psi(feature.counts, counts), 12);
      expect(got.statistic).toBeCloseTo(wassersteinDistance(feature.sample, values) / feature.std, 12);
    }
    const output = profile.output.column;
    if (output.kind !== 'numeric') throw new Error('numeric expected');
    const probabilities = rows.map((r) => sigmoid(r[0]!));
    const ks = ks2samp(output.sample, probabilities);
    expect(body.output).toMatchObject({ name: 'probability', method: 'ks', drifted: true });
    expect(body.output.statistic).toBeCloseTo(ks.statistic, 12);
    expect(body.output.p_value).toBeCloseTo(ks.pvalue, 12);
    expect(body.thresholds).toEqual(DRIFT_THRESHOLDS);
  });

  it('makes a live reference of the first events of a version without reference.json, and says so', async () => {
    const version = await registerWith('fresh', {});
    await send(eventsOf('fresh', version, rowsFrom(11, 30), T0));
    const query = { name: 'fresh', version, start_time: String(T0), end_time: String(T0 + 2 * HOUR) };
    const collecting = (await t.get(DRIFT, query)).body;
    expect(collecting).toMatchObject({
      reference: { source: 'live', status: 'collecting', events_needed: 50 },
      events: 30,
      binned: 0,
    });
    expect(collecting).not.toHaveProperty('features');
    await send(eventsOf('fresh', version, rowsFrom(12, 40), T0 + HOUR));
    const ready = (await t.get(DRIFT, query)).body;
    expect(ready.reference).toEqual({ source: 'live', status: 'ready', created_at: clock });
    // the reference's 50 events are not compared with themselves
    expect([ready.events, ready.binned]).toEqual([70, 20]);
    expect(ready.features.map((f: { name: string; method: string }) => [f.name, f.method])).toEqual([
      ['f0', 'ks'],
      ['f1', 'ks'],
    ]);
    expect(ready.features[0].reference_count).toBe(50);
    expect(ready.output).toMatchObject({ name: 'probability', current_count: 20 });
  });

  it('refuses a reference.json that is not a profile of the signature, leaving no version behind', async () => {
    const profile = trainingProfile();
    const run = await logModelRun(t, {
      ...modelFiles(),
      [REFERENCE_FILE]: JSON.stringify({ ...profile, features: profile.features.slice(0, 1) }),
    });
    await t.post('/api/2.0/mlflow/registered-models/create', { name: 'mismatched' });
    const res = await t.post('/api/2.0/mlflow/model-versions/create', {
      name: 'mismatched',
      source: `runs:/${run}/model`,
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('reference.json profiles 1 inputs, but signature.json has 2');
    const bad = await logModelRun(t, { ...modelFiles(), [REFERENCE_FILE]: '{"source":"training"}' });
    const res2 = await t.post('/api/2.0/mlflow/model-versions/create', {
      name: 'mismatched',
      source: `runs:/${bad}/model`,
    });
    expect(res2.body.message).toMatch(/reference.json is not a valid reference profile \(features: /);
    const versions = await t.get('/api/2.0/mlflow/model-versions/search', { filter: "name='mismatched'" });
    expect(versions.body.model_versions ?? []).toEqual([]);
  });

  it('answers bad queries with MLflow errors', async () => {
    const version = await registerWith('queried', {});
    const cases: [Record<string, string>, number, string][] = [
      [{ name: 'nobody' }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      [{ name: 'queried', version: '99' }, 404, 'RESOURCE_DOES_NOT_EXIST'],
      [{ name: 'queried' }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: 'queried', version, start_time: '2000', end_time: '1000' }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: 'queried', version, start_time: '0', end_time: String(8 * 24 * HOUR) }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: 'queried', version, arm: 'side' }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: 'queried', version, end_time: 'soon' }, 400, 'INVALID_PARAMETER_VALUE'],
      [{ name: '' }, 400, 'INVALID_PARAMETER_VALUE'],
    ];
    for (const [query, status, code] of cases) {
      const res = await t.get(DRIFT, query);
      expect([res.status, res.body.error_code], JSON.stringify(query)).toEqual([status, code]);
    }
    expect((await t.get(DRIFT, { name: 'queried' })).body.message).toContain('no version live');
    const empty = await t.get(DRIFT, { name: 'queried', version });
    expect(empty.body).toMatchObject({ start_time: clock - HOUR, end_time: clock, events: 0 });
    // a window is widened to whole minutes, the rollups' unit
    const odd = await t.get(DRIFT, {
      name: 'queried',
      version,
      start_time: String(T0 + 1),
      end_time: String(T0 + 61_000),
    });
    expect(odd.body).toMatchObject({ start_time: T0, end_time: T0 + 120_000 });
  });
});

describe('monitoring/traffic', () => {
  const t = useTrackerFixture({ ingest: { token: TOKEN, now: () => clock } });

  it('sums traffic, errors and latency per step by version and arm', async () => {
    const run = await logModelRun(t, modelFiles());
    const v1 = await registerVersion(t, 'busy', run);
    const v2 = await registerVersion(t, 'busy', run);
    const events: PredictionEvent[] = [];
    for (let i = 0; i < 300; i++) {
      const base = eventsOf('busy', i % 3 ? v1 : v2, [[0, 0]], T0 + i * 1000)[0]!;
      events.push({
        ...base,
        arm: i % 3 ? 'live' : 'canary',
        latency_ms: 1 + (i % 100),
        ...(i % 10 === 0 ? { status: 500, output: undefined } : {}),
      });
    }
    expect((await t.post(LOG, { events }, auth)).body).toEqual({ stored: 300 });
    const { status, body } = await t.get(TRAFFIC, {
      name: 'busy',
      start_time: String(T0),
      end_time: String(T0 + HOUR),
      step_minutes: '5',
    });
    expect(status).toBe(200);
    expect(body.step_minutes).toBe(5);
    expect(body.series.map((s: { version: string; arm: string }) => [s.version, s.arm])).toEqual([
      [v1, 'live'],
      [v2, 'canary'],
    ]);
    const live = body.series[0].points;
    // 300 s of traffic: the first step holds 300 events' first 5 minutes, i.e. all of them
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ time: T0, count: 200, latency_max_ms: 100 });
    const liveLatencies = events.filter((e) => e.arm === 'live').map((e) => e.latency_ms);
    const sorted = [...liveLatencies].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
    expect(live[0].latency_p95_ms).toBeGreaterThanOrEqual(p95);
    expect(live[0].latency_p95_ms / p95).toBeLessThan(2 ** 0.25);
    expect(live[0].errors).toBe(events.filter((e) => e.arm === 'live' && e.status >= 400).length);
    expect(body.series[1].points[0].count).toBe(100);

    const one = await t.get(TRAFFIC, {
      name: 'busy',
      version: v2,
      start_time: String(T0),
      end_time: String(T0 + HOUR),
    });
    expect(one.body.step_minutes).toBe(1);
    expect(one.body.series).toHaveLength(1);
    expect(one.body.series[0].points.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(100);

    expect(
      (await t.get(TRAFFIC, { name: 'busy', start_time: '0', end_time: String(2 * 24 * HOUR), step_minutes: '1' }))
        .status,
    ).toBe(400);
    expect((await t.get(TRAFFIC, { name: 'busy', start_time: '0', end_time: String(32 * 24 * HOUR) })).status).toBe(
      400,
    );
    expect((await t.get(TRAFFIC, { name: 'ghost' })).status).toBe(404);
  });
});
