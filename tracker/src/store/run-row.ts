import type { Row } from '@libsql/client';
import type { RunInfo } from './tracking-store.ts';

/** The `runs` columns `runInfoOf` reads, in the order of a `SELECT` or `RETURNING` list. */
export const RUN_COLUMNS =
  'run_uuid, experiment_id, name, user_id, status, start_time, end_time, lifecycle_stage, artifact_uri';

/** A run's info from a row of `RUN_COLUMNS`, as MLflow answers it (no `end_time` until it has one). */
export function runInfoOf(row: Row): RunInfo {
  const info: RunInfo = {
    run_id: row.run_uuid as string,
    run_uuid: row.run_uuid as string,
    run_name: row.name as string,
    experiment_id: String(row.experiment_id),
    user_id: row.user_id as string,
    status: row.status as RunInfo['status'],
    start_time: Number(row.start_time),
    artifact_uri: row.artifact_uri as string,
    lifecycle_stage: row.lifecycle_stage as RunInfo['lifecycle_stage'],
  };
  if (row.end_time !== null) info.end_time = Number(row.end_time);
  return info;
}

/** Sorts tags (or params) by key as SQLite's default collation does: by UTF-8 bytes, not UTF-16 units. */
export function byKey<T extends { key: string }>(items: T[]): T[] {
  return items
    .map((item) => ({ item, bytes: Buffer.from(item.key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((x) => x.item);
}
