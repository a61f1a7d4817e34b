import type { Client } from '@libsql/client';
import { invalid } from '../errors.ts';
import { pythonJson, pythonStr } from '../python-values.ts';
import { requireActiveRun } from './guards.ts';

/** The run tag MLflow's UI reads a run's logged models from. */
export const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

const MANDATORY = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'] as const;

/** MLflow's limit on a run tag's value (`MAX_TAG_VAL_LENGTH`), which the history is held to. */
const TAG_VALUE_LIMIT = 5000;

/**
 * runs/log-model's `model_json`, checked as MLflow's server checks it: a JSON object with
 * `artifact_path`, `flavors`, `utc_time_created` and `run_id` (INVALID_PARAMETER_VALUE otherwise, in
 * MLflow's words).
 */
export function parseModelJson(modelJson: string): Record<string, unknown> {
  let model: unknown;
  try {
    model = JSON.parse(modelJson);
  } catch {
    model = undefined;
  }
  if (model === null || typeof model !== 'object' || Array.isArray(model)) {
    throw invalid(`Malformed model info. \n ${modelJson} \n is not a valid JSON.`);
  }
  const missing = MANDATORY.filter((k) => !(k in model));
  if (missing.length) {
    throw invalid(`Model json is missing mandatory fields: {${missing.map((k) => `'${k}'`).join(', ')}}`);
  }
  return model as Record<string, unknown>;
}

/**
 * runs/log-model: appends the model, as MLflow's `Model.from_dict(...).to_dict()` has it, to the run's
 * `mlflow.log-model.history` tag (a JSON list written as Python's `json.dumps` writes it). The run must
 * be active; a history past the tag value limit is refused as MLflow refuses it.
 */
export async function recordLoggedModel(client: Client, runId: string, model: Record<string, unknown>): Promise<void> {
  await requireActiveRun(client, runId);
  const { rows } = await client.execute({
    sql: 'SELECT value FROM tags WHERE run_uuid = ? AND key = ?',
    args: [runId, LOGGED_MODELS_TAG],
  });
  let history: unknown[] = [];
  if (rows[0]) {
    const previous = parseList(String(rows[0].value));
    if (!previous) throw invalid(`The run ${runId} has a ${LOGGED_MODELS_TAG} tag that is not a JSON list.`);
    history = previous;
  }
  const value = pythonJson([...history, modelDict(model)]);
  if (value.length > TAG_VALUE_LIMIT) {
    throw invalid(
      `Tag value '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${TAG_VALUE_LIMIT}`,
    );
  }
  await client.execute({
    sql:
      'INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) ' +
      'ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value',
    args: [runId, LOGGED_MODELS_TAG, value],
  });
}

function parseList(text: string): unknown[] | null {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** What MLflow's `Model.from_dict(model).to_dict()` gives: its fields in its order, absent ones as null. */
function modelDict(model: Record<string, unknown>): Record<string, unknown> {
  const {
    run_id,
    artifact_path,
    utc_time_created,
    flavors,
    signature,
    saved_input_example_info,
    model_uuid,
    mlflow_version,
    metadata,
    model_size_bytes,
    ...rest
  } = model;
  const out: Record<string, unknown> = {};
  if (run_id) Object.assign(out, { run_id, artifact_path });
  out.utc_time_created = utc_time_created ? pythonStr(utc_time_created) : utcNow();
  out.flavors = flavors ?? {};
  out.signature = signature ?? null;
  out.saved_input_example_info = saved_input_example_info ?? null;
  out.model_uuid = model_uuid ?? null;
  if (mlflow_version !== undefined && mlflow_version !== null) out.mlflow_version = mlflow_version;
  out.metadata = metadata ?? null;
  out.model_size_bytes = model_size_bytes ?? null;
  for (const [k, v] of Object.entries(rest)) if (!k.startsWith('_')) out[k] = v;
  return out;
}

/** Python's `str(datetime.utcnow())`: `2024-01-31 12:00:00.123000`. */
function utcNow(): string {
  return `${new Date().toISOString().replace('T', ' ').slice(0, -1)}000`;
}
