import type { Client, InStatement, Row } from '@libsql/client';
import { encodePageToken } from '../../search/page-token.ts';
import { EXPERIMENT_SEARCH } from '../../search/search-spec.ts';
import { parseUrl, resolveUriIfLocal, unquote } from '../artifacts/uri-parts.ts';
import { alreadyExists, invalid, notFound } from '../errors.ts';
import type { Experiment, ExperimentStats, LifecycleStage, SearchPage, Tag } from './entities.ts';
import { experimentIdNumber, experimentNotFound, experimentStage, notActive, parseExperimentId } from './guards.ts';
import { marks, rows as valueRows } from './placeholders.ts';
import { direction, filterConditions, parseSearch, type SqlArg } from './search/sql-compare.ts';
import { uniqueTags } from './tag-list.ts';
import type { CreateExperimentInput, SearchInput, ViewType } from './tracking-store.ts';

/** The experiment MLflow clients expect to exist ("Default"), created when the store opens. */
export const DEFAULT_EXPERIMENT_ID = 0;

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

/** An experiment from its `experiments` row and its tags. */
function experimentOf(row: Row, tags: Tag[]): Experiment {
  return {
    experiment_id: String(row.experiment_id),
    name: String(row.name),
    artifact_location: String(row.artifact_location),
    lifecycle_stage: row.lifecycle_stage as LifecycleStage,
    creation_time: Number(row.creation_time),
    last_update_time: Number(row.last_update_time),
    tags,
  };
}

/** The experiments of `experiments` rows, in their order, with their tags (one query for all of them). */
async function withTags(client: Client, rows: Row[]): Promise<Experiment[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.experiment_id));
  const { rows: tagRows } = await client.execute({
    sql: `SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (${marks(ids.length)}) ORDER BY key`,
    args: ids,
  });
  const tags = new Map<number, Tag[]>();
  for (const t of tagRows) {
    const id = Number(t.experiment_id);
    let list = tags.get(id);
    if (!list) tags.set(id, (list = []));
    list.push({ key: String(t.key), value: String(t.value) });
  }
  return rows.map((r) => experimentOf(r, tags.get(Number(r.experiment_id)) ?? []));
}

/** Creates the Default experiment (id 0) unless it exists. */
export async function ensureDefaultExperiment(client: Client): Promise<void> {
  const now = Date.now();
  await client.execute({
    sql:
      'INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) ' +
      'VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    args: [DEFAULT_EXPERIMENT_ID, 'Default', `mlflow-artifacts:/${DEFAULT_EXPERIMENT_ID}`, now, now],
  });
}

/**
 * experiments/create: the next id after the highest; the name must be free. A relative local
 * `artifact_location` is made absolute against the tracker's working directory, and one whose query
 * string holds `..` is refused, as MLflow's server does. Returns the id.
 */
export async function createExperiment(client: Client, input: CreateExperimentInput): Promise<string> {
  if (!input.name.trim()) throw invalid("Missing value for required parameter 'name'.");
  const location = input.artifact_location ? artifactLocation(input.artifact_location) : undefined;
  const { rows } = await client.execute({
    sql:
      'SELECT EXISTS (SELECT 1 FROM experiments WHERE name = ?) AS clash, ' +
      'coalesce((SELECT max(experiment_id) FROM experiments), 0) + 1 AS next',
    args: [input.name],
  });
  if (rows[0]!.clash) throw alreadyExists(`Experiment(name=${input.name}) already exists.`);
  const id = Number(rows[0]!.next);
  const now = Date.now();
  const stmts: InStatement[] = [
    {
      sql:
        'INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time) ' +
        'VALUES (?, ?, ?, ?, ?)',
      args: [id, input.name, location ?? `mlflow-artifacts:/${id}`, now, now],
    },
  ];
  const tags = uniqueTags(input.tags ?? []);
  if (tags.length) {
    stmts.push({
      sql: `INSERT INTO experiment_tags (experiment_id, key, value) VALUES ${valueRows(tags.length, 3)}`,
      args: tags.flatMap((t) => [id, t.key, t.value]),
    });
  }
  await client.batch(stmts, 'write');
  return String(id);
}

