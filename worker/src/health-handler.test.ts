import { describe, expect, it } from 'vitest';
import type { Health } from './health-handler.ts';
import { putPointer, seedVersion, uniqueModel } from './testing/seed-version.ts';
import { send, sendWith } from './testing/send.ts';

describe('GET /health', () => {
  it('reports the loaded version of DEFAULT_MODEL', async () => {
    const model = uniqueModel();
    await putPointer((await seedVersion({ model, version: '3' })).pointer);
    const res = await sendWith({ DEFAULT_MODEL: model }, '/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', model, version: '3', loaded: true, live: '3' } satisfies Health);
  });

  it('says how to promote when DEFAULT_MODEL has files but no pointer', async () => {
    const model = uniqueModel();
    await seedVersion({ model, version: '1' });
    const res = await sendWith({ DEFAULT_MODEL: model }, '/health');
    expect(res.status).toBe(503);
    const body = (await res.json()) as Health;
    expect(body).toMatchObject({ status: 'unavailable', model, version: null, loaded: false, live: null });
    expect(body.lastError).toContain(`npm run promote -- ${model} <version>`);
  });

  it('reports unavailable for the configured model while it does not exist', async () => {
    const res = await send('/health');
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
});
