import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { apiKeyKvKey, type EdgeError, MAX_LABELS_PER_BATCH, type Prediction } from '../../contracts/index.ts';
import { FEEDBACK_PATH } from './forward-events.ts';
import { isSampled } from './prediction-events.ts';
import { MAX_BODY_BYTES } from './read-json-body.ts';
import { eventsArrived, labelsArrived, recordedRequests, wasPosted } from './testing/recorded.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, send, sendWith } from './testing/send.ts';

const features = [0.3, -1.2, 2.5, 0.9];

async function predictionIds(n: number, vars: Record<string, string> = {}): Promise<string[]> {
  const model = uniqueModel();
  await putPointer((await seedVersion({ model, version: '1' })).pointer);
  const res = await sendWith(vars, `/v1/models/${model}/predict`, json({ instances: Array(n).fill(features) }));
  return ((await res.json()) as { predictions: Prediction[] }).predictions.map((p) => p.prediction_id);
}

const errorOf = async (res: Response) => ((await res.json()) as EdgeError).error;

describe('POST /feedback', () => {
  it('answers 202 and sends one label, or a batch, through the queue to the tracker with its time', async () => {
    const [a, b, c] = await predictionIds(3);
    const before = Date.now();
    const one = await sendWith({}, '/feedback', json({ prediction_id: a, label: 1 }));
    expect(one.status).toBe(202);
    expect(await one.json()).toEqual({ accepted: 1, queued: 1 });
    const many = await sendWith(
      {},
      '/feedback',
      json({
        labels: [
          { prediction_id: b, label: 'fraud' },
          { prediction_id: c, label: 2.5 },
        ],
      }),
    );
    expect(await many.json()).toEqual({ accepted: 2, queued: 2 });
    const [la, lb, lc] = await labelsArrived([a!, b!, c!]);
    expect(la).toEqual({ prediction_id: a, label: 1, time: expect.any(Number) });
    expect(la!.time).toBeGreaterThanOrEqual(before);
    expect(la!.time).toBeLessThanOrEqual(Date.now());
    expect(lb).toMatchObject({ prediction_id: b, label: 'fraud' });
    expect(lc).toMatchObject({ prediction_id: c, label: 2.5 });
    const posted = (await recordedRequests()).find((r) => r.path === FEEDBACK_PATH && r.body.includes(b!))!;
    expect(posted.path).toBe(FEEDBACK_PATH);
    expect(posted.headers.authorization).toBe('Bearer test-ingest-token');
  });

  it('refuses what is not a label or a batch of them (400 invalid_feedback naming where)', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'prediction_id'],
      [{ prediction_id: 'p' }, 'label'],
      [{ prediction_id: 'p', label: null }, 'label'],
      [{ prediction_id: 'p', label: true }, 'label'],
      [{ prediction_id: 'p', label: '' }, 'label'],
      [{ prediction_id: 'p', label: 'x'.repeat(257) }, 'label'],
      [{ prediction_id: 'p', label: [1] }, 'label'],
      [{ prediction_id: '', label: 1 }, 'prediction_id'],
      [{ prediction_id: 'x'.repeat(65), label: 1 }, 'prediction_id'],
      [{ prediction_id: 7, label: 1 }, 'prediction_id'],
      [{ labels: [] }, 'labels'],
      [{ labels: 'all' }, 'labels'],
      [
        {
          labels: [
            { prediction_id: 'p', label: 1 },
            { prediction_id: 'q', label: {} },
          ],
        },
        'labels[1].label',
      ],
      [
        { labels: Array.from({ length: MAX_LABELS_PER_BATCH + 1 }, (_, i) => ({ prediction_id: `p${i}`, label: 0 })) },
        'labels',
      ],
      [[{ prediction_id: 'p', label: 1 }], 'body'],
    ];
    for (const [body, where] of cases) {
      const res = await send('/feedback', json(body));
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_feedback');
      expect(error.message.startsWith(`${where} `), error.message).toBe(true);
    }
    const bad = await send('/feedback', { method: 'POST', body: '{"prediction_id": ' });
    expect((await errorOf(bad)).code).toBe('invalid_json');
    // a NaN cannot come through JSON; a huge number is Infinity after parsing
    const infinite = await send('/feedback', { method: 'POST', body: '{"prediction_id": "p", "label": 1e999}' });
    expect((await errorOf(infinite)).message).toMatch(/^label must be a finite number/);
  });

  it('takes MAX_LABELS_PER_BATCH labels in one request, in several queue batches', async () => {
    const ids = Array.from({ length: MAX_LABELS_PER_BATCH }, () => crypto.randomUUID());
    const res = await sendWith(
      {},
      '/feedback',
      json({ labels: ids.map((prediction_id) => ({ prediction_id, label: 0 })) }),
    );
    expect(await res.json()).toEqual({ accepted: MAX_LABELS_PER_BATCH, queued: MAX_LABELS_PER_BATCH });
    expect(await labelsArrived(ids, 20_000)).toHaveLength(MAX_LABELS_PER_BATCH);
  });

  it('refuses a body over MAX_BODY_BYTES (413) and wants an API key when REQUIRE_API_KEY is on', async () => {
    const big = await send('/feedback', json({ prediction_id: 'p', label: 'x'.repeat(MAX_BODY_BYTES) }));
    expect(big.status).toBe(413);
    const on = { REQUIRE_API_KEY: 'true' };
    const body = json({ prediction_id: 'p', label: 1 });
    const missing = await sendWith(on, '/feedback', body);
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).code).toBe('api_key_required');
    const key = `ef_${crypto.randomUUID()}`;
    await env.POINTERS.put(
      await apiKeyKvKey(key),
      JSON.stringify({ name: 'feedback', createdAt: new Date().toISOString() }),
    );
    const init = json({ prediction_id: 'p', label: 1 });
    (init.headers as Record<string, string>)['x-api-key'] = key;
    expect((await sendWith(on, '/feedback', init)).status).toBe(202);
  });

  it('queues the labels of recorded predictions only: the same id-based choice as the events (MONITOR_SAMPLE_RATE)', async () => {
    const vars = { MONITOR_SAMPLE_RATE: '0.5' };
    const ids = await predictionIds(40, vars);
    const recorded = ids.filter((id) => isSampled(id, 0.5));
    const skipped = ids.filter((id) => !isSampled(id, 0.5));
    expect(recorded.length).toBeGreaterThan(0);
    expect(skipped.length).toBeGreaterThan(0);
    const res = await sendWith(
      vars,
      '/feedback',
      json({ labels: ids.map((prediction_id) => ({ prediction_id, label: 1 })) }),
    );
    expect(await res.json()).toEqual({ accepted: 40, queued: recorded.length });
    await eventsArrived(recorded);
    await labelsArrived(recorded);
    for (const id of skipped) expect(await wasPosted(id)).toBe(false);
  });

  it('answers 503 queue_unavailable when the queue refuses the labels, and counts them in /metrics', async () => {
    const failed = async () => {
      const text = await (await send('/metrics')).text();
      const line = text.split('\n').find((l) => l.startsWith('edgeflow_feedback_labels_total{outcome="failed"} '));
      return line ? Number(line.split(' ')[1]) : 0;
    };
    const before = await failed();
    // a binding that is not a queue: its send throws
    const vars = { EVENTS: env.POINTERS } as unknown as Record<string, string>;
    const res = await sendWith(
      vars,
      '/feedback',
      json({
        labels: [
          { prediction_id: 'p', label: 1 },
          { prediction_id: 'q', label: 0 },
        ],
      }),
    );
    expect(res.status).toBe(503);
    const error = await errorOf(res);
    expect(error.code).toBe('queue_unavailable');
    expect(error.message).toMatch(/^2 of 2 labels could not be queued/);
    expect(await failed()).toBe(before + 2);
  });
});

describe('isSampled', () => {
  it('keeps every id at 1, none at 0, and a share of random ids close to the rate', () => {
    const ids = Array.from({ length: 4000 }, () => crypto.randomUUID());
    expect(ids.every((id) => isSampled(id, 1))).toBe(true);
    expect(ids.some((id) => isSampled(id, 0))).toBe(false);
    const share = ids.filter((id) => isSampled(id, 0.25)).length / ids.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(isSampled('00000000-0000-4000-8000-000000000000', 0.01)).toBe(true);
    expect(isSampled('ffffffff-0000-4000-8000-000000000000', 0.99)).toBe(false);
  });
});
