import { randomUUID } from 'node:crypto';
import type { InStatement } from '@libsql/client';
import { invalid, notFound } from '../errors.ts';
import { encodePageToken } from '../search/page-token.ts';
import { RUN_SEARCH } from '../search/search-spec.ts';
import { hydrateRuns } from './run-hydrate.ts';
import { compileRunSearch } from './search/run-search-sql.ts';
import { parseSearch } from './search/sql-compare.ts';
import type { StoreContext } from './store-context.ts';
import type { DatasetInput, Run, SearchInput, SearchPage, ViewType } from './tracking-store.ts';

/** runs/search: one query for the page's run ids (see `compileRunSearch`), one batch for their data. */
export async function searchRuns(
  { client }: StoreContext,
  input: SearchInput & { experiment_ids: string[]; run_view_type: ViewType },
): Promise<SearchPage<Run>> {
  const { filter, orderBy, offset } = parseSearch(RUN_SEARCH, input);
  const experimentIds = input.experiment_ids.filter((id) => /^\d{1,15}$/.test(id)).map(Number);
  if (!experimentIds.length) return { items: [] };
  const { sql, args } = compileRunSearch({
    experimentIds,
    viewType: input.run_view_type,
    filter,
    orderBy,
    limit: input.max_results + 1,
    offset,
  });
  const { rows } = await client.execute({ sql, args });
  const ids = rows.slice(0, input.max_results).map((r) => String(r.run_uuid));
  const items = await hydrateRuns(client, ids);
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(offset + input.max_results) }
    : { items };
}

async function runStage({ client }: StoreContext, runId: string): Promise<{ stage: string; experimentId: number }> {
  const { rows } = await client.execute({
    sql: 'SELECT lifecycle_stage, experiment_id FROM runs WHERE run_uuid = ?',
    args: [runId],
  });
  if (!rows[0]) throw notFound(`Run with id=${runId} not found`);
  return { stage: String(rows[0].lifecycle_stage), experimentId: Number(rows[0].experiment_id) };
}

async function activeRun(ctx: StoreContext, runId: string): Promise<{ experimentId: number }> {
  const run = await runStage(ctx, runId);
  if (run.stage !== 'active')
    throw invalid(`The run ${runId} must be in the 'active' state. Current state is ${run.stage}.`);
  return run;
}

/** runs/delete: marks the run deleted (kept for restore). */
export async function deleteRun(ctx: StoreContext, runId: string): Promise<void> {
  await runStage(ctx, runId);
  await ctx.client.execute({
    sql: "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = coalesce(deleted_time, ?) WHERE run_uuid = ?",
    args: [Date.now(), runId],
  });
}

/** runs/restore: a deleted run becomes active; its experiment must be active. */
export async function restoreRun(ctx: StoreContext, runId: string): Promise<void> {
  const run = await runStage(ctx, runId);
  const { rows } = await ctx.client.execute({
    sql: 'SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?',
    args: [run.experimentId],
  });
  if (rows[0]?.lifecycle_stage !== 'active') {
    throw invalid(
      `Cannot restore run ${runId}: its experiment ${run.experimentId} is deleted; restore the experiment instead.`,
    );
  }
  await ctx.client.execute({
    sql: "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?",
    args: [runId],
  });
}

/** runs/delete-tag: the tag must exist on an active run. */
export async function deleteTag(ctx: StoreContext, runId: string, key: string): Promise<void> {
  await activeRun(ctx, runId);
  const { rowsAffected } = await ctx.client.execute({
    sql: 'DELETE FROM tags WHERE run_uuid = ? AND key = ?',
    args: [runId, key],
  });
  if (!rowsAffected) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
}

/**
 * runs/log-inputs: each dataset is stored once per experiment (by name and digest); a run's input of
 * a dataset it already has is left as it is (MLflow's rule), new ones get their tags. All or nothing.
 */
export async function logInputs(ctx: StoreContext, runId: string, inputs: DatasetInput[]): Promise<void> {
  const { experimentId } = await activeRun(ctx, runId);
  if (!inputs.length) return;
  const unique = new Map<string, DatasetInput>();
  for (const input of inputs) {
    const id = JSON.stringify([input.dataset.name, input.dataset.digest]);
    if (!unique.has(id)) unique.set(id, input);
  }
  const { rows: existing } = await ctx.client.execute({
    sql: `SELECT dataset_uuid, name, digest FROM datasets WHERE experiment_id = ? AND (${[...unique.values()].map(() => '(name = ? AND digest = ?)').join(' OR ')})`,
    args: [experimentId, ...[...unique.values()].flatMap((i) => [i.dataset.name, i.dataset.digest])],
  });
  const known = new Map(
    existing.map((r) => [JSON.stringify([String(r.name), String(r.digest)]), String(r.dataset_uuid)]),
  );
  const { rows: positionRows } = await ctx.client.execute({
    sql: 'SELECT coalesce(max(position), -1) AS top, group_concat(dataset_uuid) AS ids FROM run_inputs WHERE run_uuid = ?',
    args: [runId],
  });
  const already = new Set(
    String(positionRows[0]?.ids ?? '')
      .split(',')
      .filter(Boolean),
  );
  let position = Number(positionRows[0]?.top ?? -1);
  const stmts: InStatement[] = [];
  for (const [id, input] of unique) {
    let datasetUuid = known.get(id);
    if (!datasetUuid) {
      datasetUuid = randomUUID().replaceAll('-', '');
      const d = input.dataset;
      stmts.push({
        sql: 'INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        args: [
          datasetUuid,
          experimentId,
          d.name,
          d.digest,
          d.source_type,
          d.source,
          d.schema ?? null,
          d.profile ?? null,
        ],
      });
    }
    if (already.has(datasetUuid)) continue;
    stmts.push({
      sql: 'INSERT INTO run_inputs (run_uuid, dataset_uuid, position) VALUES (?, ?, ?)',
      args: [runId, datasetUuid, ++position],
    });
    const tags = new Map(input.tags.map((t) => [t.key, t.value]));
    for (const [key, value] of tags) {
      stmts.push({
        sql: 'INSERT INTO run_input_tags (run_uuid, dataset_uuid, key, value) VALUES (?, ?, ?, ?)',
        args: [runId, datasetUuid, key, value],
      });
    }
  }
  if (stmts.length) await ctx.client.batch(stmts, 'write');
}
