import { describe, expect, it } from 'vitest';
import { useTempStore } from '../testing/temp-store.ts';
import type { Metric } from './entities.ts';
import { decodeHistoryToken, encodeHistoryToken } from './metric-history.ts';

describe('metric history pages', () => {
  const db = useTempStore({ prefix: 'edgeflow-history-' });

  const newRun = async () => (await db.store.createRun({ experiment_id: '0' })).info.run_id;
  const readAll = async (runId: string, key: string, pageSize: number) => {
    const points: Metric[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await db.store.getMetricHistory(runId, key, { max_results: pageSize, page_token: token });
      points.push(...page.metrics);
      token = page.next_page_token;
      pages++;
    } while (token && pages < 1000);
    return { points, pages };
  };

  it('pages through ties of (step, timestamp) with NaN and ±Infinity values, each point once, in order', async () => {
    const run = await newRun();
    const values = [Number.NaN, Number.NEGATIVE_INFINITY, -1.5, 0, 2.25, Number.POSITIVE_INFINITY];
    const metrics: Metric[] = [];
    for (let step = 0; step < 4; step++) {
      for (const ts of [10, 20]) for (const value of values) metrics.push({ key: 'tie', value, timestamp: ts, step });
    }
    await db.store.logBatch(run, { metrics: [...metrics].reverse() });
    for (const size of [1, 2, 5, 7, 48, 100]) {
      const { points, pages } = await readAll(run, 'tie', size);
      expect(points, `page size ${size}`).toEqual(metrics);
      expect(pages).toBe(Math.max(1, Math.ceil(48 / size)));
    }
  });

  it('answers no next token when the last page is exactly full, and an empty page for an unknown key', async () => {
    const run = await newRun();
    await db.store.logBatch(run, {
      metrics: Array.from({ length: 20 }, (_, i) => ({ key: 'k', value: i, timestamp: 1, step: i })),
    });
    const page = await db.store.getMetricHistory(run, 'k', { max_results: 20 });
    expect(page.metrics).toHaveLength(20);
    expect(page.next_page_token).toBeUndefined();
    const first = await db.store.getMetricHistory(run, 'k', { max_results: 10 });
    const second = await db.store.getMetricHistory(run, 'k', { max_results: 10, page_token: first.next_page_token });
    expect(second.metrics.map((m) => m.step)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(second.next_page_token).toBeUndefined();
    expect(await db.store.getMetricHistory(run, 'nope', { max_results: 10 })).toEqual({ metrics: [] });
  });

  it('keeps its place when points are logged between pages (a keyset, not an offset)', async () => {
    const run = await newRun();
    await db.store.logBatch(run, {
      metrics: Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: i, timestamp: 1, step: 10 + i })),
    });
    const first = await db.store.getMetricHistory(run, 'k', { max_results: 5 });
    expect(first.metrics.map((m) => m.step)).toEqual([10, 11, 12, 13, 14]);
    // earlier steps logged late must not shift the next page
    await db.store.logBatch(run, { metrics: [0, 1, 2].map((step) => ({ key: 'k', value: 0, timestamp: 1, step })) });
    const second = await db.store.getMetricHistory(run, 'k', { max_results: 5, page_token: first.next_page_token });
    expect(second.metrics.map((m) => m.step)).toEqual([15, 16, 17, 18, 19]);
  });

  it('writes every double exactly, and NaN/±Infinity as MLflow strings', async () => {
    const run = await newRun();
    // The last two print wrong when the shortest form is chosen with SQLite's text-to-real conversion.
    const values = [
      0.1 + 0.2,
      Math.PI,
      0.1,
      1 / 3,
      1e-300,
      -2.5e-7,
      5,
      123456789.12345679,
      6.02214076e23,
      2 ** 53 + 2,
      0.45998085056783933,
      0.25402894727675013,
    ];
    await db.store.logBatch(run, {
      metrics: values.map((value, step) => ({ key: 'é/x y', value, timestamp: 1, step })),
    });
    const text = await db.store.getMetricHistoryJson(run, 'é/x y', { max_results: 100 });
    const parsed = JSON.parse(text) as { metrics: Metric[] };
    expect(parsed.metrics.map((m) => m.value)).toEqual(values);
    expect(parsed.metrics[0]).toEqual({ key: 'é/x y', value: 0.30000000000000004, timestamp: 1, step: 0 });

    await db.store.logBatch(run, {
      metrics: [
        { key: 'odd', value: Number.NaN, timestamp: 1, step: 0 },
        { key: 'odd', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 1 },
        { key: 'odd', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 2 },
      ],
    });
    const odd = await db.store.getMetricHistoryJson(run, 'odd', { max_results: 100 });
    expect(JSON.parse(odd).metrics.map((m: { value: unknown }) => m.value)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });

  it('answers RESOURCE_DOES_NOT_EXIST for an unknown run and INVALID_PARAMETER_VALUE for a forged token', async () => {
    await expect(db.store.getMetricHistory('0'.repeat(32), 'k', { max_results: 10 })).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
    const run = await newRun();
    const forged = [
      'garbage',
      Buffer.from('{"offset":3}').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('[1.5,2,"3"]').toString('base64url'),
      Buffer.from('[1,2,"abc"]').toString('base64url'),
    ];
    for (const page_token of forged) {
      await expect(
        db.store.getMetricHistory(run, 'k', { max_results: 10, page_token }),
        page_token,
      ).rejects.toMatchObject({
        code: 'INVALID_PARAMETER_VALUE',
      });
    }
  });

  it('round-trips cursors through tokens, NaN and ±Infinity included', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.30000000000000004, -0.5]) {
      const cursor = { step: 3, timestamp: 1_700_000_000_000, value };
      expect(decodeHistoryToken(encodeHistoryToken(cursor))).toEqual(cursor);
    }
  });
});
