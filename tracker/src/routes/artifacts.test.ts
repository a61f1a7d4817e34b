import { beforeAll, describe, expect, it } from 'vitest';
import { API, useTrackerFixture } from '../testing/tracker-fixture.ts';

const ART = '/api/2.0/mlflow-artifacts/artifacts';

describe('artifact routes', () => {
  const t = useTrackerFixture();
  let runId: string;
  let root: string;

  beforeAll(async () => {
    const run = (await t.post(`${API}/runs/create`, {})).body.run;
    runId = run.info.run_id;
    root = `0/${runId}/artifacts`;
  });

  const put = (path: string, body: BodyInit) => t.app.request(`${ART}/${path}`, { method: 'PUT', body });

  it('uploads and downloads through the proxied artifact API, into R2 under artifacts/', async () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    expect((await put(`${root}/model/weights.bin`, bytes)).status).toBe(200);
    expect((await put(`${root}/model/model.json`, '{"a":1}')).status).toBe(200);
    expect((await put(`${root}/notes.txt`, 'hello')).status).toBe(200);

    expect(await t.edge.blobs.get(`artifacts/${root}/model/weights.bin`)).toEqual(bytes);
    const down = await t.app.request(`${ART}/${root}/model/weights.bin`);
    expect(down.status).toBe(200);
    expect(new Uint8Array(await down.arrayBuffer())).toEqual(bytes);
    const json = await t.app.request(`${ART}/${root}/model/model.json`);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual({ a: 1 });
  });

  it('lists a folder with the proxied list (bare names) and artifacts/list (paths from the run root)', async () => {
    const proxied = await t.get(ART, { path: root });
    expect(proxied.body).toEqual({
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes.txt', is_dir: false, file_size: 5 },
      ],
    });
    const top = await t.get(`${API}/artifacts/list`, { run_id: runId });
    expect(top.body).toEqual({
      root_uri: `mlflow-artifacts:/${root}`,
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes.txt', is_dir: false, file_size: 5 },
      ],
    });
    const sub = await t.get(`${API}/artifacts/list`, { run_id: runId, path: 'model' });
    expect(sub.body.files).toEqual([
      { path: 'model/model.json', is_dir: false, file_size: 7 },
      { path: 'model/weights.bin', is_dir: false, file_size: 5 },
    ]);
    const empty = await t.get(`${API}/artifacts/list`, { run_id: runId, path: 'nothing' });
    expect(empty.body.files).toEqual([]);
  });

  it('answers a missing artifact with 404 and an unknown run with 404', async () => {
    const res = await t.app.request(`${ART}/${root}/nope.bin`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await t.get(`${API}/artifacts/list`, { run_id: 'a'.repeat(32) })).status).toBe(404);
  });

  it('refuses path traversal in every form and writes nothing', async () => {
    const before = (await t.edge.blobs.list('')).length;
    for (const path of [
      `${root}/..%2F..%2Fsecret`,
      `${root}/%2e%2e%2fsecret`,
      `..%2Fsecret`,
      'a%5C..%5Cb',
      '%2Fabs',
      'a//b',
    ]) {
      const res = await put(path, 'x');
      expect(res.status, path).toBe(400);
      expect((await res.json()).error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await t.edge.blobs.list('')).length).toBe(before);
    // Plain and %2E dot segments are resolved by URL parsing before routing: they either leave the
    // artifact API (404) or land inside it, never above `artifacts/`.
    expect((await put('../../etc/passwd', 'x')).status).toBe(404);
    expect((await put('%2E%2E/%2E%2E/%2E%2E/etc/passwd', 'x')).status).toBe(404);
    expect((await put('a/%2E%2E/b', 'x')).status).toBe(200);
    expect((await t.edge.blobs.list('')).every((b) => b.key.startsWith('artifacts/'))).toBe(true);
    expect(await t.edge.blobs.get('artifacts/b')).not.toBeNull();
    expect((await t.get(ART, { path: '../x' })).status).toBe(400);
    expect((await t.get(`${API}/artifacts/list`, { run_id: runId, path: 'model/../../..' })).status).toBe(400);
  });
});
