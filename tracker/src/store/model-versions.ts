import type { Client, InStatement, Row } from '@libsql/client';
import { encodePageToken } from '../../search/page-token.ts';
import { MODEL_VERSION_SEARCH } from '../../search/search-spec.ts';
import { invalid, MlflowError, notFound } from '../errors.ts';
import type { ModelVersion, ModelVersionStatus, SearchPage, Stage, Tag } from './entities.ts';
import { modelNotFound, parseVersion, requireVersion, versionNotFound } from './guards.ts';
import { rows as valueRows } from './placeholders.ts';
import { direction, filterConditions, parseSearch, type SqlArg } from './search/sql-compare.ts';
import { uniqueTags } from './tag-list.ts';
import type { CreateModelVersionInput, SearchInput } from './tracking-store.ts';

/** A model version's key as stored. */
export interface VersionKey {
  name: string;
  version: number;
}

const COLUMNS: Record<string, string> = {
  name: 'v.name',
  version_number: 'v.version',
  run_id: 'v.run_id',
  source_path: 'v.source',
  current_stage: 'v.current_stage',
  creation_timestamp: 'v.creation_time',
  last_updated_timestamp: 'v.last_updated_time',
};

/** A model version from its `model_versions` row, its tags and aliases (empty optional fields left out). */
function modelVersionOf(row: Row, tags: Tag[], aliases: string[]): ModelVersion {
  const mv: ModelVersion = {
    name: String(row.name),
    version: String(row.version),
    creation_timestamp: Number(row.creation_time),
    last_updated_timestamp: Number(row.last_updated_time),
    current_stage: String(row.current_stage),
    source: String(row.source),
    status: row.status as ModelVersionStatus,
    tags,
    aliases,
  };
  if (row.description) mv.description = String(row.description);
  if (row.user_id) mv.user_id = String(row.user_id);
  if (row.run_id) mv.run_id = String(row.run_id);
  if (row.run_link) mv.run_link = String(row.run_link);
  if (row.status_message) mv.status_message = String(row.status_message);
  return mv;
}

/** Model versions with their tags and aliases, in the order given, in one batch; keys with no version are left out. */
export async function hydrateModelVersions(client: Client, keys: readonly VersionKey[]): Promise<ModelVersion[]> {
  if (!keys.length) return [];
  const cond = keys.map(() => '(name = ? AND version = ?)').join(' OR ');
  const args = keys.flatMap((k) => [k.name, k.version]);
  const [rows, tags, aliases] = await client.batch(
    [
      { sql: `SELECT * FROM model_versions WHERE ${cond}`, args },
      { sql: `SELECT name, version, key, value FROM model_version_tags WHERE ${cond} ORDER BY key`, args },
      { sql: `SELECT name, version, alias FROM registered_model_aliases WHERE ${cond} ORDER BY alias`, args },
    ],
    'read',
  );
  const id = (name: unknown, version: unknown) => `${String(version)}/${String(name)}`;
  const tagsOf = new Map<string, Tag[]>();
  for (const t of tags!.rows) {
    const key = id(t.name, t.version);
    let list = tagsOf.get(key);
    if (!list) tagsOf.set(key, (list = []));
    list.push({ key: String(t.key), value: String(t.value) });
  }
  const aliasesOf = new Map<string, string[]>();
  for (const a of aliases!.rows) {
    const key = id(a.name, a.version);
    let list = aliasesOf.get(key);
    if (!list) aliasesOf.set(key, (list = []));
    list.push(String(a.alias));
  }
  const byId = new Map(rows!.rows.map((r) => [id(r.name, r.version), r]));
  return keys.flatMap((k) => {
    const key = id(k.name, k.version);
    const row = byId.get(key);
    return row ? [modelVersionOf(row, tagsOf.get(key) ?? [], aliasesOf.get(key) ?? [])] : [];
  });
}

/** model-versions/get. */
export async function getModelVersion(client: Client, name: string, version: string): Promise<ModelVersion> {
  const [mv] = await hydrateModelVersions(client, [{ name, version: parseVersion(version) }]);
  if (!mv) throw versionNotFound(name, version);
  return mv;
}

/**
 * model-versions/create in the database: the next number (never one a deleted version had), recorded as
 * PENDING_REGISTRATION until `completeModelVersion`. The model must exist; the run need not be on this
 * tracker (MLflow's server does not look it up either).
 */
export async function createModelVersion(client: Client, input: CreateModelVersionInput): Promise<ModelVersion> {
  const tags = uniqueTags(input.tags ?? []);
  const { rows } = await client.execute({
    sql:
      'SELECT max(last_version, coalesce((SELECT max(version) FROM model_versions WHERE name = ?1), 0)) + 1 AS next ' +
      'FROM registered_models WHERE name = ?1',
    args: [input.name],
  });
  if (!rows[0]) throw modelNotFound(input.name);
  const next = Number(rows[0].next);
  const now = Date.now();
  const stmts: InStatement[] = [
    {
      sql:
        'INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, source, run_id, run_link, status) ' +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING_REGISTRATION')",
      args: [
        input.name,
        next,
        now,
        now,
        input.description ?? '',
        input.source,
        input.run_id || null,
        input.run_link || null,
      ],
    },
    {
      sql: 'UPDATE registered_models SET last_updated_time = ?, last_version = ? WHERE name = ?',
      args: [now, next, input.name],
    },
  ];
  if (tags.length) {
    stmts.push({
      sql: `INSERT INTO model_version_tags (name, version, key, value) VALUES ${valueRows(tags.length, 4)}`,
      args: tags.flatMap((t) => [input.name, next, t.key, t.value]),
    });
  }
  await client.batch(stmts, 'write');
  return getModelVersion(client, input.name, String(next));
}

