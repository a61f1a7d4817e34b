import type { Client, InStatement, ResultSet, Row } from '@libsql/client';
import type { DatasetInput, Run, RunInfo } from './tracking-store.ts';
import { VALUE_TEXT } from './value-sql.ts';

/**
 * Whole runs (info, latest metrics, params, tags, dataset inputs) for a list of run ids, in the order
 * given, read in one batch of six queries whatever the number of runs. SQLite builds each answer as
 * one JSON array (turning thousands of rows into JS row objects costs more than the queries); the ids
 * go in as one JSON argument. Ids with no run are left out.
 */
export async function hydrateRuns(client: Client, runIds: string[]): Promise<Run[]> {
  if (!runIds.length) return [];
  const ids = JSON.stringify(runIds);
  const q = (columns: string, table: string, order: string): InStatement => ({
    sql:
      `SELECT json_group_array(json_array(${columns})) AS j FROM ` +
      `(SELECT t.* FROM json_each(?) i JOIN ${table} t ON t.run_uuid = i.value ORDER BY ${order})`,
    args: [ids],
  });
  const [runRows, metricRows, paramRows, tagRows, inputRows, inputTagRows] = await client.batch(
    [
      q(
        'run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri',
        'runs',
        't.run_uuid',
      ),
      q(`run_uuid, key, ${VALUE_TEXT}, timestamp, step`, 'latest_metrics', 't.run_uuid, t.key'),
      q('run_uuid, key, value', 'params', 't.run_uuid, t.key'),
      q('run_uuid, key, value', 'tags', 't.run_uuid, t.key'),
      ...inputStatements(runIds),
    ],
    'read',
  );
  const runs = new Map<string, Run>();
  for (const r of json(runRows!)) {
    const info: RunInfo = {
      run_id: r[0],
      run_uuid: r[0],
      run_name: r[2],
      experiment_id: String(r[1]),
      user_id: r[3],
      status: r[4],
      start_time: r[5],
      artifact_uri: r[8],
      lifecycle_stage: r[7],
    };
    if (r[6] !== null) info.end_time = r[6];
    runs.set(r[0], { info, data: { metrics: [], params: [], tags: [] }, inputs: { dataset_inputs: [] } });
  }
  for (const m of json(metricRows!)) {
    runs.get(m[0])?.data.metrics.push({ key: m[1], value: Number(m[2]), timestamp: m[3], step: m[4] });
  }
  for (const p of json(paramRows!)) runs.get(p[0])?.data.params.push({ key: p[1], value: p[2] });
  for (const t of json(tagRows!)) runs.get(t[0])?.data.tags.push({ key: t[1], value: t[2] });
  for (const [runId, list] of groupInputs(inputRows!.rows, inputTagRows!.rows)) {
    const run = runs.get(runId);
    if (run) run.inputs.dataset_inputs = list;
  }
  return runIds.flatMap((id) => {
    const run = runs.get(id);
    return run ? [run] : [];
  });
}

/** The rows of a `json_group_array` answer (their shapes are fixed by the queries above). */
// biome-ignore lint/suspicious/noExplicitAny: rows of fixed query shapes, read positionally
function json(result: ResultSet): any[][] {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return JSON.parse(String(result.rows[0]?.j ?? '[]')) as any[][];
}

function inputStatements(runIds: string[]): InStatement[] {
  const marks = runIds.map(() => '?').join(', ');
  return [
    {
      sql:
        'SELECT i.run_uuid, i.dataset_uuid, d.name, d.digest, d.source_type, d.source, d.schema, d.profile ' +
        `FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid WHERE i.run_uuid IN (${marks}) ` +
        'ORDER BY i.run_uuid, i.position',
      args: runIds,
    },
    {
      sql: `SELECT run_uuid, dataset_uuid, key, value FROM run_input_tags WHERE run_uuid IN (${marks}) ORDER BY run_uuid, dataset_uuid, key`,
      args: runIds,
    },
  ];
}

function groupInputs(inputRows: Row[], tagRows: Row[]): Map<string, DatasetInput[]> {
  const tags = new Map<string, { key: string; value: string }[]>();
  for (const t of tagRows) {
    const id = `${String(t.run_uuid)}/${String(t.dataset_uuid)}`;
    let list = tags.get(id);
    if (!list) tags.set(id, (list = []));
    list.push({ key: String(t.key), value: String(t.value) });
  }
  const out = new Map<string, DatasetInput[]>();
  for (const r of inputRows) {
    const runId = String(r.run_uuid);
    let list = out.get(runId);
    if (!list) out.set(runId, (list = []));
    const dataset: DatasetInput['dataset'] = {
      name: String(r.name),
      digest: String(r.digest),
      source_type: String(r.source_type),
      source: String(r.source),
    };
    if (r.schema !== null) dataset.schema = String(r.schema);
    if (r.profile !== null) dataset.profile = String(r.profile);
    list.push({ tags: tags.get(`${runId}/${String(r.dataset_uuid)}`) ?? [], dataset });
  }
  return out;
}
