import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { readInput } from '../http/input.ts';
import { reply, replyPage } from '../http/reply.ts';
import { RUN_STATUSES } from '../store/entities.ts';
import { parseModelJson } from '../store/logged-models.ts';
import {
  double,
  entityKey,
  idString,
  int64,
  LIMITS,
  MetricInput,
  nameText,
  ParamInput,
  requireRunId,
  runIdFields,
  runIdOf,
  TagInput,
} from './fields.ts';
import { maxResults, searchFields, stringList, viewType } from './search-params.ts';

const SearchRuns = z.object({
  ...searchFields,
  experiment_ids: stringList(1000).default([]),
  run_view_type: viewType,
  max_results: maxResults(1000, 50_000),
});

const DeleteTag = z.object({ ...runIdFields, key: z.string().min(1).max(LIMITS.keyLength) }).refine(...requireRunId);

/** MLflow's dataset limits (mlflow/utils/validation.py). */
const Dataset = z.object({
  name: nameText(500),
  digest: z.string().min(1).max(36),
  source_type: z.string().min(1).max(1000),
  source: z.string().min(1).max(65_535),
  schema: z.string().max(1_048_575).optional(),
  profile: z.string().max(16_384).optional(),
});

/** log-inputs: `run_id` and `datasets` both required, as MLflow's server has them (an empty list is a no-op). */
const LogInputs = z.object({
  run_id: z.string().min(1),
  datasets: z
    .array(
      z.object({
        tags: z
          .array(z.object({ key: nameText(255), value: z.string().max(500) }))
          .max(100)
          .default([]),
        dataset: Dataset,
      }),
    )
    .max(1000),
});

const CreateRun = z.object({
  experiment_id: idString.default('0'),
  user_id: z.string().max(256).optional(),
  run_name: nameText(250, 0).optional(),
  start_time: int64.optional(),
  tags: z.array(TagInput).max(LIMITS.batchTags).optional(),
});

const RunRef = z.object(runIdFields).refine(...requireRunId);

const UpdateRun = z
  .object({
    ...runIdFields,
    status: z.enum(RUN_STATUSES).optional(),
    end_time: int64.optional(),
    run_name: nameText(250, 0).optional(),
  })
  .refine(...requireRunId);

const LogBatch = z
  .object({
    ...runIdFields,
    metrics: z.array(MetricInput).max(LIMITS.batchMetrics).default([]),
    params: z.array(ParamInput).max(LIMITS.batchParams).default([]),
    tags: z.array(TagInput).max(LIMITS.batchTags).default([]),
  })
  .refine(...requireRunId)
  .refine((b) => b.metrics.length + b.params.length + b.tags.length <= LIMITS.batchTotal, {
    message: `A batch logging request can contain at most ${LIMITS.batchTotal} metrics, params and tags in all`,
    path: ['metrics'],
  });

const LogMetric = z
  .object({
    ...runIdFields,
    key: entityKey,
    value: double,
    timestamp: int64,
    step: int64.default(0),
  })
  .refine(...requireRunId);

const LogParam = z
  .object({ ...runIdFields, key: entityKey, value: z.string().max(LIMITS.paramValueLength) })
  .refine(...requireRunId);

const SetTag = z
  .object({ ...runIdFields, key: entityKey, value: z.string().max(LIMITS.tagValueLength) })
  .refine(...requireRunId);

const LogModel = z.object({ run_id: z.string().min(1), model_json: z.string().min(1) });

/**
 * `runs/create|get|update|delete|restore|search|log-batch|log-metric|log-parameter|set-tag|delete-tag|
 * log-inputs|log-model` (log-model appends to the run's `mlflow.log-model.history` tag, as MLflow's server does). Nested runs are runs with an `mlflow.parentRunId` tag (search `tags.mlflow.parentRunId`).
 */
export function runRoutes({ store }: AppDeps): Hono {
  const app = new Hono();

  app.post('/runs/create', async (c) => {
    const input = await readInput(c, CreateRun);
    return reply(c, { run: await store.createRun(input) });
  });

  app.get('/runs/get', async (c) => {
    const ref = await readInput(c, RunRef);
    return reply(c, { run: await store.getRun(runIdOf(ref)) });
  });

  app.post('/runs/update', async (c) => {
    const input = await readInput(c, UpdateRun);
    const runInfo = await store.updateRun(runIdOf(input), {
      status: input.status,
      end_time: input.end_time,
      run_name: input.run_name,
    });
    return reply(c, { run_info: runInfo });
  });

  app.post('/runs/log-batch', async (c) => {
    const { metrics, params, tags, ...ref } = await readInput(c, LogBatch);
    await store.logBatch(runIdOf(ref), { metrics, params, tags });
    return reply(c, {});
  });

  app.post('/runs/log-metric', async (c) => {
    const { key, value, timestamp, step, ...ref } = await readInput(c, LogMetric);
    await store.logBatch(runIdOf(ref), { metrics: [{ key, value, timestamp, step }] });
    return reply(c, {});
  });

  app.post('/runs/log-parameter', async (c) => {
    const { key, value, ...ref } = await readInput(c, LogParam);
    await store.logBatch(runIdOf(ref), { params: [{ key, value }] });
    return reply(c, {});
  });

  app.post('/runs/search', async (c) => {
    const input = await readInput(c, SearchRuns);
    return replyPage(c, 'runs', await store.searchRuns(input));
  });

  app.post('/runs/delete', async (c) => {
    await store.deleteRun(runIdOf(await readInput(c, RunRef)));
    return reply(c, {});
  });

  app.post('/runs/restore', async (c) => {
    await store.restoreRun(runIdOf(await readInput(c, RunRef)));
    return reply(c, {});
  });

  app.post('/runs/delete-tag', async (c) => {
    const { key, ...ref } = await readInput(c, DeleteTag);
    await store.deleteTag(runIdOf(ref), key);
    return reply(c, {});
  });

  app.post('/runs/log-inputs', async (c) => {
    const { run_id, datasets } = await readInput(c, LogInputs);
    await store.logInputs(run_id, datasets);
    return reply(c, {});
  });

  app.post('/runs/log-model', async (c) => {
    const { run_id, model_json } = await readInput(c, LogModel);
    await store.recordLoggedModel(run_id, parseModelJson(model_json));
    return reply(c, {});
  });

  app.post('/runs/set-tag', async (c) => {
    const { key, value, ...ref } = await readInput(c, SetTag);
    await store.logBatch(runIdOf(ref), { tags: [{ key, value }] });
    return reply(c, {});
  });

  return app;
}
