import type { Client, InStatement, ResultSet } from '@libsql/client';
import type { DatasetInput, LifecycleStage, Metric, Run, RunInfo, RunStatus, Tag } from './entities.ts';
import { VALUE_TEXT } from './value-sql.ts';

/*
 * Every read of whole runs, and the one conversion of each of their parts. SQLite builds the lists of a
 * run (latest metrics, params, tags, dataset inputs) as JSON arrays of positional values, in key order;
 * each converter below reads one such array (or a row of the same columns).
 */

/** The `runs` columns `runInfoOf` reads, in its order: a `SELECT`, `RETURNING` or `json_array` list. */
export const RUN_COLUMNS =
  'run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri';

const METRIC_VALUES = `key, ${VALUE_TEXT}, timestamp, step`;
const TAG_VALUES = 'key, value';
const DATASET_VALUES = 'dataset_uuid, name, digest, source_type, source, schema, profile';
const INPUT_TAG_VALUES = 'dataset_uuid, key, value';

/** A run's info from the values of `RUN_COLUMNS` in order, as MLflow answers it (no `end_time` until it has one). */
export function runInfoOf(r: ArrayLike<unknown>): RunInfo {
  const info: RunInfo = {
    run_id: String(r[0]),
    run_uuid: String(r[0]),
    run_name: String(r[2]),
    experiment_id: String(r[1]),
    user_id: String(r[3]),
    status: r[4] as RunStatus,
    start_time: Number(r[5]),
    artifact_uri: String(r[8]),
    lifecycle_stage: r[7] as LifecycleStage,
  };
  if (r[6] !== null) info.end_time = Number(r[6]);
  return info;
}

/** A metric from the values of `METRIC_VALUES` (the value as `VALUE_TEXT` printed it). */
function metricOf(m: unknown[]): Metric {
  return { key: m[0] as string, value: Number(m[1]), timestamp: m[2] as number, step: m[3] as number };
}

/** A tag or param from the values of `TAG_VALUES`. */
function tagOf(t: unknown[]): Tag {
  return { key: t[0] as string, value: t[1] as string };
}

/** A run's dataset inputs from the values of `DATASET_VALUES` (in position order) and of `INPUT_TAG_VALUES`. */
function datasetInputsOf(inputs: unknown[][], inputTags: unknown[][]): DatasetInput[] {
  const tags = new Map<unknown, Tag[]>();
  for (const t of inputTags) {
    let list = tags.get(t[0]);
    if (!list) tags.set(t[0], (list = []));
    list.push({ key: t[1] as string, value: t[2] as string });
  }
  return inputs.map(([id, name, digest, source_type, source, schema, profile]) => {
    const dataset: DatasetInput['dataset'] = {
      name: name as string,
      digest: digest as string,
      source_type: source_type as string,
      source: source as string,
    };
    if (schema !== null) dataset.schema = schema as string;
    if (profile !== null) dataset.profile = profile as string;
    return { tags: tags.get(id) ?? [], dataset };
  });
}

/** `SELECT json_group_array(json_array(values))` over one run's rows of a table, in `order`. */
const list = (values: string, from: string, order: string) =>
  `(SELECT json_group_array(json_array(${values})) FROM (SELECT * FROM ${from} ORDER BY ${order}))`;

/**
 * One run as a single statement (a consistent snapshot without a transaction): the run's row with its
 * latest metrics, params, tags and dataset inputs as JSON arrays SQLite builds, each in key order.
 */
const READ_RUN =
  `SELECT ${RUN_COLUMNS}, ` +
  `${list(METRIC_VALUES, 'latest_metrics WHERE run_uuid = r.run_uuid', 'key')} AS metrics, ` +
  `${list(TAG_VALUES, 'params WHERE run_uuid = r.run_uuid', 'key')} AS params, ` +
  `${list(TAG_VALUES, 'tags WHERE run_uuid = r.run_uuid', 'key')} AS tags, ` +
  `CASE WHEN EXISTS (SELECT 1 FROM run_inputs WHERE run_uuid = r.run_uuid) THEN ` +
  `${list(
    DATASET_VALUES,
    '(SELECT i.position, d.* FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid WHERE i.run_uuid = r.run_uuid)',
    'position',
  )} END AS inputs, ` +
  `CASE WHEN EXISTS (SELECT 1 FROM run_input_tags WHERE run_uuid = r.run_uuid) THEN ` +
  `${list(INPUT_TAG_VALUES, 'run_input_tags WHERE run_uuid = r.run_uuid', 'dataset_uuid, key')} END AS input_tags ` +
  'FROM runs r WHERE r.run_uuid = ?';

