import { EDGE_TAG, EDGE_TAG_ON } from '../../../contracts/index.ts';
import { API, type TrackerFixture } from './tracker-fixture.ts';

/** What these helpers use of a tracker under test: a fixture (`openTrackerFixture`, `useTrackerFixture`) or a `TrackerProcess`. */
type Tracker = Pick<TrackerFixture, 'get' | 'post'> & {
  app: { request(path: string, init?: RequestInit): Response | Promise<Response> };
};

/** A valid signature.json for a 2-input binary model. */
export const SIGNATURE = {
  inputs: [
    { name: 'f0', dtype: 'float32' },
    { name: 'f1', dtype: 'float32' },
  ],
  output: { kind: 'binary', threshold: 0.5, labels: ['legit', 'fraud'] },
  format: 'tfjs-layers',
  sample: [0.1, 0.2],
};

/** The files of a small TFJS-layers model (topology need not be real: promotion checks the manifest). */
export function modelFiles(tag = 'v'): Record<string, string | Uint8Array> {
  return {
    'model.json': JSON.stringify({
      format: 'layers-model',
      modelTopology: { tag },
      weightsManifest: [
        {
          paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
          weights: [{ name: 'w', shape: [2, 1], dtype: 'float32' }],
        },
      ],
    }),
    'group1-shard1of2.bin': new Uint8Array([1, 2, 3, 4]),
    'group1-shard2of2.bin': new Uint8Array([5, 6, 7, 8]),
    'signature.json': JSON.stringify(SIGNATURE),
  };
}

/** Uploads files through the proxied artifact API under a run's `model/` folder; returns the run id. */
export async function logModelRun(t: Tracker, files: Record<string, string | Uint8Array>): Promise<string> {
  const run = await t.post(`${API}/runs/create`, {});
  const { run_id, experiment_id } = run.body.run.info as { run_id: string; experiment_id: string };
  for (const [name, body] of Object.entries(files)) {
    const res = await t.app.request(
      `/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${run_id}/artifacts/model/${name}`,
      {
        method: 'PUT',
        body: body as BodyInit,
      },
    );
    if (res.status !== 200) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
  }
  return run_id;
}

/** The tag that opts a registered model in to the edge, as `registered-models/create` takes it. */
export const EDGE_TAGS = [{ key: EDGE_TAG, value: EDGE_TAG_ON }];

/**
 * Registers a version of `name` from a run's `model/` folder, creating the model if needed — opted in
 * to the edge with `edge` (so that alias `production` and stage Production deploy it).
 */
export async function registerVersion(
  t: Tracker,
  name: string,
  runId: string,
  { edge = false }: { edge?: boolean } = {},
): Promise<string> {
  const model = await t.get(`${API}/registered-models/get`, { name });
  if (model.status === 404)
    await t.post(`${API}/registered-models/create`, { name, ...(edge ? { tags: EDGE_TAGS } : {}) });
  const res = await t.post(`${API}/model-versions/create`, { name, source: `runs:/${runId}/model`, run_id: runId });
  if (res.status !== 200) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.model_version.version as string;
}
