import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../contracts/index.ts';
import { PREDICTION_ID_HEADER } from './predict-handler.ts';
import { sampleRate } from './prediction-events.ts';
import { eventsArrived, recordedEvents, wasPosted } from './testing/recorded.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, send, sendWith } from './testing/send.ts';

const features = [0.3, -1.2, 2.5, 0.9];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function live(kind: 'binary' | 'regression' = 'binary') {
  const model = uniqueModel();
  const seeded = await seedVersion({ model, version: '1', kind });
  await putPointer(seeded.pointer);
  return { model, ...seeded };
}

describe('prediction ids', () => {
  it('gives every answer a random prediction_id, the same as its x-prediction-id header', async () => {
    const { model } = await live();
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await send(`/v1/models/${model}/predict`, json({ features }));
      const body = (await res.json()) as Prediction;
      expect(body.prediction_id).toMatch(UUID);
      expect(res.headers.get(PREDICTION_ID_HEADER)).toBe(body.prediction_id);
      seen.add(body.prediction_id);
    }
    expect(seen.size).toBe(5);
  });

  it('gives each instance of a batch its own id; the header lists them in order', async () => {
    const { model } = await live();
    const res = await send(`/v1/models/${model}/predict`, json({ instances: [features, features, features] }));
    const { predictions } = (await res.json()) as { predictions: Prediction[] };
    const ids = predictions.map((p) => p.prediction_id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(res.headers.get(PREDICTION_ID_HEADER)).toBe(ids.join(', '));
  });
});

describe('prediction events', () => {
  it('reach the tracker through the EVENTS queue: ids, arm, raw inputs, output, latency, status', async () => {
    const { model } = await live();
    const before = Date.now();
    const res = await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    const answer = (await res.json()) as Prediction;
    const batch = await sendWith(
      {},
      `/v1/models/${model}/versions/1/predict`,
      json({ instances: [features, { f3: 4, f2: 3, f1: 2, f0: 1 }] }),
    );
    const { predictions } = (await batch.json()) as { predictions: Prediction[]; latency_ms: number };
    const [single, first, second] = await eventsArrived([
      answer.prediction_id,
      ...predictions.map((p) => p.prediction_id),
    ]);
    expect(single).toEqual({
      prediction_id: answer.prediction_id,
      model,
      version: '1',
      arm: 'live',
      time: expect.any(Number),
      inputs: features,
      output: { prediction: answer.prediction, probability: answer.probability, label: answer.label },
      latency_ms: answer.latency_ms,
      status: 200,
    });
    expect(single!.time).toBeGreaterThanOrEqual(before);
    expect(single!.time).toBeLessThanOrEqual(Date.now());
    expect(first).toMatchObject({
      arm: 'pinned',
      inputs: features,
      output: { prediction: predictions[0]!.prediction },
    });
    expect(second!.inputs).toEqual([1, 2, 3, 4]);
  });

  it('records a failure of a known version, without output or inputs', async () => {
    const { model } = await live();
    const bad = await sendWith({}, `/v1/models/${model}/predict`, json({ features: [1] }));
    expect(bad.status).toBe(400);
    const marker = await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    const { prediction_id } = (await marker.json()) as Prediction;
    await eventsArrived([prediction_id]);
    const events = await recordedEvents();
    const failed = events.filter((e) => e.model === model && e.status === 400);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ version: '1', arm: 'live', inputs: [] });
    expect(failed[0]).not.toHaveProperty('output');
  });

  it('records the shadow version’s answer on the same input with arm shadow', async () => {
    const model = uniqueModel();
    await seedVersion({ model, version: '2', kind: 'regression' });
    const live1 = await seedVersion({ model, version: '1', kind: 'regression' });
    await putPointer({ ...live1.pointer, shadow: { version: '2' } });
    // the first request starts the shadow's load; the second runs it
    await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    const res = await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    const { prediction_id } = (await res.json()) as Prediction;
    await eventsArrived([prediction_id]);
    const shadows = (await recordedEvents()).filter((e) => e.model === model && e.arm === 'shadow');
    expect(shadows.length).toBeGreaterThanOrEqual(1);
    expect(shadows[0]).toMatchObject({ version: '2', inputs: features, status: 200 });
  });

  it('records nothing at MONITOR_SAMPLE_RATE 0 (the answer is the same)', async () => {
    const { model } = await live();
    const off = await sendWith({ MONITOR_SAMPLE_RATE: '0' }, `/v1/models/${model}/predict`, json({ features }));
    expect(off.status).toBe(200);
    const offId = ((await off.json()) as Prediction).prediction_id;
    expect(offId).toMatch(UUID);
    // sent after it, so it arrives with or after anything the first would have queued
    const on = await sendWith({ MONITOR_SAMPLE_RATE: '1' }, `/v1/models/${model}/predict`, json({ features }));
    await eventsArrived([((await on.json()) as Prediction).prediction_id]);
    expect(await wasPosted(offId)).toBe(false);
  });

  it('reads MONITOR_SAMPLE_RATE as a share from 0 to 1, every prediction when unset', () => {
    expect(sampleRate({})).toBe(1);
    expect(sampleRate({ MONITOR_SAMPLE_RATE: '' })).toBe(1);
    expect(sampleRate({ MONITOR_SAMPLE_RATE: 'x' })).toBe(1);
    expect(sampleRate({ MONITOR_SAMPLE_RATE: '0' })).toBe(0);
    expect(sampleRate({ MONITOR_SAMPLE_RATE: '0.25' })).toBe(0.25);
    expect(sampleRate({ MONITOR_SAMPLE_RATE: '7' })).toBe(1);
    expect(sampleRate({ MONITOR_SAMPLE_RATE: '-1' })).toBe(0);
  });
});

describe('prediction events that cannot be sent', () => {
  it('never fail the answer: the failed send is counted in /metrics', async () => {
    const { model } = await live();
    const failed = async () => {
      const text = await (await send('/metrics')).text();
      const line = text.split('\n').find((l) => l.startsWith('edgeflow_prediction_events_total{outcome="failed"} '));
      return line ? Number(line.split(' ')[1]) : 0;
    };
    const before = await failed();
    // a binding that is not a queue: its send throws
    const vars = { EVENTS: env.POINTERS } as unknown as Record<string, string>;
    const res = await sendWith(vars, `/v1/models/${model}/predict`, json({ instances: [features, features] }));
    expect(res.status).toBe(200);
    expect((await res.json()) as object).toHaveProperty('predictions');
    expect(await failed()).toBe(before + 2);
  });

  it('go out in several queue batches when one request holds more than a batch may', async () => {
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '1', kind: 'regression', inputs: 150 })).pointer);
    const row = Array.from({ length: 150 }, (_, i) => -Math.PI * 1e-300 * (i + 1));
    const res = await sendWith(
      { MAX_BATCH: '256' },
      `/v1/models/${model}/predict`,
      json({ instances: Array(100).fill(row) }),
    );
    expect(res.status).toBe(200);
    const { predictions } = (await res.json()) as { predictions: Prediction[] };
    const events = await eventsArrived(
      predictions.map((p) => p.prediction_id),
      20_000,
    );
    expect(events).toHaveLength(100);
    expect(events[99]!.inputs).toEqual(row);
  });
});
