import type { Client } from '@libsql/client';
import { RUN_COLUMNS, runInfoOf } from './run-row.ts';
import type { DatasetInput, Run } from './tracking-store.ts';
import { VALUE_TEXT } from './value-sql.ts';

/** `SELECT json_group_array(json_array(columns))` over one run's rows of a table, in `order`. */
const list = (columns: string, from: string, order: string) =>
  `(SELECT json_group_array(json_array(${columns})) FROM (SELECT * FROM ${from} ORDER BY ${order}))`;

/**
 * One run as a single statement (a consistent snapshot without a transaction): the run's row with its
 * latest metrics, params, tags and dataset inputs as JSON arrays SQLite builds, each in key order.
 */
const READ_RUN =
  `SELECT ${RUN_COLUMNS}, ` +
  `${list(`key, ${VALUE_TEXT}, timestamp, step`, 'latest_metrics WHERE run_uuid = r.run_uuid', 'key')} AS metrics, ` +
  `${list('key, value', 'params WHERE run_uuid = r.run_uuid', 'key')} AS params, ` +
  `${list('key, value', 'tags WHERE run_uuid = r.run_uuid', 'key')} AS tags, ` +
  `CASE WHEN EXISTS (SELECT 1 FROM run_inputs WHERE run_uuid = r.run_uuid) THEN ` +
  `${list(
    'dataset_uuid, name, digest, source_type, source, schema, profile',
    '(SELECT i.position, d.* FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid WHERE i.run_uuid = r.run_uuid)',
    'position',
  )} END AS inputs, ` +
  `CASE WHEN EXISTS (SELECT 1 FROM run_input_tags WHERE run_uuid = r.run_uuid) THEN ` +
  `${list('dataset_uuid, key, value', 'run_input_tags WHERE run_uuid = r.run_uuid', 'dataset_uuid, key')} END AS input_tags ` +
  'FROM runs r WHERE r.run_uuid = ?';

/** Reads one whole run (what `runs/get` answers), or undefined when there is none. */
export async function readRun(client: Client, runId: string): Promise<Run | undefined> {
  const { rows } = await client.execute({ sql: READ_RUN, args: [runId] });
  const row = rows[0];
  if (!row) return undefined;
  const metrics = JSON.parse(row.metrics as string) as [string, string, number, number][];
  const params = JSON.parse(row.params as string) as [string, string][];
  const tags = JSON.parse(row.tags as string) as [string, string][];
  return {
    info: runInfoOf(row),
    data: {
      metrics: metrics.map(([key, value, timestamp, step]) => ({ key, value: Number(value), timestamp, step })),
      params: params.map(([key, value]) => ({ key, value })),
      tags: tags.map(([key, value]) => ({ key, value })),
    },
    inputs: {
      dataset_inputs: row.inputs === null ? [] : datasetInputs(row.inputs as string, row.input_tags as string | null),
    },
  };
}

function datasetInputs(inputs: string, inputTags: string | null): DatasetInput[] {
  const tags = new Map<string, { key: string; value: string }[]>();
  for (const [id, key, value] of JSON.parse(inputTags ?? '[]') as [string, string, string][]) {
    let l = tags.get(id);
    if (!l) tags.set(id, (l = []));
    l.push({ key, value });
  }
  const rows = JSON.parse(inputs) as [string, string, string, string, string, string | null, string | null][];
  return rows.map(([id, name, digest, source_type, source, schema, profile]) => {
    const dataset: DatasetInput['dataset'] = { name, digest, source_type, source };
    if (schema !== null) dataset.schema = schema;
    if (profile !== null) dataset.profile = profile;
    return { tags: tags.get(id) ?? [], dataset };
  });
}
