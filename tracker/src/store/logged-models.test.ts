import { describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';
import { LOGGED_MODELS_TAG } from './logged-models.ts';

describe('runs/log-model: the mlflow.log-model.history tag, as MLflow’s server writes it', () => {
  const t = useTrackerFixture();
  const newRun = async () => (await t.post(`${API}/runs/create`, {})).body.run.info.run_id as string;
  const history = async (run_id: string) =>
    ((await t.get(`${API}/runs/get`, { run_id })).body.run.data.tags as { key: string; value: string }[]).find(
      (tag) => tag.key === LOGGED_MODELS_TAG,
    )?.value;

  it('appends each logged model in MLflow’s field order, absent fields as null, written as Python’s json.dumps', async () => {
    const run_id = await newRun();
    // what mlflow.sklearn.log_model sends (Model.to_json()), keys in another order
    const model = {
      flavors: {
        sklearn: { pickled_model: 'model.pkl', sklearn_version: '1.4.0' },
        python_function: { env: 'conda.yaml' },
      },
      utc_time_created: '2024-02-01 10:00:00.123456',
      artifact_path: 'model',
      run_id,
      mlflow_version: '2.10.2',
      model_uuid: 'e1f2',
      model_size_bytes: 1234,
    };
    const res = await t.post(`${API}/runs/log-model`, { run_id, model_json: JSON.stringify(model) });
    expect(res).toEqual({ status: 200, body: {} });
    const first =
      `{"run_id": "${run_id}", "artifact_path": "model", "utc_time_created": "2024-02-01 10:00:00.123456", ` +
      '"flavors": {"sklearn": {"pickled_model": "model.pkl", "sklearn_version": "1.4.0"}, "python_function": {"env": "conda.yaml"}}, ' +
      '"signature": null, "saved_input_example_info": null, "model_uuid": "e1f2", "mlflow_version": "2.10.2", ' +
      '"metadata": null, "model_size_bytes": 1234}';
    expect(await history(run_id)).toBe(`[${first}]`);

    const second = { run_id, artifact_path: 'café', utc_time_created: 't', flavors: {}, extra: 0.5, _private: 1 };
    await t.post(`${API}/runs/log-model`, { run_id, model_json: JSON.stringify(second) });
    expect(await history(run_id)).toBe(
      `[${first}, {"run_id": "${run_id}", "artifact_path": "caf\\u00e9", "utc_time_created": "t", "flavors": {}, ` +
        '"signature": null, "saved_input_example_info": null, "model_uuid": null, "metadata": null, ' +
        '"model_size_bytes": null, "extra": 0.5}]',
    );
  });

  it('refuses what MLflow’s server refuses, in its words', async () => {
    const run_id = await newRun();
    const invalid = (message: string) => ({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message } });
    expect(await t.post(`${API}/runs/log-model`, { run_id, model_json: '{oops' })).toEqual(
      invalid('Malformed model info. \n {oops \n is not a valid JSON.'),
    );
    expect(await t.post(`${API}/runs/log-model`, { run_id, model_json: '{"run_id": "x", "flavors": {}}' })).toEqual(
      invalid("Model json is missing mandatory fields: {'artifact_path', 'utc_time_created'}"),
    );
    const model_json = JSON.stringify({ run_id, artifact_path: 'm', utc_time_created: 't', flavors: {} });
    const unknown = await t.post(`${API}/runs/log-model`, { run_id: 'f'.repeat(32), model_json });
    expect(unknown.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Run with id=${'f'.repeat(32)} not found`,
    });
    await t.post(`${API}/runs/delete`, { run_id });
    expect(await t.post(`${API}/runs/log-model`, { run_id, model_json })).toEqual(
      invalid(`The run ${run_id} must be in the 'active' state. Current state is deleted.`),
    );
  });

  it('refuses a history past MLflow’s tag value limit of 5000 characters', async () => {
    const run_id = await newRun();
    const model_json = JSON.stringify({
      run_id,
      artifact_path: 'm',
      utc_time_created: 't',
      flavors: { x: 'y'.repeat(3000) },
    });
    expect((await t.post(`${API}/runs/log-model`, { run_id, model_json })).status).toBe(200);
    const res = await t.post(`${API}/runs/log-model`, { run_id, model_json });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /^Tag value '\[\{"run_id": .{238}' had length 6\d{3}, which exceeded length limit of 5000$/,
    );
    expect(JSON.parse((await history(run_id))!)).toHaveLength(1);
  });
});
