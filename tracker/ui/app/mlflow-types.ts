/** MLflow REST shapes the dashboard reads (as MLflow documents them; optional where servers omit empties). */

/** `{key, value}` pair of params and tags. */
export interface KeyValue {
  key: string;
  value: string;
}

/** One metric point. */
export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  run_id?: string;
}

/** `RunInfo`. */
export interface RunInfo {
  run_id: string;
  run_name?: string;
  experiment_id: string;
  user_id?: string;
  status: 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
  start_time?: number;
  end_time?: number;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

/** `Run`: info plus data (latest metrics, params, tags). */
export interface Run {
  info: RunInfo;
  data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
  inputs?: { dataset_inputs?: { dataset: { name: string; digest: string; source_type?: string; source?: string } }[] };
}

/** `Experiment`. */
export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  last_update_time?: number;
  creation_time?: number;
  tags?: KeyValue[];
}

/** edgeflow's `experiments/stats` row: active runs and the newest run's start. */
export interface ExperimentStats {
  experiment_id: string;
  run_count: number;
  last_run_start_time?: number;
}

/** `RegisteredModelAlias`. */
export interface Alias {
  alias: string;
  version: string;
}

/** `ModelVersion`. */
export interface ModelVersion {
  name: string;
  version: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  user_id?: string;
  current_stage?: string;
  description?: string;
  source?: string;
  run_id?: string;
  status?: string;
  tags?: KeyValue[];
  aliases?: string[];
}

/** `RegisteredModel`. */
export interface RegisteredModel {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: ModelVersion[];
  tags?: KeyValue[];
  aliases?: Alias[];
}

/** `FileInfo` of artifacts/list. */
export interface FileInfo {
  path: string;
  is_dir?: boolean;
  file_size?: number;
}

/** edgeflow's pointer (contracts/pointer.ts), as `deployments/get` returns it. */
export interface PointerView {
  model: string;
  version: string;
  promotedAt?: string;
  previous?: string;
  canary?: { version: string; weight: number };
  shadow?: { version: string };
}

/** One row of the deployment history. */
export interface Deployment {
  model: string;
  from_version?: string | null;
  to_version: string;
  kind: string;
  actor?: string | null;
  created_at: number | string;
}
