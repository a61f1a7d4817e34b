import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { modelFiles } from '../testing/model-files.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';

/*
 * The request sequence MLflow 2.x's Python client sends (mlflow/store/tracking/rest_store.py,
 * tracking/_tracking_service/client.py, store/artifact/mlflow_artifacts_repo.py +
 * http_artifact_repo.py, tracking/_model_registry/...): same methods, paths, query strings and JSON
 * bodies (`message_to_json` drops empty fields; log-metric/param/set-tag/update carry both `run_uuid`
 * and `run_id`), and each answer parsed the way the client's protobuf `ParseDict` would read it.
 * The official client cannot be installed here (no PyPI), so its wire traffic is replayed.
 */

const int64 = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]);
const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const KeyValue = z.object({ key: z.string(), value: z.string() });
const Experiment = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string(),
  lifecycle_stage: z.enum(['active', 'deleted']),
  creation_time: int64,
  last_update_time: int64,
  tags: z.array(KeyValue).optional(),
});
const RunInfo = z.object({
  run_id: z.string(),
  run_uuid: z.string(),
  run_name: z.string(),
  experiment_id: z.string(),
  user_id: z.string(),
  status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']),
  start_time: int64,
  end_time: int64.optional(),
  artifact_uri: z.string(),
  lifecycle_stage: z.string(),
});
const Run = z.object({
  info: RunInfo,
  data: z.object({
    metrics: z.array(z.object({ key: z.string(), value: double, timestamp: int64, step: int64 })).optional(),
    params: z.array(KeyValue).optional(),
    tags: z.array(KeyValue).optional(),
  }),
  inputs: z.object({ dataset_inputs: z.array(z.unknown()).optional() }).optional(),
});
const ModelVersion = z.object({
  name: z.string(),
  version: z.string(),
  creation_timestamp: int64,
  last_updated_timestamp: int64,
  current_stage: z.string(),
  source: z.string(),
  run_id: z.string().optional(),
  status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']),
  tags: z.array(KeyValue).optional(),
  aliases: z.array(z.string()).optional(),
});
const RegisteredModel = z.object({ name: z.string(), creation_timestamp: int64, last_updated_timestamp: int64 });
const ErrorBody = z.object({ error_code: z.string(), message: z.string() });
const Empty = z.object({}).strict();

