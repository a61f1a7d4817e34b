import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Prediction } from '../../contracts/index.ts';
import worker from './index.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, sendWith } from './testing/send.ts';

const features = [0.3, -1.2, 2.5, 0.9];

async function shadowRuns(model: string, version: string, outcome: 'ok' | 'error'): Promise<number> {
  const text = await (await sendWith({}, '/metrics')).text();
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith(`edgeflow_shadow_runs_total{model="${model}",version="${version}",outcome="${outcome}"}`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

async function shadowed(shadowSetup?: (model: string) => Promise<void>) {
  const model = uniqueModel();
  const v1 = await seedVersion({ model, version: '1', kind: 'regression' });
  await seedVersion({ model, version: '2', kind: 'regression' });
  await shadowSetup?.(model);
  await putPointer({ ...v1.pointer, shadow: { version: '2' } });
  return { model, v1 };
}

describe('shadow from the pointer', () => {
  it('runs the shadow after the answer is out, never changing the answer', async () => {
    const { model, v1 } = await shadowed();
    await sendWith({}, `/v1/models/${model}/predict`, json({ features })); // loads the shadow in the background
    for (let i = 0; i < 5; i++) {
      const ctx = createExecutionContext();
      const before = await shadowRuns(model, '2', 'ok');
      const res = await worker.fetch(
        new Request(`http://edge/v1/models/${model}/predict`, json({ features })),
        env,
        ctx,
      );
      const body = (await res.json()) as Prediction;
      expect([res.status, body.version, res.headers.get('x-model-version')]).toEqual([200, '1', '1']);
      expect(Math.abs(body.prediction - v1.expected(features)[0]!)).toBeLessThan(1e-5);
      expect(await shadowRuns(model, '2', 'ok')).toBe(before); // the answer came back before the shadow ran
      await waitOnExecutionContext(ctx);
      expect(await shadowRuns(model, '2', 'ok')).toBe(before + 1);
    }
    const info = await (await sendWith({}, `/v1/models/${model}`)).json();
    expect(info).toMatchObject({ live: '1', serving: '1', shadow: { version: '2' } });
  });

  it('hides a shadow that fails on the request (its signature does not fit) and counts it', async () => {
    const { model, v1 } = await shadowed(async (m) => {
      // version 2 really takes 6 inputs: the live model's 4-feature requests do not fit it
      await seedVersion({ model: m, version: '2', kind: 'regression', inputs: 6 });
    });
    await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    for (let i = 0; i < 3; i++) {
      const res = await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
      const body = (await res.json()) as Prediction;
      expect([res.status, body.version]).toEqual([200, '1']);
      expect(Math.abs(body.prediction - v1.expected(features)[0]!)).toBeLessThan(1e-5);
    }
    expect(await shadowRuns(model, '2', 'error')).toBe(3);
    expect(await shadowRuns(model, '2', 'ok')).toBe(0);
  });

  it('hides a shadow that cannot load', async () => {
    const { model, v1 } = await shadowed(async (m) => {
      await env.MODELS.delete(`models/${m}/2/model.json`);
    });
    for (let i = 0; i < 3; i++) {
      const res = await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
      const body = (await res.json()) as Prediction;
      expect([res.status, body.version]).toEqual([200, '1']);
      expect(Math.abs(body.prediction - v1.expected(features)[0]!)).toBeLessThan(1e-5);
    }
    const metrics = await (await sendWith({}, '/metrics')).text();
    expect(metrics).toContain(`edgeflow_model_load_failures_total{model="${model}"} 1`);
  });
});
