import { beforeAll, describe, expect, it } from 'vitest';
import { logModelRun, modelFiles, registerVersion } from '../testing/model-files.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

/** C0 controls, DEL and a C1 control: none may be part of a name or key. */
const CONTROLS = ['\u0000', '\n', '\t', '\u001f', '\u007f', '\u0085'];

describe('control characters in names and keys', () => {
  const t = useTrackerFixture();
  let run_id: string;
  let version: string;

  beforeAll(async () => {
    run_id = await logModelRun(t, modelFiles('names'));
    version = await registerVersion(t, 'names', run_id);
  });

  /** Every request that stores a name or key, with `x` where the name or key goes. */
  const writes = (x: string): [path: string, body: Record<string, unknown>, method?: string][] => [
    ['experiments/create', { name: `exp${x}` }],
    ['experiments/create', { name: 'exp-tagged', tags: [{ key: `k${x}`, value: 'v' }] }],
    ['experiments/update', { experiment_id: '0', new_name: `Default${x}` }],
    ['experiments/set-experiment-tag', { experiment_id: '0', key: `k${x}`, value: 'v' }],
    ['runs/create', { run_name: `run${x}` }],
    ['runs/create', { tags: [{ key: `k${x}`, value: 'v' }] }],
    ['runs/update', { run_id, run_name: `run${x}` }],
    ['runs/set-tag', { run_id, key: `k${x}`, value: 'v' }],
    ['runs/log-parameter', { run_id, key: `p${x}`, value: 'v' }],
    ['runs/log-metric', { run_id, key: `m${x}`, value: 1, timestamp: 1 }],
    ['runs/log-batch', { run_id, metrics: [{ key: `m${x}`, value: 1, timestamp: 1 }] }],
    [
      'runs/log-inputs',
      { run_id, datasets: [{ dataset: { name: `ds${x}`, digest: 'd', source_type: 's', source: 's' } }] },
    ],
    [
      'runs/log-inputs',
      {
        run_id,
        datasets: [
          { tags: [{ key: `k${x}`, value: 'v' }], dataset: { name: 'ds', digest: 'd', source_type: 's', source: 's' } },
        ],
      },
    ],
    ['registered-models/create', { name: `model${x}` }],
    ['registered-models/create', { name: 'model-tagged', tags: [{ key: `k${x}`, value: 'v' }] }],
    ['registered-models/rename', { name: 'names', new_name: `names${x}` }],
    ['registered-models/set-tag', { name: 'names', key: `k${x}`, value: 'v' }],
    ['model-versions/set-tag', { name: 'names', version, key: `k${x}`, value: 'v' }],
    ['model-versions/create', { name: 'names', source: `runs:/${run_id}/model`, tags: [{ key: `k${x}`, value: 'v' }] }],
    ['registered-models/alias', { name: 'names', alias: `champion${x}`, version }],
  ];

  it('refuses each of them with 400 INVALID_PARAMETER_VALUE, and writes nothing', async () => {
    const before = await t.store.client.execute(
      "SELECT (SELECT count(*) FROM experiments) || '/' || (SELECT count(*) FROM runs) || '/' || " +
        "(SELECT count(*) FROM registered_models) || '/' || (SELECT count(*) FROM model_versions) AS n",
    );
    for (const control of CONTROLS) {
      for (const [path, body] of writes(control)) {
        const res = await t.post(`${API}/${path}`, body);
        const what = `${path} ${JSON.stringify(body)}`;
        expect(res.status, what).toBe(400);
        expect(res.body.error_code, what).toBe('INVALID_PARAMETER_VALUE');
      }
    }
    const after = await t.store.client.execute(
      "SELECT (SELECT count(*) FROM experiments) || '/' || (SELECT count(*) FROM runs) || '/' || " +
        "(SELECT count(*) FROM registered_models) || '/' || (SELECT count(*) FROM model_versions) AS n",
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const experiment = (await t.get(`${API}/experiments/get`, { experiment_id: '0' })).body.experiment;
    expect(experiment).toMatchObject({ name: 'Default', tags: [] });
    const run = (await t.get(`${API}/runs/get`, { run_id })).body.run;
    expect(run.data).toEqual({ tags: run.data.tags, metrics: [], params: [] });
    expect(run.inputs?.dataset_inputs ?? []).toEqual([]);
  });

  it('takes the same requests without the control character', async () => {
    for (const [path, body] of writes('')) {
      const res = await t.post(`${API}/${path}`, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(200);
    }
  });

  it('never lets a NUL make a second "Default" experiment', async () => {
    const res = await t.post(`${API}/experiments/create`, { name: 'Default\u0000' });
    expect(res).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Invalid value for parameter 'name': control characters are not allowed.",
      },
    });
    const search = await t.post(`${API}/experiments/search`, { filter: "name LIKE 'Default%'", view_type: 'ALL' });
    expect(search.body.experiments.map((e: { name: string }) => e.name)).toEqual(['Default']);
  });
});
