import { beforeAll, describe, expect, it } from 'vitest';
import { logModelRun, modelFiles } from '../testing/model-files.ts';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

const RELATIVE = (source: string) =>
  `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, ` +
  'objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references ' +
  'present. Please provide an absolute path.';
const LOCAL = (source: string) =>
  `Invalid model version source: '${source}'. To use a local path as a model version source, the run_id request ` +
  'parameter has to be specified and the local path has to be contained within the artifact directory of the run ' +
  'specified by the run_id.';

describe('model-versions/create takes any source MLflow’s server takes, and refuses what it refuses', () => {
  const t = useTrackerFixture();
  let runId: string;
  let experimentId: string;
  const create = (source: string, run_id?: string) =>
    t.post(`${API}/model-versions/create`, { name: 'anywhere', source, ...(run_id ? { run_id } : {}) });
  const files = async (version: string) =>
    (await t.edge.blobs.list(`models/anywhere/${version}/`)).map((b) => b.key.split('/').pop()).sort();

  beforeAll(async () => {
    runId = await logModelRun(t, modelFiles('src'));
    experimentId = (await t.get(`${API}/runs/get`, { run_id: runId })).body.run.info.experiment_id;
    await t.post(`${API}/registered-models/create`, { name: 'anywhere' });
  });

  it('copies the files of a source this tracker holds: runs:/ and mlflow-artifacts:', async () => {
    const expected = ['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json', 'signature.json'];
    const byRun = await create(`runs:/${runId}/model`, runId);
    expect(byRun.status).toBe(200);
    expect(await files(byRun.body.model_version.version)).toEqual(expected);
    const byUri = await create(`mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`);
    expect(await files(byUri.body.model_version.version)).toEqual(expected);
  });

  it('accepts sources held elsewhere, and run ids this tracker does not know, copying nothing', async () => {
    const elsewhere = 'f'.repeat(32);
    for (const [source, run_id] of [
      [`runs:/${elsewhere}/model`, elsewhere],
      ['s3://bucket/models/churn', undefined],
      ['gs://bucket/a/b', elsewhere],
      ['mlflow-artifacts://other-host:5000/7/abc/artifacts/model', undefined],
      ['https://example.com/models/m1', undefined],
      ['models:/other/1', undefined],
    ] as const) {
      const res = await create(source, run_id);
      expect(res.status, source).toBe(200);
      expect(res.body.model_version, source).toMatchObject({ source, status: 'READY', ...(run_id ? { run_id } : {}) });
      expect(await files(res.body.model_version.version), source).toEqual([]);
    }
  });

  it('refuses local paths and relative path references, in MLflow’s words', async () => {
    const cases: [string, string | undefined, string][] = [
      ['/tmp/model', undefined, LOCAL('/tmp/model')],
      ['relative/model', undefined, LOCAL('relative/model')],
      ['file:///tmp/model', undefined, LOCAL('file:///tmp/model')],
      ['file:///tmp/x/../model', runId, LOCAL('/tmp/model')],
      ['mlflow-artifacts:/0/../../models/fraud/1', undefined, RELATIVE('mlflow-artifacts:/0/../../models/fraud/1')],
      [
        'mlflow-artifacts://host:5000/..%2f..%2fsecret',
        undefined,
        RELATIVE('mlflow-artifacts://host:5000/..%2f..%2fsecret'),
      ],
      ['s3://bucket/models/%252e%252e/other', undefined, RELATIVE('s3://bucket/models/%252e%252e/other')],
      [
        'https://host/api/2.0/mlflow-artifacts/artifacts%00',
        undefined,
        RELATIVE('https://host/api/2.0/mlflow-artifacts/artifacts%00'),
      ],
      ['s3://bucket', undefined, RELATIVE('s3://bucket')],
      ['runs:/abc/./model', undefined, RELATIVE('runs:/abc/./model')],
    ];
    for (const [source, run_id, message] of cases) {
      const res = await create(source, run_id);
      expect(res, source).toEqual({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } });
    }
    const remoteFile = await create('file://fileserver/share/model');
    expect(remoteFile.body.message).toBe(
      'file://fileserver/share/model is not a valid remote uri. For remote access on windows, please consider using a different scheme such as SMB (e.g. smb://<hostname>/<path>).',
    );
    // a local source with a run id looks the run up first
    expect((await create('/tmp/model', 'e'.repeat(32))).body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const model = await t.get(`${API}/registered-models/get`, { name: 'anywhere' });
    expect(model.body.registered_model.latest_versions.map((v: { version: string }) => v.version)).toEqual(['8']);
  });
});
