import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../contracts/index.ts';
import { type EdgeUnderTest, edgeUnderTest } from './testing/edge-under-test.ts';
import { randomLayers } from './testing/graph-model-fixture.ts';
import { putPointer, seedGraphVersion, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json } from './testing/send.ts';

const TTL = 50;
const features = [1, 2, 3, 4];

async function predict(
  edge: EdgeUnderTest,
  model: string,
  path = `/v1/models/${model}/predict`,
): Promise<{ status: number; body: Prediction }> {
  const res = await edge.sendWith({ POINTER_TTL_MS: String(TTL) }, path, json({ features }));
  return { status: res.status, body: (await res.json()) as Prediction };
}

/** Versions of `model` loaded by the registry, sorted. */
const cached = (edge: EdgeUnderTest, model: string) =>
  edge.registry
    .snapshot()
    .loaded.filter((m) => m.name === model)
    .map((m) => m.version)
    .sort();

describe('the byte-bounded model cache', () => {
  it('never evicts the live, canary or shadow version while the pointer names them; others go least recently used first', async () => {
    const edge = edgeUnderTest({ cacheBytes: 1 }); // every load goes over budget
    const model = uniqueModel('c');
    const seeded = await Promise.all(
      ['1', '2', '3', '4', '5'].map((version) => seedVersion({ model, version, kind: 'regression' })),
    );
    // a graph model as the shadow: both formats share the cache
    await seedGraphVersion({
      model,
      version: '6',
      layers: randomLayers([4, 3, 1], ['relu', 'linear']),
      output: { kind: 'regression' },
    });
    await putPointer({ ...seeded[0]!.pointer, canary: { version: '2', weight: 0.5 }, shadow: { version: '6' } });

    // the first request loads v1; canary and shadow load in the background (sendWith awaits waitUntil)
    await predict(edge, model);
    expect(cached(edge, model)).toEqual(['1', '2', '6']);

    // pinned versions load and are evicted in turn; the three the pointer names stay
    expect((await predict(edge, model, `/v1/models/${model}/versions/3/predict`)).body.version).toBe('3');
    expect(cached(edge, model)).toEqual(['1', '2', '3', '6']);
    expect((await predict(edge, model, `/v1/models/${model}/versions/4/predict`)).body.version).toBe('4');
    expect(cached(edge, model)).toEqual(['1', '2', '4', '6']);
    expect(edge.registry.modelHealth(model, '1').loads).toBe(5);

    // requests keep being served by v1/v2 and shadowed by v6 without loading anything again
    const versions = new Set<string>();
    for (let i = 0; i < 20; i++) versions.add((await predict(edge, model)).body.version);
    expect([...versions].sort()).toEqual(['1', '2']);
    expect(edge.registry.modelHealth(model, '1').loads).toBe(5);
    expect(cached(edge, model)).toEqual(['1', '2', '4', '6']);

    // once the pointer no longer names the canary and the shadow, they may go
    await putPointer({ ...seeded[0]!.pointer });
    edge.clock.advance(TTL);
    await predict(edge, model);
    expect((await predict(edge, model, `/v1/models/${model}/versions/5/predict`)).body.version).toBe('5');
    expect(cached(edge, model)).toEqual(['1', '5']);
  });

  it('keeps the serving version and the new live version both while a pointer flips over budget', async () => {
    const edge = edgeUnderTest({ cacheBytes: 1 });
    const model = uniqueModel('c');
    const v1 = await seedVersion({ model, version: '1', kind: 'regression' });
    const v2 = await seedVersion({ model, version: '2', kind: 'regression' });
    await putPointer(v1.pointer);
    await predict(edge, model);
    await putPointer({ ...v2.pointer, previous: '1' });
    edge.clock.advance(TTL);
    expect((await predict(edge, model)).body.version).toBe('2'); // the request waited for v2's load
    expect(cached(edge, model)).toEqual(['1', '2']); // v1 served until then, v2 is live: neither evicted
    expect((await predict(edge, model)).body.version).toBe('2');
  });
});
