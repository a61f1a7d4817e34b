import type { InStatement, Row } from '@libsql/client';
import { alreadyExists, invalid, MlflowError, notFound } from '../errors.ts';
import { encodePageToken } from '../search/page-token.ts';
import { MODEL_VERSION_SEARCH, REGISTERED_MODEL_SEARCH } from '../search/search-spec.ts';
import { direction, filterConditions, parseSearch, type SqlArg } from './search/sql-compare.ts';
import type { StoreContext } from './store-context.ts';
import { type ModelVersion, type SearchInput, type SearchPage, STAGES, type Stage } from './tracking-store.ts';

/** Every stage name MLflow accepts, case-insensitively, → its canonical spelling. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (!found) throw invalid(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`);
  return found;
}

function versionNumber(version: string): number {
  if (!/^[1-9]\d{0,14}$/.test(version))
    throw invalid(`Parameter 'version' must be a positive integer, got '${version}'.`);
  return Number(version);
}

async function requireModel({ client }: StoreContext, name: string): Promise<void> {
  const { rows } = await client.execute({ sql: 'SELECT 1 FROM registered_models WHERE name = ?', args: [name] });
  if (!rows.length) throw notFound(`Registered Model with name=${name} not found`);
}

async function requireVersion(ctx: StoreContext, name: string, version: string): Promise<Row> {
  const v = versionNumber(version);
  await requireModel(ctx, name);
  const { rows } = await ctx.client.execute({
    sql: 'SELECT * FROM model_versions WHERE name = ? AND version = ?',
    args: [name, v],
  });
  if (!rows[0]) throw notFound(`Model Version (name=${name}, version=${version}) not found`);
  return rows[0];
}

// ---- registered models ---------------------------------------------------------------------------

const MODEL_COLUMNS: Record<string, string> = {
  name: 'm.name',
  creation_timestamp: 'm.creation_time',
  last_updated_timestamp: 'm.last_updated_time',
};

/** Names of one page of registered-models/search (default order: name ascending). */
export async function searchRegisteredModelNames(
  { client }: StoreContext,
  input: SearchInput,
): Promise<SearchPage<string>> {
  const { filter, orderBy, offset } = parseSearch(REGISTERED_MODEL_SEARCH, input);
  const args: SqlArg[] = [];
  const where = [
    '1 = 1',
    ...filterConditions(filter, MODEL_COLUMNS, { table: 'registered_model_tags', join: 'f.name = m.name' }, args),
  ];
  const order = orderBy.map((o) => `${MODEL_COLUMNS[o.key]!} ${direction(o)}`);
  if (!orderBy.some((o) => o.key === 'name')) order.push('m.name ASC');
  const { rows } = await client.execute({
    sql: `SELECT m.name FROM registered_models m WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`,
    args: [...args, input.max_results + 1, offset],
  });
  const items = rows.slice(0, input.max_results).map((r) => String(r.name));
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(offset + input.max_results) }
    : { items };
}

/** registered-models/rename in the database (versions, tags, aliases, deployments follow by cascade). */
export async function renameRegisteredModel(ctx: StoreContext, name: string, newName: string): Promise<void> {
  await requireModel(ctx, name);
  if (name === newName) return;
  const { rows } = await ctx.client.execute({ sql: 'SELECT 1 FROM registered_models WHERE name = ?', args: [newName] });
  if (rows.length) throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
  await ctx.client.execute({
    sql: 'UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?',
    args: [newName, Date.now(), name],
  });
}

/** registered-models/update: the description. */
export async function updateRegisteredModel(ctx: StoreContext, name: string, description: string): Promise<void> {
  await requireModel(ctx, name);
  await ctx.client.execute({
    sql: 'UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?',
    args: [description, Date.now(), name],
  });
}

/** registered-models/delete in the database (cascades to versions, tags, aliases, deployments). */
export async function deleteRegisteredModel(ctx: StoreContext, name: string): Promise<void> {
  await requireModel(ctx, name);
  await ctx.client.execute({ sql: 'DELETE FROM registered_models WHERE name = ?', args: [name] });
}

/** Versions of get-latest-versions: the newest of each stage asked (all stages when none). */
export async function latestVersionNumbers(ctx: StoreContext, name: string, stages?: string[]): Promise<string[]> {
  await requireModel(ctx, name);
  const wanted = stages?.length ? [...new Set(stages.map(canonicalStage))] : [...STAGES];
  const { rows } = await ctx.client.execute({
    sql:
      'SELECT max(version) AS v FROM model_versions WHERE name = ? AND status != ? ' +
      `AND current_stage IN (${wanted.map(() => '?').join(', ')}) GROUP BY current_stage ORDER BY v`,
    args: [name, 'PENDING_REGISTRATION', ...wanted],
  });
  return rows.map((r) => String(r.v));
}

/** registered-models/set-tag. */
export async function setRegisteredModelTag(
  ctx: StoreContext,
  name: string,
  key: string,
  value: string,
): Promise<void> {
  await requireModel(ctx, name);
  await ctx.client.execute({
    sql: 'INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value',
    args: [name, key, value],
  });
}

/** registered-models/delete-tag: the tag must exist. */
export async function deleteRegisteredModelTag(ctx: StoreContext, name: string, key: string): Promise<void> {
  await requireModel(ctx, name);
  const { rowsAffected } = await ctx.client.execute({
    sql: 'DELETE FROM registered_model_tags WHERE name = ? AND key = ?',
    args: [name, key],
  });
  if (!rowsAffected) throw notFound(`Registered model tag with name=${name}, key=${key} not found`);
}

