import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  ArtifactList,
  Experiment,
  ExperimentsPage,
  MetricHistoryPage,
  ModelVersion,
  ModelVersionsPage,
  RegisteredModel,
  Run,
  RunInfo,
  RunsPage,
} from '../../client/schemas.ts';
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

/* The client's schemas, with the fields the store's entities promise (store/entities.ts) required on the wire. */
const SentExperiment = Experiment.required({ artifact_location: true, creation_time: true, last_update_time: true });
const SentRunInfo = RunInfo.required({ run_uuid: true, user_id: true });
const SentRun = Run.extend({ info: SentRunInfo });
const SentModelVersion = ModelVersion.required({
  creation_timestamp: true,
  last_updated_timestamp: true,
  current_stage: true,
  status: true,
});
const SentRegisteredModel = RegisteredModel.required({ creation_timestamp: true, last_updated_timestamp: true });
const ErrorBody = z.object({ error_code: z.string(), message: z.string() });
const Empty = z.object({}).strict();

describe('MLflow 2.x Python client, replayed', () => {
  const t = useTrackerFixture();
  const host = 'http://localhost:5000';
  /** The last answer's JSON as sent, for what parsing reads past (non-finite doubles as strings). */
  let sent: unknown;

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
    const body: unknown = (sent = await res.json());
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
      z.object({ experiment: SentExperiment }),
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
      z.object({ run: SentRun }),
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
    const got = await call('GET', 'runs/get', { run_uuid: run_id, run_id }, z.object({ run: SentRun }));
    const root = got.run.info.artifact_uri.replace(/^mlflow-artifacts:/, `${host}/api/2.0/mlflow-artifacts/artifacts`);
    for (const [name, body] of Object.entries(modelFiles('py'))) {
      const res = await t.app.request(`${root}/model/${name}`, { method: 'PUT', body: body as BodyInit });
      expect(res.status).toBe(200);
    }
    const listed = await call('GET', 'artifacts/list', { run_id, path: 'model' }, ArtifactList);
    expect(listed.files.map((f) => f.path)).toContain('model/model.json');

    // mlflow.end_run()
    await call(
      'POST',
      'runs/update',
      { run_uuid: run_id, run_id, status: 'FINISHED', end_time: startTime + 10 },
      z.object({ run_info: SentRunInfo }),
    );

    // MlflowClient().create_registered_model("fraud-detector", tags={"edgeflow.edge": "true"}): opted in to the edge,
    // then mlflow.register_model(f"runs:/{run_id}/model", "fraud-detector")
    await call(
      'POST',
      'registered-models/create',
      { name: 'fraud-detector', tags: [{ key: 'edgeflow.edge', value: 'true' }] },
      z.object({ registered_model: SentRegisteredModel }),
    );
    const again = await call('POST', 'registered-models/create', { name: 'fraud-detector' }, ErrorBody, 400);
    expect(again.error_code).toBe('RESOURCE_ALREADY_EXISTS'); // the client ignores this one and goes on
    await call('GET', 'runs/get', { run_uuid: run_id, run_id }, z.object({ run: SentRun })); // RunsArtifactRepository.get_underlying_uri
    const { model_version } = await call(
      'POST',
      'model-versions/create',
      { name: 'fraud-detector', source: `mlflow-artifacts:/${experiment_id}/${run_id}/artifacts/model`, run_id },
      z.object({ model_version: SentModelVersion }),
    );
    expect(model_version).toMatchObject({ version: '1', status: 'READY', run_id });
    const polled = await call(
      'GET',
      'model-versions/get',
      { name: 'fraud-detector', version: '1' },
      z.object({ model_version: SentModelVersion }),
    );
    expect(polled.model_version.status).toBe('READY');

    // MlflowClient().set_registered_model_alias("fraud-detector", "production", "1") → promoted to the edge
    await call('POST', 'registered-models/alias', { name: 'fraud-detector', alias: 'production', version: '1' }, Empty);
    const byAlias = await call(
      'GET',
      'registered-models/alias',
      { name: 'fraud-detector', alias: 'production' },
      z.object({ model_version: SentModelVersion }),
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
      RunsPage,
    );
    expect(found.runs.map((r) => r.info.run_id)).toEqual([run_id]);
    expect(found.next_page_token).toBeUndefined();
    const data = found.runs[0]!.data;
    expect(data.metrics).toEqual([
      { key: 'auc', value: Number.NaN, timestamp: startTime + 2, step: 1 },
      { key: 'loss', value: 0.5, timestamp: startTime + 2, step: 1 },
    ]);
    // ParseDict reads a null double as 0.0: NaN travels as the string protobuf's JSON mapping uses.
    expect((sent as { runs: { data: { metrics: { value: unknown }[] } }[] }).runs[0]!.data.metrics[0]!.value).toBe(
      'NaN',
    );
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
      ExperimentsPage,
    );
    expect(experiments.experiments.map((e) => e.name)).toEqual(['fraud', 'Default']);
    const versions = await call(
      'GET',
      'model-versions/search',
      { filter: "name='fraud-detector'", max_results: 10_000, order_by: [] },
      ModelVersionsPage,
    );
    expect(versions.model_versions.map((v) => v.version)).toEqual(['1']);

    // MlflowClient().get_metric_history(run_id, "loss") (paged GET)
    const history = await call(
      'GET',
      'metrics/get-history',
      { run_id, metric_key: 'loss', max_results: 25_000 },
      MetricHistoryPage,
    );
    expect(history.metrics.map((m) => m.step)).toEqual([0, 1]);
  });
});
