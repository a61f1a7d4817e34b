import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { pointerKey, versionPrefix } from '../../../contracts/index.ts';
import { MlflowError } from '../errors.ts';
import { logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';
import { acquireFlip, reconcileFlips } from './flip-intent.ts';

describe('flip intents', () => {
  const t = useTrackerFixture();
  let n = 0;

  /** A model with versions 1 and 2, version 1 live. */
  async function model(): Promise<string> {
    const name = `flip-${++n}`;
    for (const tag of ['a', 'b']) await registerVersion(t, name, await logModelRun(t, modelFiles(tag)), { edge: true });
    expect((await t.post(`${API}/registered-models/alias`, { name, alias: 'production', version: '1' })).status).toBe(
      200,
    );
    return name;
  }
  const live = async (name: string) => {
    const d = await t.get('/api/2.0/edgeflow/deployments/get', { name });
    const a = await t.get(`${API}/registered-models/alias`, { name, alias: 'production' });
    return {
      pointer: d.body.pointer?.version,
      alias: a.body.model_version.version,
      last: d.body.history[0].to_version,
    };
  };
  const begin = async (name: string, owner: string, leaseUntil: number) => {
    const got = await t.store.beginFlip({
      model: name,
      to_version: '2',
      kind: 'promote',
      actor: 'test',
      created_at: Date.now(),
      owner,
      lease_until: leaseUntil,
    });
    if (!('id' in got)) throw new Error('a flip is already pending');
    return got.id;
  };
  // a live process of this host that is not the test itself: its parent
  const liveOwner = `${hostname()}:${process.ppid}`;

  it('allows one pending flip per model', async () => {
    const name = await model();
    await begin(name, liveOwner, Date.now() + 60_000);
    const second = await t.store.beginFlip({
      model: name,
      to_version: '1',
      kind: 'promote',
      actor: 'b',
      created_at: Date.now(),
      owner: 'elsewhere:1',
      lease_until: Date.now() + 60_000,
    });
    expect(second).toMatchObject({ busy: { model: name, to_version: '2', owner: liveOwner } });
  });

  it('waits for a live flip of the same model, then refuses with TEMPORARILY_UNAVAILABLE', async () => {
    const name = await model();
    await begin(name, liveOwner, Date.now() + 60_000);
    const input = { name, version: '2', actor: 'b' };
    const options = { leaseMs: 1000, waitMs: 200, owner: 'other-host:1' };
    const refused = await acquireFlip(t.edge, t.store, input, options).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MlflowError);
    expect((refused as MlflowError).code).toBe('TEMPORARILY_UNAVAILABLE');
    expect(await live(name)).toEqual({ pointer: '1', alias: '1', last: '1' });
  });

  it('reconciles a flip whose lease ran out before taking the model', async () => {
    const name = await model();
    await begin(name, liveOwner, Date.now() - 1);
    const id = await acquireFlip(t.edge, t.store, { name, version: '2', actor: 'b' });
    expect(id).toBeGreaterThan(0);
    expect((await t.store.pendingFlips()).filter((f) => f.model === name).map((f) => f.id)).toEqual([id]);
  });

  it('finishes a flip whose pointer reached KV, gives up one whose pointer did not', async () => {
    const wrote = await model();
    const skipped = await model();
    const pointer = JSON.stringify({
      ...JSON.parse((await t.edge.kv.get(pointerKey(wrote)))!),
      version: '2',
      artifacts: versionPrefix(wrote, '2'),
      previous: '1',
    });
    const a = await begin(wrote, 'gone-host:1', Date.now() - 1);
    await t.store.decideFlip(a, { from_version: '1', pointer });
    await t.edge.kv.put(pointerKey(wrote), pointer); // the crash came after the KV write
    const b = await begin(skipped, 'gone-host:1', Date.now() - 1);
    await t.store.decideFlip(b, { from_version: '1', pointer: pointer.replace(wrote, skipped) }); // and before this one's

    const counts = await reconcileFlips(t.edge, t.store);
    expect(counts.done).toBeGreaterThanOrEqual(1); // other tests' flips are reconciled too
    expect(await live(wrote)).toEqual({ pointer: '2', alias: '2', last: '2' });
    expect(await live(skipped)).toEqual({ pointer: '1', alias: '1', last: '1' });
    expect((await t.store.pendingFlips()).filter((f) => f.model === wrote || f.model === skipped)).toEqual([]);
  });

  it('reconciles at once a flip of a tracker of this host that no longer runs, and waits for a live one', async () => {
    const dead = await model();
    const alive = await model();
    await begin(dead, `${hostname()}:2147483646`, Date.now() + 60_000);
    await begin(alive, liveOwner, Date.now() + 60_000);
    const counts = await reconcileFlips(t.edge, t.store);
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(counts.waiting).toBeGreaterThanOrEqual(1);
    const pending = (await t.store.pendingFlips()).map((f) => f.model);
    expect(pending).not.toContain(dead);
    expect(pending).toContain(alive);
  });

  it('marks a flip done once: completing a flip given up answers null and moves no alias', async () => {
    const name = await model();
    const id = await begin(name, liveOwner, Date.now() + 60_000);
    expect(await t.store.failFlip(id)).toBe(true);
    expect(await t.store.completeFlip(id, 'production')).toBeNull();
    expect(await t.store.failFlip(id)).toBe(false);
    expect(await live(name)).toEqual({ pointer: '1', alias: '1', last: '1' });
  });

  it('starts all the same when KV cannot be read: the flip waits for a later try', async () => {
    const name = await model();
    await begin(name, 'gone-host:1', Date.now() - 1);
    const down = { ...t.edge, kv: { ...t.edge.kv, get: () => Promise.reject(new Error('KV is down')) } };
    const lines: string[] = [];
    const counts = await reconcileFlips(down, t.store, (line) => lines.push(line));
    expect(counts.waiting).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).toMatch(/KV is down/);
    expect((await t.store.pendingFlips()).map((f) => f.model)).toContain(name);
  });
});
