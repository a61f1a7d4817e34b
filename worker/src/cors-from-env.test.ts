import { describe, expect, it } from 'vitest';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { json, sendWith } from './testing/send.ts';

const origin = 'https://app.example.com';

describe('CORS', () => {
  it('sends no CORS headers unless CORS_ORIGINS is set', async () => {
    const res = await sendWith({}, '/ping', { headers: { origin } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows listed origins only, answers preflights and exposes x-model-version and x-prediction-id', async () => {
    const vars = { CORS_ORIGINS: `${origin}, https://other.example.com` };
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '1' })).pointer);
    const res = await sendWith(vars, `/v1/models/${model}/predict`, {
      ...json({ features: [1, 2, 3, 4] }),
      headers: { origin, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-expose-headers')).toContain('x-model-version');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-prediction-id');

    const preflight = await sendWith(vars, `/v1/models/${model}/predict`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-edgeflow-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-edgeflow-key');

    const stranger = await sendWith(vars, '/ping', { headers: { origin: 'https://evil.example.com' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows any origin with *', async () => {
    const res = await sendWith({ CORS_ORIGINS: '*' }, '/ping', { headers: { origin } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });
});
