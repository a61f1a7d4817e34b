import { describe, expect, it } from 'vitest';
import { useTempStore } from '../testing/temp-store.ts';
import { hydrateRuns, readRun } from './run-read.ts';

describe('readRun (runs/get in one statement)', () => {
  const db = useTempStore({ prefix: 'edgeflow-run-read-' });

  it('reads what the search hydration reads: info, latest metrics, params, tags, inputs, each in order', async () => {
    const { run_id } = (
      await db.store.createRun({
        experiment_id: '0',
        run_name: 'full',
        tags: [
          { key: 'z', value: '1' },
          { key: 'a"\\', value: 'q"\\\n' },
        ],
      })
    ).info;
    await db.store.logBatch(run_id, {
      metrics: [
        { key: 'loss', value: 0.1 + 0.2, timestamp: 5, step: 1 },
        { key: 'loss', value: 9, timestamp: 5, step: 0 },
        { key: 'nan', value: Number.NaN, timestamp: 1, step: 0 },
        { key: 'inf', value: Number.POSITIVE_INFINITY, timestamp: 1, step: 0 },
        { key: 'ninf', value: Number.NEGATIVE_INFINITY, timestamp: 1, step: 0 },
        { key: 'big', value: 2 ** 53 + 2, timestamp: 2 ** 52, step: 2 ** 40 },
      ],
      params: [
        { key: 'p2', value: '' },
        { key: 'p1', value: 'é😀' },
      ],
    });
    await db.store.logInputs(run_id, [
      {
        dataset: { name: 'train', digest: 'd1', source_type: 'local', source: '{}', schema: '{"s":1}' },
        tags: [
          { key: 'mlflow.data.context', value: 'training' },
          { key: 'b', value: '2' },
        ],
      },
      { dataset: { name: 'eval', digest: 'd2', source_type: 'local', source: '{}', profile: '{"rows":3}' }, tags: [] },
    ]);
    await db.store.updateRun(run_id, { status: 'FINISHED', end_time: 99 });
    const run = await readRun(db.store.client, run_id);
    expect(run).toEqual((await hydrateRuns(db.store.client, [run_id]))[0]);
    expect(run!.info).toMatchObject({ status: 'FINISHED', end_time: 99, run_name: 'full' });
    expect(run!.data.metrics.map((m) => [m.key, m.value, m.step])).toEqual([
      ['big', 2 ** 53 + 2, 2 ** 40],
      ['inf', Number.POSITIVE_INFINITY, 0],
      ['loss', 0.1 + 0.2, 1],
      ['nan', Number.NaN, 0],
      ['ninf', Number.NEGATIVE_INFINITY, 0],
    ]);
    expect(run!.data.params).toEqual([
      { key: 'p1', value: 'é😀' },
      { key: 'p2', value: '' },
    ]);
    expect(run!.data.tags).toEqual([
      { key: 'a"\\', value: 'q"\\\n' },
      { key: 'mlflow.runName', value: 'full' },
      { key: 'z', value: '1' },
    ]);
    expect(run!.inputs.dataset_inputs.map((d) => [d.dataset.name, d.tags.map((t) => t.key)])).toEqual([
      ['train', ['b', 'mlflow.data.context']],
      ['eval', []],
    ]);
    expect(run!.inputs.dataset_inputs[0]!.dataset).toEqual({
      name: 'train',
      digest: 'd1',
      source_type: 'local',
      source: '{}',
      schema: '{"s":1}',
    });
    expect(run!.inputs.dataset_inputs[1]!.dataset.profile).toBe('{"rows":3}');
  });

  it('reads a bare run with empty lists, and nothing for an unknown id', async () => {
    const created = await db.store.createRun({ experiment_id: '0' });
    expect(await readRun(db.store.client, created.info.run_id)).toEqual(created);
    expect(await readRun(db.store.client, 'nope')).toBeUndefined();
  });
});
