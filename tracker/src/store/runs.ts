import { randomUUID } from 'node:crypto';
import type { Client, InStatement } from '@libsql/client';
import { encodePageToken } from '../../search/page-token.ts';
import { RUN_SEARCH } from '../../search/search-spec.ts';
import { invalid, notFound } from '../errors.ts';
import type { DatasetInput, Run, SearchPage } from './entities.ts';
import { type NewRun, RUN_NAME_TAG, type RunWrite } from './group-ops.ts';
import { experimentIdNumber, parseExperimentId, requireActiveRun, runStage } from './guards.ts';
import { runName } from './run-name.ts';
import { hydrateRuns } from './run-read.ts';
import { compileRunSearch } from './search/run-search-sql.ts';
import { parseSearch } from './search/sql-compare.ts';
import { uniqueTags } from './tag-list.ts';
import type { CreateRunInput, LogBatchInput, SearchInput, ViewType } from './tracking-store.ts';

const USER_TAG = 'mlflow.user';

/**
 * The run `runs/create` asks for, every field decided: a new id, the name from `run_name` or the
 * `mlflow.runName` tag (they must agree) or a generated one, kept as that tag; the user from `user_id`
 * or the `mlflow.user` tag. The experiment is checked when the run is written.
 */
export function newRun(input: CreateRunInput): NewRun {
  const experimentId = parseExperimentId(input.experiment_id);
  const tags = uniqueTags(input.tags ?? []);
  const tagName = tags.find((t) => t.key === RUN_NAME_TAG)?.value;
  if (input.run_name && tagName !== undefined && tagName !== input.run_name) {
    throw invalid(
      `Both 'run_name' argument and '${RUN_NAME_TAG}' tag are specified, but with different values ` +
        `(run_name='${input.run_name}', ${RUN_NAME_TAG}='${tagName}').`,
    );
  }
  const name = input.run_name || tagName || runName();
  return {
    runId: randomUUID().replaceAll('-', ''),
    experimentId,
    name,
    userId: input.user_id ?? tags.find((t) => t.key === USER_TAG)?.value ?? '',
    startTime: input.start_time ?? Date.now(),
    tags: [...tags.filter((t) => t.key !== RUN_NAME_TAG), { key: RUN_NAME_TAG, value: name }],
  };
}

/** The write `runs/log-batch` asks for, or undefined when it holds nothing; a key given twice is INVALID_PARAMETER_VALUE. */
export function runWrite(runId: string, input: LogBatchInput): RunWrite | undefined {
  const metrics = input.metrics ?? [];
  const params = input.params ?? [];
  const tags = input.tags ?? [];
  refuseDuplicates('param', params);
  refuseDuplicates('tag', tags);
  if (!metrics.length && !params.length && !tags.length) return undefined;
  return { runId, metrics, params, tags };
}

function refuseDuplicates(kind: 'param' | 'tag', items: { key: string }[]): void {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const { key } of items) (seen.has(key) ? dup : seen).add(key);
  if (dup.size) {
    throw invalid(
      `Duplicate ${kind} keys have been submitted: [${[...dup].map((k) => `'${k}'`).join(', ')}]. ` +
        `Please ensure the request contains only one ${kind} value per ${kind} key.`,
    );
  }
}

/** runs/search: one query for the page's run ids (see `compileRunSearch`), one batch for their data. */
export async function searchRuns(
  client: Client,
  input: SearchInput & { experiment_ids: string[]; run_view_type: ViewType },
): Promise<SearchPage<Run>> {
  const { filter, orderBy, offset } = parseSearch(RUN_SEARCH, input);
  const experimentIds = input.experiment_ids.flatMap((id) => experimentIdNumber(id) ?? []);
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

/** runs/delete: marks the run deleted (kept for restore). */
export async function deleteRun(client: Client, runId: string): Promise<void> {
  await runStage(client, runId);
  await client.execute({
    sql: "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = coalesce(deleted_time, ?) WHERE run_uuid = ?",
    args: [Date.now(), runId],
  });
}

/** runs/restore: a deleted run becomes active; its experiment must be active. */
export async function restoreRun(client: Client, runId: string): Promise<void> {
  const run = await runStage(client, runId);
  const { rows } = await client.execute({
    sql: 'SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?',
    args: [run.experimentId],
  });
  if (rows[0]?.lifecycle_stage !== 'active') {
    throw invalid(
      `Cannot restore run ${runId}: its experiment ${run.experimentId} is deleted; restore the experiment instead.`,
    );
  }
  await client.execute({
    sql: "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?",
    args: [runId],
  });
}

/** runs/delete-tag: the tag must exist on an active run. */
export async function deleteTag(client: Client, runId: string, key: string): Promise<void> {
  await requireActiveRun(client, runId);
  const { rowsAffected } = await client.execute({
    sql: 'DELETE FROM tags WHERE run_uuid = ? AND key = ?',
    args: [runId, key],
  });
  if (!rowsAffected) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
}

/**
 * runs/log-inputs: each dataset is stored once per experiment (by name and digest); a run's input of
 * a dataset it already has is left as it is (MLflow's rule), new ones get their tags. All or nothing.
 */
export async function logInputs(client: Client, runId: string, inputs: DatasetInput[]): Promise<void> {
  const { experimentId } = await requireActiveRun(client, runId);
  if (!inputs.length) return;
  const unique = new Map<string, DatasetInput>();
  for (const input of inputs) {
    const id = JSON.stringify([input.dataset.name, input.dataset.digest]);
    if (!unique.has(id)) unique.set(id, input);
  }
  const { rows: existing } = await client.execute({
    sql: `SELECT dataset_uuid, name, digest FROM datasets WHERE experiment_id = ? AND (${[...unique.values()].map(() => '(name = ? AND digest = ?)').join(' OR ')})`,
    args: [experimentId, ...[...unique.values()].flatMap((i) => [i.dataset.name, i.dataset.digest])],
  });
  const known = new Map(
    existing.map((r) => [JSON.stringify([String(r.name), String(r.digest)]), String(r.dataset_uuid)]),
  );
  const { rows: positionRows } = await client.execute({
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
  if (stmts.length) await client.batch(stmts, 'write');
}