/** experiments/get. */
export async function getExperiment(client: Client, experimentId: string): Promise<Experiment> {
  const { rows } = await client.execute({
    sql: 'SELECT * FROM experiments WHERE experiment_id = ?',
    args: [parseExperimentId(experimentId)],
  });
  if (!rows[0]) throw experimentNotFound(experimentId);
  return (await withTags(client, rows))[0]!;
}

/** experiments/get-by-name. */
export async function getExperimentByName(client: Client, name: string): Promise<Experiment> {
  const { rows } = await client.execute({ sql: 'SELECT * FROM experiments WHERE name = ?', args: [name] });
  if (!rows[0]) throw notFound(`Could not find experiment with name '${name}'`);
  return (await withTags(client, rows))[0]!;
}

/** experiments/search: filter on name, times and tags; newest first unless ordered otherwise; ties by id. */
export async function searchExperiments(
  client: Client,
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
  const items = await withTags(client, rows.slice(0, input.max_results));
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(offset + input.max_results) }
    : { items };
}

/** experiments/update: renames an active experiment; the name must be free. */
export async function renameExperiment(client: Client, experimentId: string, newName: string): Promise<void> {
  if (!newName.trim()) throw invalid("Missing value for required parameter 'new_name'.");
  const exp = await experimentStage(client, experimentId);
  if (exp.stage !== 'active') throw invalid('Cannot rename a non-active experiment.');
  if (exp.name === newName) return;
  const { rows } = await client.execute({ sql: 'SELECT 1 FROM experiments WHERE name = ?', args: [newName] });
  if (rows.length) throw alreadyExists(`Experiment(name=${newName}) already exists.`);
  await client.execute({
    sql: 'UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?',
    args: [newName, Date.now(), exp.id],
  });
}

/** experiments/delete: the experiment and its active runs become deleted. The default experiment stays. */
export async function deleteExperiment(client: Client, experimentId: string): Promise<void> {
  const exp = await experimentStage(client, experimentId);
  if (exp.id === DEFAULT_EXPERIMENT_ID)
    throw invalid('Cannot delete the default experiment (id 0); it must always exist.');
  if (exp.stage !== 'active')
    throw notFound(`No active Experiment with id=${experimentId} exists (it is already deleted).`);
  const now = Date.now();
  await client.batch(
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
export async function restoreExperiment(client: Client, experimentId: string): Promise<void> {
  const exp = await experimentStage(client, experimentId);
  if (exp.stage !== 'deleted')
    throw invalid(`Cannot restore an active experiment (id ${experimentId}); it is not deleted.`);
  await client.batch(
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
  client: Client,
  experimentId: string,
  key: string,
  value: string,
): Promise<void> {
  const exp = await experimentStage(client, experimentId);
  if (exp.stage !== 'active') throw notActive('experiment', experimentId, exp.stage);
  await client.execute({
    sql: 'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
    args: [exp.id, key, value],
  });
}

/** Active run count and newest run start per experiment, from the runs index alone. */
export async function experimentStats(client: Client, experimentIds: string[]): Promise<ExperimentStats[]> {
  const ids = experimentIds.map((id) => experimentIdNumber(id) ?? -1);
  if (!ids.length) return [];
  const { rows } = await client.execute({
    sql:
      'SELECT experiment_id, count(*) AS n, max(start_time) AS last FROM runs ' +
      `WHERE experiment_id IN (${marks(ids.length)}) AND lifecycle_stage = 'active' GROUP BY experiment_id`,
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

/** An experiment's artifact location as MLflow's server stores it (`validate_query_string`, `resolve_uri_if_local`). */
function artifactLocation(uri: string): string {
  let query = parseUrl(uri).query;
  for (let i = 0; i < 10 && unquote(query) !== query; i++) query = unquote(query);
  if (query.includes('..')) throw invalid('Invalid query string');
  return resolveUriIfLocal(uri);
}
