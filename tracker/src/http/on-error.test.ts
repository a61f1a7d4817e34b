import { beforeAll, describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

const DOCS = ' See the API docs for more information about request parameters.';
const missing = (param: string) => `Missing value for required parameter '${param}'.${DOCS}`;
const invalidValue = (shown: string, param: string, type: string) =>
  `Invalid value ${shown} for parameter '${param}' supplied. Hint: Value was of type '${type}'.${DOCS}`;

describe('parameter errors in the words of MLflow’s server', () => {
  const t = useTrackerFixture();
  let runId: string;

  beforeAll(async () => {
    runId = (await t.post(`${API}/runs/create`, {})).body.run.info.run_id;
    await t.post(`${API}/registered-models/create`, { name: 'worded' });
  });

  it('answers representative calls with the exact message MLflow gives', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', 'experiments/create', {}, missing('name')],
      ['POST', 'experiments/create', { name: '' }, missing('name')],
      ['POST', 'experiments/create', { name: null }, missing('name')],
      ['POST', 'experiments/create', { name: 42 }, invalidValue('42', 'name', 'int')],
      ['POST', 'experiments/create', { name: 'x', tags: { a: 1 } }, invalidValue("{'a': 1}", 'tags', 'dict')],
      ['GET', 'experiments/get', {}, missing('experiment_id')],
      ['POST', 'experiments/delete', { experiment_id: '' }, missing('experiment_id')],
      ['POST', 'runs/update', { run_id: 31 }, invalidValue('31', 'run_id', 'int')],
      [
        'POST',
        'runs/log-metric',
        { run_id: runId, key: 'k', value: 'abc', timestamp: 1 },
        invalidValue('abc', 'value', 'str'),
      ],
      ['POST', 'runs/log-parameter', { run_id: runId, key: 'k', value: true }, invalidValue('True', 'value', 'bool')],
      ['POST', 'runs/search', { max_results: 50_001 }, invalidValue('50001', 'max_results', 'int')],
      ['POST', 'experiments/search', { max_results: 1.5 }, invalidValue('1.5', 'max_results', 'float')],
      ['POST', 'registered-models/create', { name: ['a', 'b'] }, invalidValue("['a', 'b']", 'name', 'list')],
      ['POST', 'model-versions/create', { name: 'worded' }, missing('source')],
      [
        'POST',
        'model-versions/transition-stage',
        { name: 'worded', version: '1', stage: 'Staging', archive_existing_versions: 'yes' },
        invalidValue('yes', 'archive_existing_versions', 'str'),
      ],
      ['POST', 'runs/log-inputs', { run_id: runId }, missing('datasets')],
      ['POST', 'runs/log-model', { run_id: runId }, missing('model_json')],
    ];
    for (const [method, path, body, message] of cases) {
      const res =
        method === 'GET'
          ? await t.get(`${API}/${path}`, body as Record<string, string>)
          : await t.post(`${API}/${path}`, body);
      expect(res, `${path} ${JSON.stringify(body)}`).toEqual({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message },
      });
    }
  });

  it('takes log-inputs with an empty dataset list, as MLflow does', async () => {
    expect(await t.post(`${API}/runs/log-inputs`, { run_id: runId, datasets: [] })).toEqual({ status: 200, body: {} });
  });
});
