import { once } from 'node:events';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteStream } from '../testing/byte-stream.ts';
import { openServedTracker, type ServedTracker } from '../testing/served-tracker.ts';
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
      'a%00b',
      'a/b%0A',
      'a%7Fb',
      'a%C2%85b',
    ]) {
      const res = await put(path, 'x');
      expect(res.status, path).toBe(400);
      expect((await res.json()).error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await t.edge.blobs.list('')).length).toBe(before);
    expect((await t.get(ART, { path: '../x' })).status).toBe(400);
    expect((await t.get(`${API}/artifacts/list`, { run_id: runId, path: 'model/../../..' })).status).toBe(400);
    expect((await t.get(ART, { path: 'a\u0000b' })).status).toBe(400);
    expect((await t.get(`${API}/artifacts/list`, { run_id: runId, path: 'a\nb' })).status).toBe(400);
  });
});

describe('artifact uploads over real HTTP', () => {
  const MiB = 1024 * 1024;
  const CAP = 12 * MiB;
  let t: ServedTracker;
  beforeAll(async () => {
    t = await openServedTracker({ limits: { maxJsonBytes: 4 * MiB, maxArtifactBytes: CAP } });
  });
  afterAll(() => t?.close());

  /** Sends the path as written: fetch() would resolve its dot segments first. */
  const send = (method: string, path: string) =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(`${t.url}/`, { method, path }, async (res) => {
        let text = '';
        for await (const c of res) text += c;
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
      req.on('error', reject);
      req.end(method === 'PUT' ? 'x' : undefined);
    });

  it('refuses every "." and ".." segment, plain or percent-encoded, with 400 and writes nothing', async () => {
    for (const path of [
      'a/%2E%2E/b',
      'a/%2e%2e/b',
      'a/%2E./b',
      'a/./b',
      'a/%2e/b',
      'a/..',
      './x',
      '%2E%2E/%2E%2E/%2E%2E/etc/passwd',
      '../../etc/passwd',
    ]) {
      for (const method of ['PUT', 'GET']) {
        const res = await send(method, `${ART}/${path}`);
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      }
    }
    expect(await t.edge.blobs.list('')).toEqual([]);
    // The same request without dot segments is fine.
    expect((await send('PUT', `${ART}/a/b`)).status).toBe(200);
    expect(await t.edge.blobs.get('artifacts/a/b')).toEqual(new TextEncoder().encode('x'));
  });

  it('answers a chunked upload past the cap with 413 and stops taking it, writing nothing', async () => {
    const req = request(`${t.url}${ART}/cap/chunked.bin`, { method: 'PUT' });
    const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
      req.on('response', async (res) => {
        let text = '';
        for await (const c of res) text += c;
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
      req.on('error', reject);
    });
    const written = (async () => {
      const chunk = Buffer.alloc(MiB, 1);
      let sent = 0;
      for (; sent < 4 * CAP && !req.destroyed; sent += MiB) {
        if (!req.write(chunk)) await Promise.race([once(req, 'drain'), once(req, 'close')]);
      }
      return sent;
    })().catch(() => -1);
    const res = await answer;
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('RESOURCE_EXHAUSTED');
    // The server stopped taking the body long before the client meant to stop sending it.
    expect(await written).toBeLessThan(4 * CAP);
    expect(await t.edge.blobs.get('artifacts/cap/chunked.bin')).toBeNull();
  });

  it('refuses dot segments on every tracker path, not only artifacts', async () => {
    const res = await send('GET', `${API}/experiments/../experiments/get?experiment_id=0`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("'.' and '..' segments are not allowed");
  });
});

describe('the artifact size cap', () => {
  const MiB = 1024 * 1024;
  const CAP = 12 * MiB;
  const t = useTrackerFixture({ limits: { maxJsonBytes: 4 * MiB, maxArtifactBytes: CAP } });

  const put = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    t.app.request(`${ART}/${path}`, { method: 'PUT', body, headers, duplex: 'half' } as RequestInit);

  it('refuses a declared length past the cap before reading, with 413 RESOURCE_EXHAUSTED', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const res = await put('cap/declared.bin', body, { 'content-length': String(CAP + 1) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error_code: 'RESOURCE_EXHAUSTED',
      message: `Artifact 'cap/declared.bin' is larger than the ${CAP} bytes the tracker accepts (EDGEFLOW_MAX_ARTIFACT_BYTES).`,
    });
    // At most what the stream queued on its own before anyone read it.
    expect(pulled).toBeLessThanOrEqual(1);
    expect(await t.edge.blobs.get('artifacts/cap/declared.bin')).toBeNull();
  });

  it('takes exactly the cap, streamed', async () => {
    expect((await put('cap/exact.bin', byteStream(CAP))).status).toBe(200);
    expect((await t.edge.blobs.list('artifacts/cap/'))[0]).toEqual({ key: 'artifacts/cap/exact.bin', size: CAP });
  });

  it('aborts a body of no declared length once it passes the cap, leaving no object and the old one as it was', async () => {
    await t.edge.blobs.put('artifacts/cap/kept.bin', 'before');
    for (const path of ['cap/kept.bin', 'cap/chunked.bin']) {
      const res = await put(path, byteStream(CAP * 2));
      expect(res.status, path).toBe(413);
      expect((await res.json()).error_code).toBe('RESOURCE_EXHAUSTED');
    }
    expect(new TextDecoder().decode((await t.edge.blobs.get('artifacts/cap/kept.bin'))!)).toBe('before');
    expect(await t.edge.blobs.get('artifacts/cap/chunked.bin')).toBeNull();
  });
});
