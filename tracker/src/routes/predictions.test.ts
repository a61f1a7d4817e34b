import { describe, expect, it } from 'vitest';
import { MAX_EVENTS_PER_BATCH, type PredictionEvent } from '../../../contracts/index.ts';
import { EXPIRE_CHUNK } from '../store/prediction-events.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';

const TOKEN = 'ingest-token-for-tests';
const DAY_MS = 86_400_000;
const LOG = '/api/2.0/edgeflow/predictions/log-batch';
const SEARCH = '/api/2.0/edgeflow/predictions/search';
const auth = { headers: { authorization: `Bearer ${TOKEN}` } };

let clock = Date.UTC(2026, 0, 31);
const event = (id: string, over: Partial<PredictionEvent> = {}): PredictionEvent => ({
  prediction_id: id,
  model: 'fraud-detector',
  version: '2',
  arm: 'live',
  time: clock - 1000,
  inputs: [0.5, -1.25, 3e-7],
  output: { prediction: 1, probability: 0.875, label: 'fraud' },
  latency_ms: 0.75,
  status: 200,
  ...over,
});

describe('predictions/log-batch', () => {
  const t = useTrackerFixture({ ingest: { token: TOKEN, retentionDays: 30, now: () => clock } });

  it('refuses a request without the token (401) or with a wrong one (401)', async () => {
    const none = await t.post(LOG, { events: [event('a')] });
    expect(none.status).toBe(401);
    expect(none.body.error_code).toBe('UNAUTHENTICATED');
    const wrong = await t.post(LOG, { events: [event('a')] }, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    const basic = await t.post(LOG, { events: [event('a')] }, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
    expect((await t.get(SEARCH, { model: 'fraud-detector' })).body).toEqual({ events: [] });
  });

  it('validates the body with the contract (400 naming the field)', async () => {
    const cases: unknown[] = [
      {},
      { events: [] },
      { events: [{ ...event('a'), arm: 'side' }] },
      { events: [{ ...event('a'), version: 'v2' }] },
      { events: [{ ...event('a'), inputs: ['x'] }] },
      { events: [{ ...event('a'), prediction_id: 'x'.repeat(65) }] },
      { events: Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, (_, i) => event(`many-${i}`)) },
    ];
    for (const body of cases) {
      const res = await t.post(LOG, body, auth);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const arm = await t.post(LOG, { events: [{ ...event('a'), arm: 'side' }] }, auth);
    expect(arm.body.message).toContain('events.0.arm');
  });

  it('stores a batch once: a retried batch stores nothing twice', async () => {
    const batch = {
      events: [
        event('d1'),
        event('d2', { arm: 'shadow', version: '3' }),
        event('d3', { status: 400, inputs: [], output: undefined }),
      ],
    };
    expect(await t.post(LOG, batch, auth)).toEqual({ status: 200, body: { stored: 3 } });
    expect(await t.post(LOG, batch, auth)).toEqual({ status: 200, body: { stored: 0 } });
    const mixed = { events: [event('d1'), event('d4')] };
    expect((await t.post(LOG, mixed, auth)).body).toEqual({ stored: 1 });
    const { body } = await t.get(SEARCH, { model: 'fraud-detector', max_results: '1000' });
    const ids = body.events.map((e: PredictionEvent) => e.prediction_id).filter((id: string) => id.startsWith('d'));
    expect(ids).toEqual(['d4', 'd3', 'd2', 'd1']);
    const stored = body.events.find((e: PredictionEvent) => e.prediction_id === 'd2');
    expect(stored).toEqual(event('d2', { arm: 'shadow', version: '3' }));
    const failed = body.events.find((e: PredictionEvent) => e.prediction_id === 'd3');
    expect(failed).toEqual({ ...event('d3', { status: 400, inputs: [] }), output: undefined });
    expect(failed).not.toHaveProperty('output');
  });

  it('pages the search by model and version, newest first', async () => {
    const events = Array.from({ length: 25 }, (_, i) => event(`p${i}`, { model: 'pager', version: i % 2 ? '1' : '2' }));
    expect((await t.post(LOG, { events }, auth)).body).toEqual({ stored: 25 });
    const seen: string[] = [];
    let token: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const query: Record<string, string> = { model: 'pager', version: '2', max_results: '5' };
      if (token) query.page_token = token;
      const res = await t.get(SEARCH, query);
      expect(res.status).toBe(200);
      seen.push(...res.body.events.map((e: PredictionEvent) => e.prediction_id));
      token = res.body.next_page_token;
      if (!token) break;
    }
    expect(seen).toEqual(
      events
        .filter((_, i) => i % 2 === 0)
        .map((e) => e.prediction_id)
        .reverse(),
    );
    expect((await t.get(SEARCH, { model: 'pager', page_token: 'garbage!' })).status).toBe(400);
    expect((await t.get(SEARCH, { model: 'pager', max_results: '0' })).status).toBe(400);
    expect((await t.get(SEARCH, { model: 'nobody' })).body).toEqual({ events: [] });
  });

  it('keeps EDGEFLOW_PREDICTION_RETENTION_DAYS: older events are not stored and are deleted at ingest, in chunks', async () => {
    const old = Array.from({ length: EXPIRE_CHUNK + 10 }, (_, i) => event(`old-${i}`, { model: 'aging' }));
    for (let at = 0; at < old.length; at += MAX_EVENTS_PER_BATCH) {
      expect((await t.post(LOG, { events: old.slice(at, at + MAX_EVENTS_PER_BATCH) }, auth)).status).toBe(200);
    }
    const count = async () => {
      const { rows } = await t.store.client.execute('SELECT count(*) AS n FROM prediction_events');
      return Number(rows[0]!.n);
    };
    const before = await count();
    expect(before).toBeGreaterThanOrEqual(EXPIRE_CHUNK + 10);
    expect(before).toBeLessThan(2 * EXPIRE_CHUNK);
    clock += 31 * DAY_MS;
    const tooOld = event('too-old', { model: 'aging', time: clock - 31 * DAY_MS });
    expect((await t.post(LOG, { events: [tooOld, event('fresh', { model: 'aging' })] }, auth)).body).toEqual({
      stored: 1,
    });
    // one ingest deletes at most EXPIRE_CHUNK expired events; the next one the rest
    expect(await count()).toBe(before - EXPIRE_CHUNK + 1);
    await t.post(LOG, { events: [event('fresh-2', { model: 'aging' })] }, auth);
    expect(await count()).toBe(2);
  });
});

describe('predictions/log-batch without EDGEFLOW_INGEST_TOKEN', () => {
  const t = useTrackerFixture();

  it('answers 403 saying that ingest is off', async () => {
    const res = await t.post(LOG, { events: [event('x')] }, auth);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error_code: 'PERMISSION_DENIED',
      message: expect.stringContaining('EDGEFLOW_INGEST_TOKEN'),
    });
  });
});
