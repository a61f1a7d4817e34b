import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { EdgeError } from '../../contracts/index.ts';
import {
  BatchPredictionSchema,
  HealthSchema,
  ModelInfoSchema,
  Prediction,
  PredictRequest,
  PublicHealthSchema,
} from './openapi-schemas.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, send, sendWith } from './testing/send.ts';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { type?: string; properties?: Record<string, unknown>; anyOf?: unknown[] }> };
};

describe('GET /openapi.json', () => {
  it('documents every route with JSON Schemas generated from the zod schemas', async () => {
    const res = await send('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/feedback',
        '/health',
        '/health/details',
        '/metrics',
        '/ping',
        '/predict',
        '/v1/models/{name}',
        '/v1/models/{name}/predict',
        '/v1/models/{name}/versions/{version}/predict',
      ].sort(),
    );
    const { $schema: _, ...prediction } = z.toJSONSchema(Prediction) as Record<string, unknown>;
    expect(doc.components.schemas.Prediction).toEqual(prediction);
    expect(doc.components.schemas.PredictRequest!.anyOf).toHaveLength(3);
    expect(Object.keys(doc.components.schemas.ModelInfo!.properties!)).toContain('signature');
  });

  it('describes what the worker really accepts and answers', async () => {
    const model = uniqueModel();
    await putPointer({
      ...(await seedVersion({ model, version: '1', kind: 'multiclass' })).pointer,
      shadow: { version: '1' },
    });
    const requests = [
      { features: [1, 2, 3, 4] },
      { inputs: { f0: 1, f1: 2, f2: 3, f3: 4 } },
      { instances: [[1, 2, 3, 4], { f0: 1, f1: 2, f2: 3, f3: 4 }] },
    ];
    for (const body of requests) {
      expect(PredictRequest.safeParse(body).success).toBe(true);
      const res = await sendWith({}, `/v1/models/${model}/predict`, json(body));
      expect(res.status).toBe(200);
      const answer = await res.json();
      const schema = 'instances' in body ? BatchPredictionSchema : Prediction;
      expect(schema.safeParse(answer).error).toBeUndefined();
    }
    expect(ModelInfoSchema.safeParse(await (await send(`/v1/models/${model}`)).json()).error).toBeUndefined();
    expect(PublicHealthSchema.safeParse(await (await send('/health')).json()).error).toBeUndefined();
    expect(HealthSchema.safeParse(await (await send('/health/details')).json()).error).toBeUndefined();
    const bad = await send(`/v1/models/${model}/predict`, json({ features: [1] }));
    expect(EdgeError.safeParse(await bad.json()).error).toBeUndefined();
    expect(PredictRequest.safeParse({ instances: [] }).success).toBe(false);
  });
});

describe('GET /docs', () => {
  it('is an HTML page listing the routes and linking the OpenAPI document', async () => {
    const res = await send('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('href="/openapi.json"');
    expect(html).toContain('<code>/v1/models/{name}/versions/{version}/predict</code>');
    expect(html).not.toContain('undefined');
  });
});