describe('MLflow 2.x Python client, replayed', () => {
  const t = useTrackerFixture();
  const host = 'http://tracker.test';

  /** requests.Session as rest_store uses it: GET → query params (lists repeated), others → JSON body. */
  async function call<T extends z.ZodType>(
    method: string,
    endpoint: string,
    json: Record<string, unknown>,
    schema: T,
    status = 200,
  ) {
    let url = `${host}/api/2.0/mlflow/${endpoint}`;
    const init: RequestInit = { method, headers: { 'User-Agent': 'mlflow-python-client/2.17.2' } };
    if (method === 'GET') {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(json))
        for (const item of Array.isArray(v) ? v : [v]) qs.append(k, String(item));
      url += `?${qs}`;
    } else {
      init.body = JSON.stringify(json);
      (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    const res = await t.app.request(url, init);
    const body: unknown = await res.json();
    expect(res.status, `${method} ${endpoint}: ${JSON.stringify(body)}`).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return schema.parse(body) as z.output<T>;
  }

  it('runs a training script: set_experiment, start_run, log_*, log_artifact, end_run, register, alias, search', async () => {
    // mlflow.set_experiment("fraud"): get-by-name → 404 → create → get
    const missing = await call('GET', 'experiments/get-by-name', { experiment_name: 'fraud' }, ErrorBody, 404);
    expect(missing.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const { experiment_id } = await call(
      'POST',
      'experiments/create',
      { name: 'fraud' },
      z.object({ experiment_id: z.string() }),
    );
    const { experiment } = await call(
      'GET',
      'experiments/get',
      { experiment_id },
      z.object({ experiment: Experiment }),
    );
    expect(experiment.lifecycle_stage).toBe('active');

    // mlflow.start_run(run_name="mlp"): context tags resolved by the client
    const startTime = 1_717_000_000_000;
    const { run } = await call(
      'POST',
      'runs/create',
      {
        experiment_id,
        user_id: 'ana',
        start_time: startTime,
        tags: [
          { key: 'mlflow.user', value: 'ana' },
          { key: 'mlflow.source.name', value: 'train.py' },
          { key: 'mlflow.source.type', value: 'LOCAL' },
          { key: 'mlflow.source.git.commit', value: '0123456789abcdef' },
          { key: 'mlflow.runName', value: 'mlp' },
        ],
        run_name: 'mlp',
      },
      z.object({ run: Run }),
    );
    const run_id = run.info.run_id;
    expect(run.info).toMatchObject({ run_name: 'mlp', user_id: 'ana', status: 'RUNNING', start_time: startTime });
    expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${experiment_id}/${run_id}/artifacts`);

    // mlflow.log_param / log_params / log_metric / log_metrics / set_tag
    await call('POST', 'runs/log-parameter', { run_uuid: run_id, run_id, key: 'lr', value: '0.01' }, Empty);
    await call(
      'POST',
      'runs/log-batch',
      {
        run_id,
        params: [
          { key: 'epochs', value: '20' },
          { key: 'hidden', value: '16' },
        ],
      },
      Empty,
    );
    await call(
      'POST',
      'runs/log-metric',
      { run_uuid: run_id, run_id, key: 'loss', value: 0.7, timestamp: startTime + 1, step: 0 },
      Empty,
    );
    await call(
      'POST',
      'runs/log-batch',
      {
        run_id,
        metrics: [
          { key: 'loss', value: 0.5, timestamp: startTime + 2, step: 1 },
          { key: 'auc', value: 'NaN', timestamp: startTime + 2, step: 1 },
        ],
      },
      Empty,
    );
    await call('POST', 'runs/set-tag', { run_uuid: run_id, run_id, key: 'stage', value: 'dev' }, Empty);

    // mlflow.log_artifact("model/model.json", "model"): runs/get for the artifact root, then PUT to the proxied store
    const got = await call('GET', 'runs/get', { run_uuid: run_id, run_id }, z.object({ run: Run }));
    const root = got.run.info.artifact_uri.replace(/^mlflow-artifacts:/, `${host}/api/2.0/mlflow-artifacts/artifacts`);
    for (const [name, body] of Object.entries(modelFiles('py'))) {
      const res = await t.app.request(`${root}/model/${name}`, { method: 'PUT', body: body as BodyInit });
      expect(res.status).toBe(200);
    }
    const listed = await call(
      'GET',
      'artifacts/list',
      { run_id, path: 'model' },
      z.object({
        root_uri: z.string(),
        files: z.array(z.object({ path: z.string(), is_dir: z.boolean(), file_size: int64.optional() })),
      }),
    );
    expect(listed.files.map((f) => f.path)).toContain('model/model.json');

    // mlflow.end_run()
    await call(
      'POST',
      'runs/update',
      { run_uuid: run_id, run_id, status: 'FINISHED', end_time: startTime + 10 },
      z.object({ run_info: RunInfo }),
    );

    // mlflow.register_model(f"runs:/{run_id}/model", "fraud-detector")
    await call(
      'POST',
      'registered-models/create',
      { name: 'fraud-detector' },
      z.object({ registered_model: RegisteredModel }),
    );
    const again = await call('POST', 'registered-models/create', { name: 'fraud-detector' }, ErrorBody, 400);
    expect(again.error_code).toBe('RESOURCE_ALREADY_EXISTS'); // the client ignores this one and goes on
    await call('GET', 'runs/get', { run_uuid: run_id, run_id }, z.object({ run: Run })); // RunsArtifactRepository.get_underlying_uri
    const { model_version } = await call(
      'POST',
      'model-versions/create',
      { name: 'fraud-detector', source: `mlflow-artifacts:/${experiment_id}/${run_id}/artifacts/model`, run_id },
      z.object({ model_version: ModelVersion }),
    );
    expect(model_version).toMatchObject({ version: '1', status: 'READY', run_id });
    const polled = await call(
      'GET',
      'model-versions/get',
      { name: 'fraud-detector', version: '1' },
      z.object({ model_version: ModelVersion }),
    );
    expect(polled.model_version.status).toBe('READY');

    // MlflowClient().set_registered_model_alias("fraud-detector", "production", "1") → promoted to the edge
    await call('POST', 'registered-models/alias', { name: 'fraud-detector', alias: 'production', version: '1' }, Empty);
    const byAlias = await call(
      'GET',
      'registered-models/alias',
      { name: 'fraud-detector', alias: 'production' },
      z.object({ model_version: ModelVersion }),
    );
    expect(byAlias.model_version.aliases).toEqual(['production']);
    expect(JSON.parse((await t.edge.kv.get('pointer/fraud-detector'))!).version).toBe('1');

    // mlflow.search_runs(experiment_ids=[...], filter_string=..., order_by=[...])
    const found = await call(
      'POST',
      'runs/search',
      {
        experiment_ids: [experiment_id],
        filter: "metrics.loss < 0.6 and params.lr = '0.01' and attributes.status = 'FINISHED'",
        run_view_type: 'ACTIVE_ONLY',
        max_results: 1000,
        order_by: ['metrics.loss ASC', 'attribute.start_time DESC'],
      },
      z.object({ runs: z.array(Run).optional(), next_page_token: z.string().optional() }),
    );
    expect(found.runs?.map((r) => r.info.run_id)).toEqual([run_id]);
    expect(found.next_page_token).toBeUndefined();
    const data = found.runs![0]!.data;
    expect(data.metrics).toEqual([
      { key: 'auc', value: 'NaN', timestamp: startTime + 2, step: 1 },
      { key: 'loss', value: 0.5, timestamp: startTime + 2, step: 1 },
    ]);
    expect(data.params).toEqual([
      { key: 'epochs', value: '20' },
      { key: 'hidden', value: '16' },
      { key: 'lr', value: '0.01' },
    ]);

    // MlflowClient().search_experiments() and search_model_versions(f"name='fraud-detector'") (GET)
    const experiments = await call(
      'POST',
      'experiments/search',
      { max_results: 1000, view_type: 'ACTIVE_ONLY' },
      z.object({ experiments: z.array(Experiment) }),
    );
    expect(experiments.experiments.map((e) => e.name)).toEqual(['fraud', 'Default']);
    const versions = await call(
      'GET',
      'model-versions/search',
      { filter: "name='fraud-detector'", max_results: 10_000, order_by: [] },
      z.object({ model_versions: z.array(ModelVersion) }),
    );
    expect(versions.model_versions.map((v) => v.version)).toEqual(['1']);

    // MlflowClient().get_metric_history(run_id, "loss") (paged GET)
    const history = await call(
      'GET',
      'metrics/get-history',
      { run_id, metric_key: 'loss', max_results: 25_000 },
      z.object({ metrics: z.array(z.object({ step: int64 })) }),
    );
    expect(history.metrics.map((m) => m.step)).toEqual([0, 1]);
  });
});