/** Reads one whole run (what `runs/get` answers), or undefined when there is none. */
export async function readRun(client: Client, runId: string): Promise<Run | undefined> {
  const { rows } = await client.execute({ sql: READ_RUN, args: [runId] });
  const row = rows[0];
  if (!row) return undefined;
  return {
    info: runInfoOf(row),
    data: {
      metrics: parsed(row.metrics).map(metricOf),
      params: parsed(row.params).map(tagOf),
      tags: parsed(row.tags).map(tagOf),
    },
    inputs: { dataset_inputs: row.inputs === null ? [] : datasetInputsOf(parsed(row.inputs), parsed(row.input_tags)) },
  };
}

/**
 * Whole runs (as `readRun` reads one) for a list of run ids, in the order given, read in one batch of
 * six queries whatever the number of runs. SQLite builds each answer as one JSON array, each run's values
 * followed by its id (turning thousands of rows into JS row objects costs more than the queries); the
 * ids go in as one JSON argument. Ids with no run are left out.
 */
export async function hydrateRuns(client: Client, runIds: string[]): Promise<Run[]> {
  if (!runIds.length) return [];
  const ids = JSON.stringify(runIds);
  const q = (values: string, from: string, order: string): InStatement => ({
    sql:
      `SELECT json_group_array(json_array(${values})) AS j FROM ` +
      `(SELECT t.* FROM json_each(?) i JOIN ${from} t ON t.run_uuid = i.value ORDER BY ${order})`,
    args: [ids],
  });
  const results = await client.batch(
    [
      q(RUN_COLUMNS, 'runs', 't.run_uuid'),
      q(`${METRIC_VALUES}, run_uuid`, 'latest_metrics', 't.run_uuid, t.key'),
      q(`${TAG_VALUES}, run_uuid`, 'params', 't.run_uuid, t.key'),
      q(`${TAG_VALUES}, run_uuid`, 'tags', 't.run_uuid, t.key'),
      q(
        `${DATASET_VALUES}, run_uuid`,
        '(SELECT i.run_uuid, i.position, d.* FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid)',
        't.run_uuid, t.position',
      ),
      q(`${INPUT_TAG_VALUES}, run_uuid`, 'run_input_tags', 't.run_uuid, t.dataset_uuid, t.key'),
    ],
    'read',
  );
  const [runRows, metricRows, paramRows, tagRows, inputRows, inputTagRows] = results.map(json);
  const runs = new Map<string, Run>();
  for (const r of runRows!) {
    runs.set(r[0] as string, {
      info: runInfoOf(r),
      data: { metrics: [], params: [], tags: [] },
      inputs: { dataset_inputs: [] },
    });
  }
  for (const m of metricRows!) runs.get(m[4] as string)?.data.metrics.push(metricOf(m));
  for (const p of paramRows!) runs.get(p[2] as string)?.data.params.push(tagOf(p));
  for (const t of tagRows!) runs.get(t[2] as string)?.data.tags.push(tagOf(t));
  const inputs = byRun(inputRows!, 7);
  const inputTags = byRun(inputTagRows!, 3);
  for (const [runId, list] of inputs) {
    const run = runs.get(runId);
    if (run) run.inputs.dataset_inputs = datasetInputsOf(list, inputTags.get(runId) ?? []);
  }
  return runIds.flatMap((id) => {
    const run = runs.get(id);
    return run ? [run] : [];
  });
}

/** The arrays of a `json_group_array` answer. */
function json(result: ResultSet): unknown[][] {
  return parsed(result.rows[0]?.j ?? null);
}

function parsed(text: unknown): unknown[][] {
  return text === null ? [] : (JSON.parse(String(text)) as unknown[][]);
}

/** Arrays grouped by the run id at `at`, each group in the arrays' order. */
function byRun(arrays: unknown[][], at: number): Map<string, unknown[][]> {
  const out = new Map<string, unknown[][]>();
  for (const a of arrays) {
    const id = a[at] as string;
    let group = out.get(id);
    if (!group) out.set(id, (group = []));
    group.push(a);
  }
  return out;
}
