import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { modelNameProblem, Pointer, pointerKey, versionPrefix } from '../../../contracts/index.ts';
import { REFUSED_MODEL_NAMES, SERVABLE_MODEL_NAMES } from '../../../contracts/testing/model-names.ts';
import { createApp } from '../app.ts';
import type { Edge } from '../edge/edge.ts';
import { logModelRun, modelFiles, registerVersion, SIGNATURE } from '../testing/model-files.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

const EDGE_API = '/api/2.0/edgeflow';

describe('promotion, rollback and the production alias', () => {
  const t = useTrackerFixture();
  const promoteVia = (name: string, version: string, actor = 'ci') =>
    t.post(
      `${API}/registered-models/alias`,
      { name, alias: 'production', version },
      { headers: { 'x-edgeflow-actor': actor } },
    );
  const pointerRaw = (name: string) => t.edge.kv.get(pointerKey(name));
  const deployments = async (name: string) => (await t.get(`${EDGE_API}/deployments/get`, { name })).body;

  it('refuses versions whose files are incomplete, naming what is wrong, and changes nothing', async () => {
    const noShard = modelFiles();
    delete noShard['group1-shard2of2.bin'];
    const badSignature = { ...modelFiles(), 'signature.json': JSON.stringify({ ...SIGNATURE, sample: [1] }) };
    const notJson = { ...modelFiles(), 'model.json': '{not json' };
    const noSignature = modelFiles();
    delete noSignature['signature.json'];

    const v1 = await registerVersion(t, 'broken', await logModelRun(t, noShard), { edge: true });
    const v2 = await registerVersion(t, 'broken', await logModelRun(t, badSignature), { edge: true });
    const v3 = await registerVersion(t, 'broken', await logModelRun(t, notJson), { edge: true });
    const v4 = await registerVersion(t, 'broken', await logModelRun(t, noSignature), { edge: true });
    await t.post(`${API}/model-versions/create`, { name: 'broken', source: 's3://elsewhere/model' });

    const expectations: [string, string][] = [
      [v1, 'models/broken/1/group1-shard2of2.bin'],
      [v2, 'sample'],
      [v3, 'model.json is not valid JSON'],
      [v4, 'signature.json is missing'],
      ['5', 'models/broken/5/model.json is missing'],
    ];
    for (const [version, named] of expectations) {
      const res = await promoteVia('broken', version);
      expect(res.status, version).toBe(400);
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message).toContain(named);
    }
    expect(await pointerRaw('broken')).toBeNull();
    expect(await deployments('broken')).toEqual({ pointer: null, history: [] });
    expect((await t.get(`${API}/registered-models/get`, { name: 'broken' })).body.registered_model.aliases).toEqual([]);
  });

  it('promotes v1, then v2, then rolls back to v1, with previous and history right', async () => {
    const run1 = await logModelRun(t, modelFiles('one'));
    const run2 = await logModelRun(t, modelFiles('two'));
    expect(await registerVersion(t, 'fraud', run1, { edge: true })).toBe('1');
    expect(await registerVersion(t, 'fraud', run2, { edge: true })).toBe('2');
    const sha = async (v: string) =>
      createHash('sha256')
        .update((await t.edge.blobs.get(`models/fraud/${v}/model.json`))!)
        .digest('hex');

    expect(await promoteVia('fraud', '1', 'ana')).toEqual({ status: 200, body: {} });
    const p1 = Pointer.parse(JSON.parse((await pointerRaw('fraud'))!));
    expect(p1).toMatchObject({
      model: 'fraud',
      version: '1',
      artifacts: 'models/fraud/1/',
      modelJsonSha256: await sha('1'),
    });
    expect(p1.previous).toBeUndefined();

    expect((await promoteVia('fraud', '2', 'bob')).status).toBe(200);
    const p2 = Pointer.parse(JSON.parse((await pointerRaw('fraud'))!));
    expect(p2).toMatchObject({
      version: '2',
      previous: '1',
      artifacts: 'models/fraud/2/',
      modelJsonSha256: await sha('2'),
    });
    expect(
      (await t.get(`${API}/registered-models/alias`, { name: 'fraud', alias: 'production' })).body.model_version
        .version,
    ).toBe('2');

    const back = await t.post(
      `${EDGE_API}/deployments/rollback`,
      { name: 'fraud' },
      { headers: { 'x-edgeflow-actor': 'oncall' } },
    );
    expect(back.status).toBe(200);
    expect(back.body.pointer).toMatchObject({ version: '1', previous: '2' });
    expect(back.body.deployment).toMatchObject({
      kind: 'rollback',
      from_version: '2',
      to_version: '1',
      actor: 'oncall',
    });
    expect(JSON.parse((await pointerRaw('fraud'))!)).toEqual(back.body.pointer);
    expect(
      (await t.get(`${API}/registered-models/alias`, { name: 'fraud', alias: 'production' })).body.model_version
        .version,
    ).toBe('1');

    const state = await deployments('fraud');
    expect(state.pointer).toEqual(back.body.pointer);
    expect(state.history.map((d: Record<string, unknown>) => [d.kind, d.from_version, d.to_version, d.actor])).toEqual([
      ['rollback', '2', '1', 'oncall'],
      ['promote', '1', '2', 'bob'],
      ['promote', null, '1', 'ana'],
    ]);
  });

  it('leaves a live pointer exactly as it was when a promotion is refused', async () => {
    const before = await pointerRaw('fraud');
    const broken = modelFiles();
    delete broken['group1-shard1of2.bin'];
    const v3 = await registerVersion(t, 'fraud', await logModelRun(t, broken), { edge: true });
    const res = await promoteVia('fraud', v3);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`models/fraud/${v3}/group1-shard1of2.bin`);
    expect(await pointerRaw('fraud')).toBe(before);
    expect(
      (await t.get(`${API}/registered-models/alias`, { name: 'fraud', alias: 'production' })).body.model_version
        .version,
    ).toBe('1');
    expect((await deployments('fraud')).history).toHaveLength(3);
  });

  it('refuses to delete the production alias while its version is live', async () => {
    const res = await t.post(
      `${API}/registered-models/alias`,
      { name: 'fraud', alias: 'production' },
      { method: 'DELETE' },
    );
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_STATE');
    expect((await t.get(`${API}/registered-models/alias`, { name: 'fraud', alias: 'production' })).status).toBe(200);
  });

  it('refuses a rollback with nothing to go back to', async () => {
    const runId = await logModelRun(t, modelFiles());
    await registerVersion(t, 'solo', runId, { edge: true });
    const none = await t.post(`${EDGE_API}/deployments/rollback`, { name: 'solo' });
    expect(none.status).toBe(400);
    expect(none.body.error_code).toBe('INVALID_STATE');
    expect((await promoteVia('solo', '1')).status).toBe(200);
    const noPrevious = await t.post(`${EDGE_API}/deployments/rollback`, { name: 'solo' });
    expect(noPrevious.status).toBe(400);
    expect(noPrevious.body.message).toContain('no earlier version');
    expect(JSON.parse((await pointerRaw('solo'))!).version).toBe('1');
    expect((await t.post(`${EDGE_API}/deployments/rollback`, { name: 'ghost' })).status).toBe(404);
    expect((await t.get(`${EDGE_API}/deployments/get`, { name: 'ghost' })).status).toBe(404);
  });

  it('rolls back through the history, skipping versions rolled back from; `to` picks one', async () => {
    for (const tag of ['a', 'b', 'c'])
      await registerVersion(t, 'walk', await logModelRun(t, modelFiles(tag)), { edge: true });
    for (const v of ['1', '2', '3']) expect((await promoteVia('walk', v)).status).toBe(200);
    const back = async (body: Record<string, string> = {}) => {
      const res = await t.post(`${EDGE_API}/deployments/rollback`, { name: 'walk', ...body });
      return res.status === 200 ? res.body.pointer.version : res.body.error_code;
    };
    expect(await back()).toBe('2');
    expect(await back()).toBe('1'); // not back to 3, which was rolled back from
    expect(await back()).toBe('INVALID_STATE'); // 2 and 3 were both rolled back from
    expect(await back({ to: '3' })).toBe('3');
    expect(await back({ to: '3' })).toBe('INVALID_STATE'); // already live
    expect(await back()).toBe('INVALID_STATE'); // 1 was just rolled back from, to 3
    expect((await promoteVia('walk', '2')).status).toBe(200); // 2 live again, promoted this time
    expect((await promoteVia('walk', '3')).status).toBe(200);
    expect(await back()).toBe('2'); // its last step down was a promotion: it is a target again
    expect(JSON.parse((await pointerRaw('walk'))!)).not.toHaveProperty('canary');
  });

  it('promoting the live version again keeps its previous', async () => {
    const runId = await logModelRun(t, modelFiles());
    await registerVersion(t, 'again', runId, { edge: true });
    await registerVersion(t, 'again', runId, { edge: true });
    await promoteVia('again', '1');
    await promoteVia('again', '2');
    await promoteVia('again', '2');
    expect(JSON.parse((await pointerRaw('again'))!)).toMatchObject({ version: '2', previous: '1' });
  });

  it('does not move the production alias when the pointer write fails', async () => {
    const runId = await logModelRun(t, modelFiles());
    await registerVersion(t, 'kvdown', runId, { edge: true });
    // the real local edge, with KV writes failing (fault injection)
    const failing: Edge = {
      ...t.edge,
      kv: { ...t.edge.kv, put: () => Promise.reject(new Error('KV unavailable')) },
    };
    const app = createApp({ store: t.store, edge: failing });
    const res = await app.request(`${API}/registered-models/alias`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kvdown', alias: 'production', version: '1' }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error_code: 'INTERNAL_ERROR', message: 'Internal error; see the tracker log.' });
    expect((await t.get(`${API}/registered-models/alias`, { name: 'kvdown', alias: 'production' })).status).toBe(400);
    expect((await deployments('kvdown')).history).toEqual([]);
  });
});

