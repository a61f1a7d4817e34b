import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../contracts/index.ts';
import { CLIENT_KEY_HEADER, pickCanary, unitHash } from './pick-canary.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, sendWith } from './testing/send.ts';

const features = [0.3, -1.2, 2.5, 0.9];

describe('pickCanary', () => {
  it('sends about `weight` of distinct client keys to the canary, and each key always the same way', () => {
    for (const weight of [0.05, 0.3, 0.5, 0.9]) {
      let hits = 0;
      for (let i = 0; i < 20_000; i++) if (pickCanary('m', weight, `client-${i}`)) hits++;
      expect(Math.abs(hits / 20_000 - weight)).toBeLessThan(0.015);
    }
    for (let i = 0; i < 100; i++) {
      const first = pickCanary('m', 0.4, `k${i}`);
      for (let j = 0; j < 5; j++) expect(pickCanary('m', 0.4, `k${i}`)).toBe(first);
    }
  });

  it('keeps a canary client on the canary as the weight grows, and honours 0 and 1', () => {
    const keys = Array.from({ length: 500 }, (_, i) => `user-${i}`);
    const at10 = keys.filter((k) => pickCanary('m', 0.1, k));
    expect(at10.every((k) => pickCanary('m', 0.5, k))).toBe(true);
    expect(keys.some((k) => pickCanary('m', 0, k))).toBe(false);
    expect(keys.every((k) => pickCanary('m', 1, k))).toBe(true);
  });

  it('hashes into [0, 1) and splits keys per model independently', () => {
    const us = Array.from({ length: 1000 }, (_, i) => unitHash(`x${i}`));
    expect(us.every((u) => u >= 0 && u < 1)).toBe(true);
    const same = Array.from(
      { length: 1000 },
      (_, i) => pickCanary('a', 0.5, `k${i}`) === pickCanary('b', 0.5, `k${i}`),
    );
    expect(same.filter(Boolean).length).toBeGreaterThan(400);
    expect(same.filter(Boolean).length).toBeLessThan(600);
  });
});

describe('canary from the pointer', () => {
  async function canaryModel(weight: number) {
    const model = uniqueModel();
    const v1 = await seedVersion({ model, version: '1', kind: 'regression' });
    const v2 = await seedVersion({ model, version: '2', kind: 'regression' });
    await putPointer({ ...v1.pointer, canary: { version: '2', weight } });
    return { model, v1, v2 };
  }

  async function predict(
    model: string,
    key?: string,
  ): Promise<{ version: string; header: string | null; body: Prediction }> {
    const init = json({ features });
    if (key) (init.headers as Record<string, string>)[CLIENT_KEY_HEADER] = key;
    const res = await sendWith({}, `/v1/models/${model}/predict`, init);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Prediction;
    return { version: body.version, header: res.headers.get('x-model-version'), body };
  }

  it('answers from the live version while the canary loads, then splits by weight over many requests', async () => {
    const { model, v1, v2 } = await canaryModel(0.3);
    expect((await predict(model)).version).toBe('1'); // canary loads in the background (waited for by sendWith)
    const n = 1000;
    let canary = 0;
    for (let i = 0; i < n; i++) {
      const answer = await predict(model);
      expect(answer.header).toBe(answer.version);
      const expected = (answer.version === '2' ? v2 : v1).expected(features)[0]!;
      expect(Math.abs(answer.body.prediction - expected)).toBeLessThan(1e-5);
      if (answer.version === '2') canary++;
    }
    expect(Math.abs(canary / n - 0.3)).toBeLessThan(0.06);
  });

  it('is sticky per client key and matches the key split', async () => {
    const { model } = await canaryModel(0.5);
    await predict(model, 'warm');
    const seen = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 60; i++) {
        const key = `client-${i}`;
        const { version } = await predict(model, key);
        expect(version).toBe(pickCanary(model, 0.5, key) ? '2' : '1');
        if (seen.has(key)) expect(version).toBe(seen.get(key));
        seen.set(key, version);
      }
    }
    const versions = new Set(seen.values());
    expect(versions).toEqual(new Set(['1', '2']));
  });

  it('never fails a request when the canary cannot load', async () => {
    const model = uniqueModel();
    const v1 = await seedVersion({ model, version: '1', kind: 'regression' });
    await putPointer({ ...v1.pointer, canary: { version: '7', weight: 1 } }); // version 7 has no files
    for (let i = 0; i < 5; i++) expect((await predict(model, `k${i}`)).version).toBe('1');
  });
});
