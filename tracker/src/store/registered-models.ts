import type { Client, InStatement, Row } from '@libsql/client';
import { encodePageToken } from '../../search/page-token.ts';
import { REGISTERED_MODEL_SEARCH } from '../../search/search-spec.ts';
import { alreadyExists, notFound } from '../errors.ts';
import {
  type ModelAlias,
  type ModelVersion,
  type RegisteredModel,
  type SearchPage,
  STAGES,
  type Tag,
} from './entities.ts';
import { canonicalStage, modelNotFound, requireModel } from './guards.ts';
import { hydrateModelVersions } from './model-versions.ts';
import { marks, rows as valueRows } from './placeholders.ts';
import { direction, filterConditions, parseSearch, type SqlArg } from './search/sql-compare.ts';
import { uniqueTags } from './tag-list.ts';
import type { CreateRegisteredModelInput, SearchInput } from './tracking-store.ts';

const COLUMNS: Record<string, string> = {
  name: 'm.name',
  creation_timestamp: 'm.creation_time',
  last_updated_timestamp: 'm.last_updated_time',
};

/** A registered model from its `registered_models` row, its tags, aliases and latest versions. */
function registeredModelOf(row: Row, tags: Tag[], aliases: ModelAlias[], latest: ModelVersion[]): RegisteredModel {
  const model: RegisteredModel = {
    name: String(row.name),
    creation_timestamp: Number(row.creation_time),
    last_updated_timestamp: Number(row.last_updated_time),
    latest_versions: latest,
    tags,
    aliases,
  };
  if (row.description) model.description = String(row.description);
  return model;
}

/**
 * Registered models by name, in the order given, each with its tags, aliases and the newest version of
 * each stage (`latest_versions`, by version number): one batch, then one for those versions. Names with
 * no model are left out.
 */
async function hydrateRegisteredModels(client: Client, names: readonly string[]): Promise<RegisteredModel[]> {
  if (!names.length) return [];
  const list = marks(names.length);
  const [rows, tags, aliases, latest] = await client.batch(
    [
      { sql: `SELECT * FROM registered_models WHERE name IN (${list})`, args: [...names] },
      {
        sql: `SELECT name, key, value FROM registered_model_tags WHERE name IN (${list}) ORDER BY key`,
        args: [...names],
      },
      {
        sql: `SELECT name, alias, version FROM registered_model_aliases WHERE name IN (${list}) ORDER BY alias`,
        args: [...names],
      },
      {
        sql: `SELECT name, max(version) AS v FROM model_versions WHERE name IN (${list}) GROUP BY name, current_stage ORDER BY v`,
        args: [...names],
      },
    ],
    'read',
  );
  const versions = byName(
    await hydrateModelVersions(
      client,
      latest!.rows.map((r) => ({ name: String(r.name), version: Number(r.v) })),
    ),
    (v) => v.name,
  );
  const tagsOf = byName(tags!.rows, (r) => r.name);
  const aliasesOf = byName(aliases!.rows, (r) => r.name);
  const models = new Map(rows!.rows.map((r) => [String(r.name), r]));
  return names.flatMap((name) => {
    const row = models.get(name);
    if (!row) return [];
    return [
      registeredModelOf(
        row,
        (tagsOf.get(name) ?? []).map((t) => ({ key: String(t.key), value: String(t.value) })),
        (aliasesOf.get(name) ?? []).map((a) => ({ alias: String(a.alias), version: String(a.version) })),
        versions.get(name) ?? [],
      ),
    ];
  });
}

/** Items grouped by the model they belong to, each group in the items' order. */
function byName<T>(items: readonly T[], nameOf: (item: T) => unknown): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const name = String(nameOf(item));
    let group = out.get(name);
    if (!group) out.set(name, (group = []));
    group.push(item);
  }
  return out;
}

/** registered-models/create: the name must be free. */
export async function createRegisteredModel(
  client: Client,
  input: CreateRegisteredModelInput,
): Promise<RegisteredModel> {
  const tags = uniqueTags(input.tags ?? []);
  const { rows } = await client.execute({ sql: 'SELECT 1 FROM registered_models WHERE name = ?', args: [input.name] });
  if (rows.length) throw alreadyExists(`Registered Model (name=${input.name}) already exists.`);
  const now = Date.now();
  const stmts: InStatement[] = [
    {
      sql: 'INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)',
      args: [input.name, now, now, input.description ?? ''],
    },
  ];
  if (tags.length) {
    stmts.push({
      sql: `INSERT INTO registered_model_tags (name, key, value) VALUES ${valueRows(tags.length, 3)}`,
      args: tags.flatMap((t) => [input.name, t.key, t.value]),
    });
  }
  await client.batch(stmts, 'write');
  return getRegisteredModel(client, input.name);
}

