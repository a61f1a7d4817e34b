import type { Client, InStatement } from '@libsql/client';
import { invalid } from '../errors.ts';
import type { ModelVersion } from './entities.ts';
import { parseVersion, requireModel, requireVersion } from './guards.ts';
import { getModelVersion } from './model-versions.ts';

/** The statement pointing `alias` of a model at `version` (creating or moving the alias). */
export function upsertAlias(name: string, alias: string, version: number): InStatement {
  return {
    sql:
      'INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?) ' +
      'ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version',
    args: [name, alias, version],
  };
}

/** registered-models/alias (POST): the version must exist. */
export async function setAlias(client: Client, name: string, alias: string, version: string): Promise<void> {
  const v = parseVersion(version);
  await requireVersion(client, name, v);
  await client.execute(upsertAlias(name, alias, v));
}

/** registered-models/alias (DELETE): the model must exist; an absent alias is no error. */
export async function deleteAlias(client: Client, name: string, alias: string): Promise<void> {
  await requireModel(client, name);
  await client.execute({
    sql: 'DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?',
    args: [name, alias],
  });
}

/**
 * registered-models/alias (GET): the version an alias names; INVALID_PARAMETER_VALUE when there is no
 * such alias (or model), as MLflow answers.
 */
export async function getModelVersionByAlias(client: Client, name: string, alias: string): Promise<ModelVersion> {
  const { rows } = await client.execute({
    sql: 'SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?',
    args: [name, alias],
  });
  if (!rows[0]) throw invalid(`Registered model alias ${alias} not found.`);
  return getModelVersion(client, name, String(rows[0].version));
}