// ---- model versions ------------------------------------------------------------------------------

const VERSION_COLUMNS: Record<string, string> = {
  name: 'v.name',
  version_number: 'v.version',
  run_id: 'v.run_id',
  source_path: 'v.source',
  current_stage: 'v.current_stage',
  creation_timestamp: 'v.creation_time',
  last_updated_timestamp: 'v.last_updated_time',
};

/** One page of model-versions/search (default order: last updated first, then name, newest version). */
export async function searchModelVersions(ctx: StoreContext, input: SearchInput): Promise<SearchPage<ModelVersion>> {
  const { filter, orderBy, offset } = parseSearch(MODEL_VERSION_SEARCH, input);
  const args: SqlArg[] = [];
  const where = [
    "v.status != 'PENDING_REGISTRATION'",
    ...filterConditions(
      filter,
      VERSION_COLUMNS,
      { table: 'model_version_tags', join: 'f.name = v.name AND f.version = v.version' },
      args,
    ),
  ];
  const order = orderBy.map((o) => `${VERSION_COLUMNS[o.key]!} ${direction(o)}`);
  if (!orderBy.length) order.push('v.last_updated_time DESC');
  if (!orderBy.some((o) => o.key === 'name')) order.push('v.name ASC');
  if (!orderBy.some((o) => o.key === 'version_number')) order.push('v.version DESC');
  const { rows } = await ctx.client.execute({
    sql: `SELECT v.name, v.version FROM model_versions v WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`,
    args: [...args, input.max_results + 1, offset],
  });
  const items = await hydrateModelVersions(
    ctx,
    rows.slice(0, input.max_results).map((r) => ({ name: String(r.name), version: Number(r.version) })),
  );
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(offset + input.max_results) }
    : { items };
}

/** Model versions with their tags and aliases, in the order given, in one batch. */
export async function hydrateModelVersions(
  { client }: StoreContext,
  keys: { name: string; version: number }[],
): Promise<ModelVersion[]> {
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
  const id = (r: Row) => `${String(r.version)}/${String(r.name)}`;
  const byId = new Map(rows!.rows.map((r) => [id(r), r]));
  return keys.flatMap((k) => {
    const row = byId.get(`${k.version}/${k.name}`);
    if (!row) return [];
    const mv: ModelVersion = {
      name: String(row.name),
      version: String(row.version),
      creation_timestamp: Number(row.creation_time),
      last_updated_timestamp: Number(row.last_updated_time),
      current_stage: String(row.current_stage),
      source: String(row.source),
      status: String(row.status) as ModelVersion['status'],
      tags: tags!.rows.filter((t) => id(t) === id(row)).map((t) => ({ key: String(t.key), value: String(t.value) })),
      aliases: aliases!.rows.filter((a) => id(a) === id(row)).map((a) => String(a.alias)),
    };
    if (row.description) mv.description = String(row.description);
    if (row.user_id) mv.user_id = String(row.user_id);
    if (row.run_id) mv.run_id = String(row.run_id);
    if (row.run_link) mv.run_link = String(row.run_link);
    if (row.status_message) mv.status_message = String(row.status_message);
    return [mv];
  });
}

/** model-versions/update: the description. */
export async function updateModelVersion(
  ctx: StoreContext,
  name: string,
  version: string,
  description: string,
): Promise<void> {
  await requireVersion(ctx, name, version);
  await ctx.client.execute({
    sql: 'UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?',
    args: [description, Date.now(), name, Number(version)],
  });
}

/** model-versions/delete in the database (tags and aliases go with it; the number is never reused). */
export async function deleteModelVersion(ctx: StoreContext, name: string, version: string): Promise<void> {
  await requireVersion(ctx, name, version);
  const now = Date.now();
  await ctx.client.batch(
    [
      { sql: 'DELETE FROM model_versions WHERE name = ? AND version = ?', args: [name, Number(version)] },
      { sql: 'UPDATE registered_models SET last_updated_time = ? WHERE name = ?', args: [now, name] },
    ],
    'write',
  );
}

/** model-versions/transition-stage; see `TrackingStore.transitionModelVersionStage`. */
export async function transitionModelVersionStage(
  ctx: StoreContext,
  name: string,
  version: string,
  stage: Stage,
  archiveExisting: boolean,
  protectedVersion?: string,
): Promise<void> {
  await requireVersion(ctx, name, version);
  const v = Number(version);
  const archiving = archiveExisting && (stage === 'Staging' || stage === 'Production');
  if (archiving && protectedVersion !== undefined && protectedVersion !== version) {
    const { rows } = await ctx.client.execute({
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
  await ctx.client.batch(stmts, 'write');
}

/** model-versions/set-tag. */
export async function setModelVersionTag(
  ctx: StoreContext,
  name: string,
  version: string,
  key: string,
  value: string,
): Promise<void> {
  await requireVersion(ctx, name, version);
  await ctx.client.execute({
    sql:
      'INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value',
    args: [name, Number(version), key, value],
  });
}

/** model-versions/delete-tag: the tag must exist. */
export async function deleteModelVersionTag(
  ctx: StoreContext,
  name: string,
  version: string,
  key: string,
): Promise<void> {
  await requireVersion(ctx, name, version);
  const { rowsAffected } = await ctx.client.execute({
    sql: 'DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?',
    args: [name, Number(version), key],
  });
  if (!rowsAffected) throw notFound(`Model version tag with name=${name}, version=${version}, key=${key} not found`);
}
