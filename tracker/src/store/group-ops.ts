import type { Metric, Param, RunStatus, Tag } from './entities.ts';

/** The tag that holds a run's name (kept equal to the run's `name` column). */
export const RUN_NAME_TAG = 'mlflow.runName';

/** One logging request: a run's metrics, params and tags (keys already checked unique). */
export interface RunWrite {
  runId: string;
  metrics: Metric[];
  params: Param[];
  tags: Tag[];
}

/** A run to create, every field decided by the caller (tags unique, `mlflow.runName` among them). */
export interface NewRun {
  runId: string;
  experimentId: number;
  name: string;
  userId: string;
  startTime: number;
  tags: Tag[];
}

/** `runs/update`: absent fields are left as they are. */
export interface RunChange {
  runId: string;
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

/** A request of a commit group, as `groupStatements` writes it. */
export type GroupOp =
  | { kind: 'log'; write: RunWrite }
  | { kind: 'create'; run: NewRun; artifactUri: string }
  | { kind: 'update'; change: RunChange };
