import { describe, expect, it } from 'vitest';
import type { Health, PublicHealth } from './health-handler.ts';
import { edgeUnderTest } from './testing/edge-under-test.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { send, sendWith } from './testing/send.ts';

describe('GET /health', () => {
  it('says only the status, with 200 while a version serves', async () => {
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '3' })).pointer);
    const res = await sendWith({ DEFAULT_MODEL: model }, '/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' } satisfies PublicHealth);
  });

  it('says only "unavailable", with 503, when nothing serves (no model name, version or error text)', async () => {
    const model = uniqueModel();
    await seedVersion({ model, version: '1' });
    const res = await sendWith({ DEFAULT_MODEL: model }, '/health');
    expect(res.status).toBe(503);
    expect(await res.text()).toBe(JSON.stringify({ status: 'unavailable' } satisfies PublicHealth));
  });

  it('says only "unavailable" when KV cannot be read', async () => {
    const broken = { get: () => Promise.reject(new Error('KV is down')) } as unknown as KVNamespace;
    const res = await edgeUnderTest().sendWith({ DEFAULT_MODEL: uniqueModel(), POINTERS: broken }, '/health');
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('{"status":"unavailable"}');
  });

  it('stays public when API keys are on', async () => {
    const res = await sendWith({ REQUIRE_API_KEY: 'true' }, '/health');
    expect([200, 503]).toContain(res.status);
    expect(Object.keys(await res.json())).toEqual(['status']);
  });
});

describe('GET /health/details', () => {
  it('reports the loaded version of DEFAULT_MODEL', async () => {
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '3' })).pointer);
    const res = await sendWith({ DEFAULT_MODEL: model }, '/health/details');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', model, version: '3', loaded: true, live: '3' } satisfies Health);
  });

  it('says how to promote when DEFAULT_MODEL has files but no pointer', async () => {
    const model = uniqueModel();
    await seedVersion({ model, version: '1' });
    const res = await sendWith({ DEFAULT_MODEL: model }, '/health/details');
    expect(res.status).toBe(503);
    const body = (await res.json()) as Health;
    expect(body).toMatchObject({ status: 'unavailable', model, version: null, loaded: false, live: null });
    expect(body.lastError).toContain(`npm run promote -- ${model} <version>`);
  });

  it('reports unavailable for the configured model while it does not exist', async () => {
    const res = await send('/health/details');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'unavailable',
      model: 'fraud-detector',
      version: null,
      loaded: false,
      live: null,
      lastError: 'model "fraud-detector" does not exist',
    } satisfies Health);
  });

  it('needs the API key when API keys are on', async () => {
    const res = await edgeUnderTest().sendWith({ REQUIRE_API_KEY: 'true' }, '/health/details');
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('fraud-detector');
  });
});
