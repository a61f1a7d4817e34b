import { describe, expect, it } from 'vitest';
import {
  MAX_LABELS_PER_BATCH,
  type PredictionEvent,
  SIGNATURE_FILE,
  type Signature,
  type TimedLabel,
  versionPrefix,
} from '../../../contracts/index.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';

const TOKEN = 'ingest-token-for-tests';
const DAY_MS = 86_400_000;
const LOG = '/api/2.0/edgeflow/predictions/log-batch';
const FEEDBACK = '/api/2.0/edgeflow/feedback';
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

let clock = Date.UTC(2026, 2, 1);
const event = (id: string, over: Partial<PredictionEvent> = {}): PredictionEvent => ({
  prediction_id: id,
  model: 'fb-binary',
  version: '1',
  arm: 'live',
  time: clock - 1000,
  inputs: [0.5],
  output: { prediction: 1, probability: 0.8, label: 'fraud' },
  latency_ms: 1,
  status: 200,
  ...over,
});
const label = (id: string, value: number | string, time = clock): TimedLabel => ({
  prediction_id: id,
  label: value,
  time,
});

const OUTPUTS: Record<string, Signature['output']> = {
  'fb-binary': { kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] },
  'fb-multi': { kind: 'multiclass', labels: ['a', 'b', 'c'] },
  'fb-reg': { kind: 'regression' },
};

describe('POST /api/2.0/edgeflow/feedback', () => {
  const t = useTrackerFixture({ ingest: { token: TOKEN, retentionDays: 30, now: () => clock } });

  const stored = async (ids: string[]) => {
    const { rows } = await t.store.client.execute({
      sql: `SELECT prediction_id, label, time FROM prediction_feedback WHERE prediction_id IN (${ids.map(() => '?').join(', ')}) ORDER BY prediction_id`,
      args: ids,
    });
    return Object.fromEntries(
      rows.map((r) => [String(r.prediction_id), { label: Number(r.label), time: Number(r.time) }]),
    );
  };

  it('seeds signatures and events', async () => {
    for (const [model, output] of Object.entries(OUTPUTS)) {
      const signature: Signature = {
        inputs: [{ name: 'x', dtype: 'float32' }],
        output,
        format: 'tfjs-layers',
        sample: [0],
      };
      await t.edge.blobs.put(versionPrefix(model, '1') + SIGNATURE_FILE, JSON.stringify(signature));
    }
    const events = [
      ...['b1', 'b2', 'b3', 'b4'].map((id) => event(id)),
      event('m1', { model: 'fb-multi', output: { prediction: 2, probability: 0.5, label: 'c' } }),
      event('r1', { model: 'fb-reg', output: { prediction: 3.5 } }),
      event('nosig', { model: 'fb-unsigned' }),
    ];
    expect((await t.post(LOG, { events }, auth)).body).toEqual({ stored: events.length });
  });

  it('needs the ingest token and a valid batch', async () => {
    expect((await t.post(FEEDBACK, { labels: [label('b1', 1)] })).status).toBe(401);
    for (const body of [
      {},
      { labels: [] },
      { labels: [{ prediction_id: 'b1', label: 1 }] },
      { labels: [label('b1', true as unknown as number)] },
      { labels: Array.from({ length: MAX_LABELS_PER_BATCH + 1 }, (_, i) => label(`x${i}`, 1)) },
    ]) {
      const res = await t.post(FEEDBACK, body, auth);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('joins labels to their predictions, resolving class names by the version’s signature', async () => {
    const res = await t.post(
      FEEDBACK,
      { labels: [label('b1', 1), label('b2', 'legit'), label('m1', 'b'), label('r1', -2.25), label('nosig', 0)] },
      auth,
    );
    expect(res).toEqual({ status: 200, body: { stored: 5, updated: 0 } });
    expect(await stored(['b1', 'b2', 'm1', 'nosig', 'r1'])).toEqual({
      b1: { label: 1, time: clock },
      b2: { label: 0, time: clock },
      m1: { label: 1, time: clock },
      nosig: { label: 0, time: clock },
      r1: { label: -2.25, time: clock },
    });
  });

  it('counts a label delivered twice once; a changed label with a later time wins, an older one does not', async () => {
    expect((await t.post(FEEDBACK, { labels: [label('b1', 1)] }, auth)).body).toEqual({ stored: 0, updated: 0 });
    expect((await t.post(FEEDBACK, { labels: [label('b1', 0, clock + 5)] }, auth)).body).toEqual({
      stored: 0,
      updated: 1,
    });
    expect((await t.post(FEEDBACK, { labels: [label('b1', 1, clock + 1)] }, auth)).body).toEqual({
      stored: 0,
      updated: 0,
    });
    // in one batch too: the later time wins whatever the order
    const batch = [label('b3', 1, clock + 2), label('b3', 0, clock + 1)];
    expect((await t.post(FEEDBACK, { labels: batch }, auth)).body).toEqual({ stored: 1, updated: 0 });
    expect(await stored(['b1', 'b3'])).toEqual({
      b1: { label: 0, time: clock + 5 },
      b3: { label: 1, time: clock + 2 },
    });
  });

  it('refuses labels of unknown ids with a 404 naming them, and stores nothing of that batch', async () => {
    const res = await t.post(FEEDBACK, { labels: [label('b4', 1), label('nope-1', 1), label('nope-2', 0)] }, auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'No stored prediction for 2 labels (unknown or not ingested yet: nope-1, nope-2); nothing was stored.',
      prediction_ids: ['nope-1', 'nope-2'],
    });
    expect(await stored(['b4'])).toEqual({});
  });

  it('joins a label that came before its prediction once the prediction is stored (what the queue’s retry does)', async () => {
    expect((await t.post(FEEDBACK, { labels: [label('early', 1)] }, auth)).status).toBe(404);
    await t.post(LOG, { events: [event('early')] }, auth);
    expect((await t.post(FEEDBACK, { labels: [label('early', 1)] }, auth)).body).toEqual({ stored: 1, updated: 0 });
  });

  it('refuses a label that does not fit its model with a 400 naming it, and stores nothing of that batch', async () => {
    const res = await t.post(
      FEEDBACK,
      { labels: [label('b4', 1), label('b2', 2), label('m1', 'z'), label('r1', 'high'), label('nosig', 'fraud')] },
      auth,
    );
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.prediction_ids).toEqual(['b2', 'm1', 'r1', 'nosig']);
    expect(res.body.message).toContain(
      'labels.1 (b2, fb-binary version 1): 2 is not a class index of the model (0 to 1)',
    );
    expect(res.body.message).toContain(
      'labels.2 (m1, fb-multi version 1): "z" is none of the model\'s classes (a, b, c)',
    );
    expect(await stored(['b4'])).toEqual({});
  });

  it('refuses a label of a prediction past the retention (404), and deletes expired labels at ingest', async () => {
    clock += 31 * DAY_MS;
    // its event is still stored (ingest deletes expired events in chunks), but past the retention
    const res = await t.post(FEEDBACK, { labels: [label('b4', 1)] }, auth);
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('older than the 30-day retention: b4');
    expect(res.body.prediction_ids).toEqual(['b4']);
    await t.post(LOG, { events: [event('fresh')] }, auth);
    expect((await t.post(FEEDBACK, { labels: [label('fresh', 1)] }, auth)).body).toEqual({ stored: 1, updated: 0 });
    expect(Object.keys(await stored(['b1', 'b2', 'fresh']))).toEqual(['fresh']);
  });
});