/** registered-models/get. */
export async function getRegisteredModel(client: Client, name: string): Promise<RegisteredModel> {
  const [model] = await hydrateRegisteredModels(client, [name]);
  if (!model) throw modelNotFound(name);
  return model;
}

/** One page of registered-models/search (default order: name ascending). */
export async function searchRegisteredModels(client: Client, input: SearchInput): Promise<SearchPage<RegisteredModel>> {
  const { filter, orderBy, offset } = parseSearch(REGISTERED_MODEL_SEARCH, input);
  const args: SqlArg[] = [];
  const where = [
    '1 = 1',
    ...filterConditions(filter, COLUMNS, { table: 'registered_model_tags', join: 'f.name = m.name' }, args),
  ];
  const order = orderBy.map((o) => `${COLUMNS[o.key]!} ${direction(o)}`);
  if (!orderBy.some((o) => o.key === 'name')) order.push('m.name ASC');
  const { rows } = await client.execute({
    sql: `SELECT m.name FROM registered_models m WHERE ${where.join(' AND ')} ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`,
    args: [...args, input.max_results + 1, offset],
  });
  const items = await hydrateRegisteredModels(
    client,
    rows.slice(0, input.max_results).map((r) => String(r.name)),
  );
  return rows.length > input.max_results
    ? { items, next_page_token: encodePageToken(offset + input.max_results) }
    : { items };
}

/** registered-models/rename (versions, tags, aliases, deployments follow by cascade). */
export async function renameRegisteredModel(client: Client, name: string, newName: string): Promise<RegisteredModel> {
  await requireModel(client, name);
  if (name !== newName) {
    const { rows } = await client.execute({ sql: 'SELECT 1 FROM registered_models WHERE name = ?', args: [newName] });
    if (rows.length) throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
    await client.execute({
      sql: 'UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?',
      args: [newName, Date.now(), name],
    });
  }
  return getRegisteredModel(client, newName);
}

/** registered-models/update: the description. */
export async function updateRegisteredModel(
  client: Client,
  name: string,
  description: string,
): Promise<RegisteredModel> {
  await requireModel(client, name);
  await client.execute({
    sql: 'UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?',
    args: [description, Date.now(), name],
  });
  return getRegisteredModel(client, name);
}

/** registered-models/delete (cascades to versions, tags, aliases, deployments). */
export async function deleteRegisteredModel(client: Client, name: string): Promise<void> {
  await requireModel(client, name);
  await client.execute({ sql: 'DELETE FROM registered_models WHERE name = ?', args: [name] });
}

/** get-latest-versions: the newest registered version of each stage asked (all stages when none), by number. */
export async function getLatestVersions(client: Client, name: string, stages?: string[]): Promise<ModelVersion[]> {
  await requireModel(client, name);
  const wanted = stages?.length ? [...new Set(stages.map(canonicalStage))] : [...STAGES];
  const { rows } = await client.execute({
    sql:
      "SELECT max(version) AS v FROM model_versions WHERE name = ? AND status != 'PENDING_REGISTRATION' " +
      `AND current_stage IN (${marks(wanted.length)}) GROUP BY current_stage ORDER BY v`,
    args: [name, ...wanted],
  });
  return hydrateModelVersions(
    client,
    rows.map((r) => ({ name, version: Number(r.v) })),
  );
}

/** registered-models/set-tag. */
export async function setRegisteredModelTag(client: Client, name: string, key: string, value: string): Promise<void> {
  await requireModel(client, name);
  await client.execute({
    sql: 'INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value',
    args: [name, key, value],
  });
}

/** registered-models/delete-tag: the tag must exist. */
export async function deleteRegisteredModelTag(client: Client, name: string, key: string): Promise<void> {
  await requireModel(client, name);
  const { rowsAffected } = await client.execute({
    sql: 'DELETE FROM registered_model_tags WHERE name = ? AND key = ?',
    args: [name, key],
  });
  if (!rowsAffected) throw notFound(`Registered model tag with name=${name}, key=${key} not found`);
}