/** Marks a version READY with the number of files it holds. */
export async function completeModelVersion(
  client: Client,
  name: string,
  version: string,
  fileCount: number,
): Promise<ModelVersion> {
  await client.execute({
    sql: "UPDATE model_versions SET status = 'READY', file_count = ?, last_updated_time = ? WHERE name = ? AND version = ?",
    args: [fileCount, Date.now(), name, parseVersion(version)],
  });
  return getModelVersion(client, name, version);
}

/** Removes a version whose registration failed (only while it is PENDING_REGISTRATION). */
export async function discardModelVersion(client: Client, name: string, version: string): Promise<void> {
  await client.execute({
    sql: "DELETE FROM model_versions WHERE name = ? AND version = ? AND status = 'PENDING_REGISTRATION'",
    args: [name, parseVersion(version)],
  });
}

/** One page of model-versions/search (default order: last updated first, then name, newest version). */
export async function searchModelVersions(client: Client, input: SearchInput): Promise<SearchPage<ModelVersion>> {
  const { filter, orderBy, offset } = parseSearch(MODEL_VERSION_SEARCH, input);
  const args: SqlArg[] = [];
  const where = [
    "v.status != 'PENDING_REGISTRATION'",
    ...filterConditions(
      filter,
      COLUMNS,
      { table: 'model_version_tags', join: 'f.name = v.name AND f.version = v.version' },
      args,
    ),
  ];
  const order = orderBy.map((o) => `${COLUMNS[o.key]!} ${direction(o)}`);
  if (!orderBy.length) order.push('v.last_updated_time DESC');
  if (!orderBy.some((o) => o.key === 'name')) order.push('v.name ASC');
  if (!orderBy.some((o) => o.key === 'version_number')) order.push('v.version DESC');
  const { rows } = await client.execute({
    sql: `SELECT v.name, v.version FROM model_versions v WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`,
    args: [...args, input.max_results + 1, offset],
  });
  const items = await hydrateModelVersions(
    client,
    rows.slice(0, input.max_results).map((r) => ({ name: String(r.name), version: Number(r.version) })),
  );
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(offset + input.max_results) }
    : { items };
}

/** model-versions/update: the description. */
export async function updateModelVersion(
  client: Client,
  name: string,
  version: string,
  description: string,
): Promise<ModelVersion> {
  const v = parseVersion(version);
  await requireVersion(client, name, v);
  await client.execute({
    sql: 'UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?',
    args: [description, Date.now(), name, v],
  });
  return getModelVersion(client, name, version);
}

/** model-versions/delete (tags and aliases go with it; the number is never reused). */
export async function deleteModelVersion(client: Client, name: string, version: string): Promise<void> {
  const v = parseVersion(version);
  await requireVersion(client, name, v);
  const now = Date.now();
  await client.batch(
    [
      { sql: 'DELETE FROM model_versions WHERE name = ? AND version = ?', args: [name, v] },
      { sql: 'UPDATE registered_models SET last_updated_time = ? WHERE name = ?', args: [now, name] },
    ],
    'write',
  );
}

/** model-versions/transition-stage; see `TrackingStore.transitionModelVersionStage`. */
export async function transitionModelVersionStage(
  client: Client,
  name: string,
  version: string,
  stage: Stage,
  archiveExisting: boolean,
  protectedVersion?: string,
): Promise<ModelVersion> {
  const v = parseVersion(version);
  await requireVersion(client, name, v);
  const archiving = archiveExisting && (stage === 'Staging' || stage === 'Production');
  if (archiveExisting && !archiving) {
    throw invalid(
      `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ['Staging', 'Production']`,
    );
  }
  if (archiving && protectedVersion !== undefined && protectedVersion !== version) {
    const { rows } = await client.execute({
      sql: 'SELECT 1 FROM model_versions WHERE name = ? AND version = ? AND current_stage = ?',
      args: [name, Number(protectedVersion), stage],
    });
    if (rows.length) {
      throw new MlflowError(
        'INVALID_STATE',
        `Archiving the ${stage} versions of model ${name} would archive version ${protectedVersion}, which is live at the edge. ` +
          'Promote the new version to Production instead, or roll back first.',
      );
    }
  }
  const now = Date.now();
  const stmts: InStatement[] = [
    {
      sql: 'UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?',
      args: [stage, now, name, v],
    },
    { sql: 'UPDATE registered_models SET last_updated_time = ? WHERE name = ?', args: [now, name] },
  ];
  if (archiving) {
    stmts.push({
      sql: "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ? WHERE name = ? AND version != ? AND current_stage = ?",
      args: [now, name, v, stage],
    });
  }
  await client.batch(stmts, 'write');
  return getModelVersion(client, name, version);
}

/** model-versions/set-tag. */
export async function setModelVersionTag(
  client: Client,
  name: string,
  version: string,
  key: string,
  value: string,
): Promise<void> {
  const v = parseVersion(version);
  await requireVersion(client, name, v);
  await client.execute({
    sql:
      'INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value',
    args: [name, v, key, value],
  });
}

/** model-versions/delete-tag: the tag must exist. */
export async function deleteModelVersionTag(client: Client, name: string, version: string, key: string): Promise<void> {
  const v = parseVersion(version);
  await requireVersion(client, name, v);
  const { rowsAffected } = await client.execute({
    sql: 'DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?',
    args: [name, v, key],
  });
  if (!rowsAffected) throw notFound(`Model version tag with name=${name}, version=${version}, key=${key} not found`);
}
