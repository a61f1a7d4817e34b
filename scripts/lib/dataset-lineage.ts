import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LoggedDatasetInput } from '../../tracker/client/index.ts';
import type { ColumnProfile } from './column-types.ts';

/** MLflow's longest dataset `profile` (mlflow/utils/validation.py). */
export const MAX_PROFILE_LENGTH = 16_384;

/** What a CSV file's dataset record is built from. */
export interface CsvDataset {
  /** Where the file is (made absolute). */
  path: string;
  bytes: Uint8Array;
  /** Every column, typed (as `inferColumns` has them). */
  columns: readonly ColumnProfile[];
  /** Data rows in the file. */
  rows: number;
  /** A version id from elsewhere: a DVC `.dvc` file's md5, a lakeFS commit id. */
  datasetDigest?: string;
}

/**
 * The log-inputs record of a CSV file a run trained on, as MLflow's client sends one: `name` (the
 * file's name), `digest` (the first 16 hex digits of its sha256: the same file is one dataset),
 * `source_type` `local` and `source` `{"uri", "sha256"[, "dataset_digest"]}`, `schema` in MLflow's
 * `mlflow_colspec` form (numeric columns `double`, the others `string`; `required` when no cell is
 * missing), and `profile` `{"num_rows", "num_elements", "missing_cells"}` (with the missing cells per
 * column while it fits MLflow's 16 KB), tagged `mlflow.data.context=training`.
 */
export function csvDatasetInput(data: CsvDataset): LoggedDatasetInput {
  const sha256 = createHash('sha256').update(data.bytes).digest('hex');
  const missing = data.columns.reduce((n, c) => n + c.missing, 0);
  const profile: Record<string, unknown> = {
    num_rows: data.rows,
    num_elements: data.rows * data.columns.length,
    missing_cells: missing,
  };
  const byColumn = Object.fromEntries(data.columns.filter((c) => c.missing).map((c) => [c.name, c.missing]));
  if (missing && JSON.stringify({ ...profile, missing_by_column: byColumn }).length <= MAX_PROFILE_LENGTH) {
    profile.missing_by_column = byColumn;
  }
  const path = resolve(data.path);
  return {
    tags: [{ key: 'mlflow.data.context', value: 'training' }],
    dataset: {
      name: basename(path),
      digest: sha256.slice(0, 16),
      source_type: 'local',
      source: JSON.stringify({
        uri: pathToFileURL(path).href,
        sha256,
        ...(data.datasetDigest ? { dataset_digest: data.datasetDigest } : {}),
      }),
      schema: JSON.stringify({
        mlflow_colspec: data.columns.map((c) => ({
          type: c.kind === 'numeric' ? 'double' : 'string',
          name: c.name,
          required: c.missing === 0,
        })),
      }),
      profile: JSON.stringify(profile),
    },
  };
}
