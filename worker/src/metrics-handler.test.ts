import { describe, expect, it } from 'vitest';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, send, sendWith } from './testing/send.ts';

const features = [0.3, -1.2, 2.5, 0.9];
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('counts predict requests by model, version and status, with a latency histogram and model loads', async () => {
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '1' })).pointer);
    for (let i = 0; i < 3; i++) await sendWith({}, `/v1/models/${model}/predict`, json({ features }));
    await sendWith({}, `/v1/models/${model}/predict`, json({ features: [1] }));
    await sendWith({}, `/v1/models/${model}/predict`, { method: 'POST', body: 'nope' });
    const res = await send('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(value(text, `edgeflow_predict_requests_total{model="${model}",version="1",status="200"}`)).toBe(3);
    expect(value(text, `edgeflow_predict_requests_total{model="${model}",version="1",status="400"}`)).toBe(1);
    // the body is read before the model is resolved: invalid JSON has no version yet
    expect(value(text, `edgeflow_predict_requests_total{model="${model}",version="",status="400"}`)).toBe(1);
    expect(value(text, `edgeflow_predict_latency_seconds_count{model="${model}",version="1"}`)).toBe(4);
    expect(value(text, `edgeflow_predict_latency_seconds_bucket{model="${model}",version="1",le="+Inf"}`)).toBe(4);
    expect(value(text, `edgeflow_predict_latency_seconds_bucket{model="${model}",version="1",le="2.5"}`)).toBe(4);
    expect(value(text, `edgeflow_model_loads_total{model="${model}"}`)).toBe(1);
    expect(value(text, `edgeflow_model_serving{model="${model}",version="1"}`)).toBe(1);
    expect(value(text, `edgeflow_model_load_seconds{model="${model}",version="1"}`)).toBeGreaterThan(0);
    expect(text).toMatch(
      new RegExp(`edgeflow_model_loaded_bytes\\{model="${model}",version="1",backend="[a-z-]+"\\} \\d+`),
    );
    expect(text).toContain('# TYPE edgeflow_predict_latency_seconds histogram');
    // histogram buckets are cumulative
    const buckets = text
      .split('\n')
      .filter((l) => l.startsWith(`edgeflow_predict_latency_seconds_bucket{model="${model}",version="1"`))
      .map((l) => Number(l.split(' ').pop()));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
  });

  it('counts 404s of unknown models', async () => {
    const name = uniqueModel('ghost');
    await sendWith({}, `/v1/models/${name}/predict`, json({ features }));
    const text = await (await send('/metrics')).text();
    expect(value(text, `edgeflow_predict_requests_total{model="${name}",version="",status="404"}`)).toBe(1);
  });
});
