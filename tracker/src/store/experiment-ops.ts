import type { Row } from '@libsql/client';
import { alreadyExists, invalid, notFound } from '../errors.ts';
import { encodePageToken } from '../search/page-token.ts';
import { EXPERIMENT_SEARCH } from '../search/search-spec.ts';
import { direction, filterConditions, parseSearch, type SqlArg } from './search/sql-compare.ts';
import type { StoreContext } from './store-context.ts';
import type { Experiment, ExperimentStats, SearchInput, SearchPage, ViewType } from './tracking-store.ts';

const DEFAULT_EXPERIMENT = 0;

const COLUMNS: Record<string, string> = {
  name: 'e.name',
  experiment_id: 'e.experiment_id',
  creation_time: 'e.creation_time',
  last_update_time: 'e.last_update_time',
};

const STAGE: Record<ViewType, string> = {
  ACTIVE_ONLY: "e.lifecycle_stage = 'active'",
  DELETED_ONLY: "e.lifecycle_stage = 'deleted'",
  ALL: '1 = 1',
};

/** experiments/search: filter on name, times and tags; newest first unless ordered otherwise; ties by id. */
export async function searchExperiments(
  { client }: StoreContext,
  input: SearchInput & { view_type: ViewType },
): Promise<SearchPage<Experiment>> {
  const { filter, orderBy, offset } = parseSearch(EXPERIMENT_SEARCH, input);
  const args: SqlArg[] = [];
  const where = [
    STAGE[input.view_type],
    ...filterConditions(filter, COLUMNS, { table: 'experiment_tags', join: 'f.experiment_id = e.experiment_id' }, args),
  ];
  const order = orderBy.map((o) => `${COLUMNS[o.key]!} ${direction(o)}`);
  if (!orderBy.length) order.push('e.creation_time DESC');
  if (!orderBy.some((o) => o.key === 'experiment_id')) order.push('e.experiment_id ASC');
  const { rows } = await client.execute({
    sql: `SELECT e.* FROM experiments e WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`,
    args: [...args, input.max_results + 1, offset],
  });
  const page = rows.slice(0, input.max_results);
  const items = await withTags(client, page);
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(offset + input.max_results) }
    : { items };
}

async function withTags(client: StoreContext['client'], rows: Row[]): Promise<Experiment[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.experiment_id));
  const { rows: tagRows } = await client.execute({
    sql: `SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (${ids.map(() => '?').join(', ')}) ORDER BY key`,
    args: ids,
  });
  return rows.map((r) => ({
    experiment_id: String(r.experiment_id),
    name: String(r.name),
    artifact_location: String(r.artifact_location),
    lifecycle_stage: String(r.lifecycle_stage) as Experiment['lifecycle_stage'],
    creation_time: Number(r.creation_time),
    last_update_time: Number(r.last_update_time),
    tags: tagRows
      .filter((t) => Number(t.experiment_id) === Number(r.experiment_id))
      .map((t) => ({ key: String(t.key), value: String(t.value) })),
  }));
}

async function stageOf(
  { client }: StoreContext,
  experimentId: string,
): Promise<{ id: number; stage: string; name: string }> {
  const id = /^\d{1,15}$/.test(experimentId) ? Number(experimentId) : -1;
  const { rows } = await client.execute({
    sql: 'SELECT lifecycle_stage, name FROM experiments WHERE experiment_id = ?',
    args: [id],
  });
  if (!rows[0]) throw notFound(`No Experiment with id=${experimentId} exists`);
  return { id, stage: String(rows[0].lifecycle_stage), name: String(rows[0].name) };
}

/** experiments/update: renames an active experiment; the name must be free. */
export async function renameExperiment(ctx: StoreContext, experimentId: string, newName: string): Promise<void> {
  if (!newName.trim()) throw invalid("Missing value for required parameter 'new_name'.");
  const exp = await stageOf(ctx, experimentId);
  if (exp.stage !== 'active') throw invalid('Cannot rename a non-active experiment.');
  if (exp.name === newName) return;
  const { rows } = await ctx.client.execute({ sql: 'SELECT 1 FROM experiments WHERE name = ?', args: [newName] });
  if (rows.length) throw alreadyExists(`Experiment(name=${newName}) already exists.`);
  await ctx.client.execute({
    sql: 'UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?',
    args: [newName, Date.now(), exp.id],
  });
}

/** experiments/delete: the experiment and its active runs become deleted. The default experiment stays. */
export async function deleteExperiment(ctx: StoreContext, experimentId: string): Promise<void> {
  const exp = await stageOf(ctx, experimentId);
  if (exp.id === DEFAULT_EXPERIMENT)
    throw invalid('Cannot delete the default experiment (id 0); it must always exist.');
  if (exp.stage !== 'active')
    throw notFound(`No active Experiment with id=${experimentId} exists (it is already deleted).`);
  const now = Date.now();
  await ctx.client.batch(
    [
      {
        sql: "UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = ? WHERE experiment_id = ?",
        args: [now, exp.id],
      },
      {
        sql: "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE experiment_id = ? AND lifecycle_stage = 'active'",
        args: [now, exp.id],
      },
    ],
    'write',
  );
}

/** experiments/restore: a deleted experiment and its runs become active again. */
export async function restoreExperiment(ctx: StoreContext, experimentId: string): Promise<void> {
  const exp = await stageOf(ctx, experimentId);
  if (exp.stage !== 'deleted')
    throw invalid(`Cannot restore an active experiment (id ${experimentId}); it is not deleted.`);
  await ctx.client.batch(
    [
      {
        sql: "UPDATE experiments SET lifecycle_stage = 'active', last_update_time = ? WHERE experiment_id = ?",
        args: [Date.now(), exp.id],
      },
      {
        sql: "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = ? AND lifecycle_stage = 'deleted'",
        args: [exp.id],
      },
    ],
    'write',
  );
}

/** experiments/set-experiment-tag on an active experiment. */
export async function setExperimentTag(
  ctx: StoreContext,
  experimentId: string,
  key: string,
  value: string,
): Promise<void> {
  const exp = await stageOf(ctx, experimentId);
  if (exp.stage !== 'active') {
    throw invalid(`The experiment ${experimentId} must be in the 'active' state. Current state is ${exp.stage}.`);
  }
  await ctx.client.execute({
    sql: 'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
    args: [exp.id, key, value],
  });
}

/** Active run count and newest run start per experiment, from the runs index alone. */
export async function experimentStats({ client }: StoreContext, experimentIds: string[]): Promise<ExperimentStats[]> {
  const ids = experimentIds.map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : -1));
  if (!ids.length) return [];
  const { rows } = await client.execute({
    sql:
      'SELECT experiment_id, count(*) AS n, max(start_time) AS last FROM runs ' +
      `WHERE experiment_id IN (${ids.map(() => '?').join(', ')}) AND lifecycle_stage = 'active' GROUP BY experiment_id`,
    args: ids,
  });
  const byId = new Map(rows.map((r) => [Number(r.experiment_id), r]));
  return experimentIds.map((id, i) => {
    const row = byId.get(ids[i]!);
    const stats: ExperimentStats = { experiment_id: id, run_count: row ? Number(row.n) : 0 };
    if (row && row.last !== null) stats.last_run_start_time = Number(row.last);
    return stats;
  });
}
