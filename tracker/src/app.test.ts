import { describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from './testing/tracker-fixture.ts';

describe('tracker app', () => {
  const t = useTrackerFixture();

  it('answers /health', async () => {
    expect(await t.get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers unknown API paths and wrong methods with ENDPOINT_NOT_FOUND', async () => {
    const unknown = await t.get(`${API}/runs/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('ENDPOINT_NOT_FOUND');
    const wrongMethod = await t.get(`${API}/runs/create`);
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body.error_code).toBe('ENDPOINT_NOT_FOUND');
  });

  it('answers malformed JSON with 400 MALFORMED_REQUEST and writes nothing', async () => {
    const res = await t.app.request(`${API}/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": "half',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'MALFORMED_REQUEST' });
    const arr = await t.post(`${API}/experiments/create`, ['x']);
    expect(arr.status).toBe(400);
    expect((await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'half' })).status).toBe(404);
  });

  it('answers a schema mismatch with 400 INVALID_PARAMETER_VALUE naming the parameter', async () => {
    const missing = await t.post(`${API}/experiments/create`, {});
    expect(missing).toEqual({
      status: 400,
      body: {
        error_code: 'INVALID_PARAMETER_VALUE',
        message:
          "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      },
    });
    const wrongType = await t.post(`${API}/experiments/create`, { name: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toBe(
      "Invalid value 42 for parameter 'name' supplied. Hint: Value was of type 'int'. See the API docs for more information about request parameters.",
    );
  });

  it('serves the same API under /ajax-api/2.0/mlflow, as MLflow does', async () => {
    const created = await t.post('/ajax-api/2.0/mlflow/experiments/create', { name: 'via-ajax' });
    expect(created.status).toBe(200);
    const got = await t.get(`${API}/experiments/get`, { experiment_id: created.body.experiment_id });
    expect(got.body.experiment.name).toBe('via-ajax');
  });
});

describe('the JSON body limit', () => {
  const LIMIT = 1000;
  const t = useTrackerFixture({ limits: { maxJsonBytes: LIMIT, maxArtifactBytes: 5 * 1024 ** 3 } });
  const TOO_LARGE = {
    error_code: 'RESOURCE_EXHAUSTED',
    message: `The request body is larger than the ${LIMIT} bytes the tracker accepts (EDGEFLOW_MAX_JSON_BYTES).`,
  };
  /** An experiments/create body of exactly `size` bytes. */
  const bodyOf = (size: number, name: string) => {
    const head = JSON.stringify({ name, pad: '' });
    return JSON.stringify({ name, pad: 'x'.repeat(size - head.length) });
  };
  const create = (body: BodyInit, headers: Record<string, string> = {}) =>
    t.app.request(`${API}/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      duplex: 'half',
    } as RequestInit);

  it('takes a body of exactly the limit', async () => {
    const body = bodyOf(LIMIT, 'at-limit');
    expect(body.length).toBe(LIMIT);
    expect((await create(body, { 'content-length': String(LIMIT) })).status).toBe(200);
  });

  it('refuses a declared length past the limit with 413 before reading, and writes nothing', async () => {
    const res = await create(bodyOf(LIMIT + 1, 'declared'), { 'content-length': String(LIMIT + 1) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(TOO_LARGE);
    expect((await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'declared' })).status).toBe(404);
  });

  it('refuses a body of no declared length once it passes the limit', async () => {
    const bytes = new TextEncoder().encode(bodyOf(LIMIT * 3, 'chunked'));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        controller.enqueue(bytes.subarray(sent, sent + 100));
        sent += 100;
      },
    });
    const res = await create(stream);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual(TOO_LARGE);
    expect(sent).toBeLessThan(bytes.length);
    expect((await t.get(`${API}/experiments/get-by-name`, { experiment_name: 'chunked' })).status).toBe(404);
  });

  it('guards edgeflow’s endpoints too, but not artifact uploads', async () => {
    const res = await t.app.request('/api/2.0/edgeflow/deployments/rollback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(LIMIT + 1) },
      body: bodyOf(LIMIT + 1, 'm'),
    });
    expect(res.status).toBe(413);
    const upload = await t.app.request('/api/2.0/mlflow-artifacts/artifacts/big/file.bin', {
      method: 'PUT',
      body: new Uint8Array(LIMIT * 10),
    });
    expect(upload.status).toBe(200);
  });
});
