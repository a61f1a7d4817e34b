import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logModelRun, modelFiles, registerVersion } from '../src/testing/model-files.ts';
import { openServedTracker, type ServedTracker } from '../src/testing/served-tracker.ts';
import { recordingFetch } from './testing/recording-fetch.ts';
import { TrackerClient } from './tracker-client.ts';
import { isTrackerError } from './tracker-error.ts';

/*
 * The client's search, lifecycle and registry calls against the real tracker, over real HTTP. Always a
 * fresh tracker of this file (not EDGEFLOW_TEST_TRACKER_URL's): the searches assert whole answers.
 */
describe('TrackerClient against the real tracker: search, lifecycle, stages', () => {
  let t: ServedTracker;
  let client: TrackerClient;
  let rec: ReturnType<typeof recordingFetch>;

  beforeAll(async () => {
    t = await openServedTracker();
    rec = recordingFetch();
    client = new TrackerClient({ baseUrl: t.url, fetch: rec.fetch });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('searches runs page after page, deletes and restores, logs inputs', async () => {
    const experimentId = await client.getOrCreateExperiment('client-search');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const info = await client.createRun({ experimentId, runName: `r${i}`, startTime: 1000 + i });
      await client.logBatch(info.run_id, {
        metrics: [{ key: 'auc', value: i / 10, timestamp: 1 }],
        params: [{ key: 'lr', value: String(i % 2) }],
      });
      ids.push(info.run_id);
    }
    const page = await client.searchRuns({
      experimentIds: [experimentId],
      filter: "params.lr = '1'",
      orderBy: ['metrics.auc DESC'],
    });
    expect(page.items.map((r) => r.info.run_name)).toEqual(['r3', 'r1']);
    expect(page.nextPageToken).toBeUndefined();
    expect(rec.to('mlflow/runs/search').at(-1)!.json).toEqual({
      experiment_ids: [experimentId],
      filter: "params.lr = '1'",
      order_by: ['metrics.auc DESC'],
    });
    const all: string[] = [];
    for await (const run of client.searchAllRuns({ experimentIds: [experimentId], maxResults: 2 }))
      all.push(run.info.run_id);
    expect(all).toEqual([...ids].reverse());

    await client.deleteRun(ids[0]!);
    expect(
      (await client.searchRuns({ experimentIds: [experimentId], viewType: 'DELETED_ONLY' })).items.map(
        (r) => r.info.run_id,
      ),
    ).toEqual([ids[0]]);
    await client.restoreRun(ids[0]!);
    await client.setTag(ids[1]!, 'tmp', 'x');
    await client.deleteTag(ids[1]!, 'tmp');
    expect((await client.getRun(ids[1]!)).data.tags.map((x) => x.key)).toEqual(['mlflow.runName']);
    await client.logInputs(ids[1]!, [
      {
        dataset: { name: 'train', digest: 'd1', source_type: 'local', source: '{}' },
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
      },
    ]);
    expect(
      (await client.searchRuns({ experimentIds: [experimentId], filter: "dataset.context = 'training'" })).items.map(
        (r) => r.info.run_id,
      ),
    ).toEqual([ids[1]]);

    const points = await client.getMetricHistoryBulkInterval([ids[2]!, ids[3]!], 'auc', { maxResults: 10 });
    expect(points.map((p) => [p.run_id, p.value])).toEqual([
      [ids[2], 0.2],
      [ids[3], 0.3],
    ]);

    const err = await client
      .searchRuns({ experimentIds: [experimentId], filter: 'metrics.auc > high' })
      .catch((e: unknown) => e);
    expect(isTrackerError(err, 'INVALID_PARAMETER_VALUE')).toBe(true);
  });

  it('searches, renames, deletes and restores experiments', async () => {
    const id = await client.getOrCreateExperiment('client-exp');
    await client.setExperimentTag(id, 'team', 'risk');
    await client.renameExperiment(id, 'client-exp-2');
    const found = await client.searchExperiments({ filter: "tags.team = 'risk'" });
    expect(found.items.map((e) => e.name)).toEqual(['client-exp-2']);
    await client.deleteExperiment(id);
    expect((await client.searchExperiments({ viewType: 'DELETED_ONLY' })).items.map((e) => e.experiment_id)).toEqual([
      id,
    ]);
    await client.restoreExperiment(id);
    expect((await client.searchExperiments({ maxResults: 1 })).nextPageToken).toBeTypeOf('string');
  });

  it('searches the registry and moves versions through stages, Production promoting a model opted in to the edge', async () => {
    const runId = await logModelRun(t, modelFiles('c'));
    const v1 = await registerVersion(t, 'client-model', runId, { edge: true });
    const v2 = await registerVersion(t, 'client-model', runId);
    expect((await client.searchRegisteredModels({ filter: "name LIKE 'client-%'" })).items.map((m) => m.name)).toEqual([
      'client-model',
    ]);
    const mv = await client.transitionModelVersionStage('client-model', v1, 'Production');
    expect(mv.current_stage).toBe('Production');
    expect((await client.getDeployment('client-model')).pointer?.version).toBe(v1);
    const refused = await client.deleteModelVersion('client-model', v1).catch((e: unknown) => e);
    expect(isTrackerError(refused, 'INVALID_STATE')).toBe(true);
    await client.transitionModelVersionStage('client-model', v2, 'Production', true);
    expect((await client.getLatestVersions('client-model', ['Archived'])).map((v) => v.version)).toEqual([v1]);
    expect((await client.updateModelVersion('client-model', v1, 'old')).description).toBe('old');
    await client.deleteModelVersion('client-model', v1);
    const versions = await client.searchModelVersions({
      filter: "name = 'client-model'",
      orderBy: ['version_number ASC'],
    });
    expect(versions.items.map((v) => v.version)).toEqual([v2]);
    expect(rec.to('mlflow/model-versions/search').at(-1)!.query).toEqual({
      filter: "name = 'client-model'",
      order_by: 'version_number ASC',
    });
  });
});