describe('model names: exactly the ones the edge serves', () => {
  const t = useTrackerFixture();

  it.each(
    SERVABLE_MODEL_NAMES.map((name) => [name.length > 40 ? `${name.slice(0, 12)}… (${name.length})` : name, name]),
  )('registers and promotes %s under its own keys', async (_, name) => {
    const version = await registerVersion(t, name, await logModelRun(t, modelFiles(name)), { edge: true });
    const res = await t.post(`${API}/registered-models/alias`, { name, alias: 'production', version });
    expect(res).toEqual({ status: 200, body: {} });
    const pointer = Pointer.parse(JSON.parse((await t.edge.kv.get(pointerKey(name)))!));
    expect(pointer).toMatchObject({ model: name, version, artifacts: versionPrefix(name, version) });
    expect((await t.edge.blobs.list(pointer.artifacts)).map((b) => b.key)).toContain(`${pointer.artifacts}model.json`);
    const got = await t.get(`${EDGE_API}/deployments/get`, { name });
    expect(got.body.pointer).toEqual(pointer);
  });

  it.each(REFUSED_MODEL_NAMES)('refuses a name with %s when creating or renaming a model', async (_, name) => {
    const created = await t.post(`${API}/registered-models/create`, { name });
    expect(created.status).toBe(400);
    expect(created.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        name === ''
          ? "Missing value for required parameter 'name'. See the API docs for more information about request parameters."
          : `Invalid value for parameter 'name': ${modelNameProblem(name)}.`,
    });
    await t.post(`${API}/registered-models/create`, { name: 'rename-me' });
    const renamed = await t.post(`${API}/registered-models/rename`, { name: 'rename-me', new_name: name });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await t.get(`${API}/registered-models/get`, { name: 'rename-me' })).status).toBe(200);
  });
});
