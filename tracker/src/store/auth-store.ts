import type { Client, Row } from '@libsql/client';
import type { PermissionName } from '../auth/permission.ts';
import { alreadyExists, notFound } from '../errors.ts';
import { experimentIdNumber, experimentNotFound, modelNotFound } from './guards.ts';
import type { WriteLock } from './write-lock.ts';

/** A user as stored (the password hash included: never sent). */
export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string;
  isAdmin: boolean;
}

/** A user as MLflow's basic-auth API shows one. */
export interface UserJson {
  id: number;
  username: string;
  is_admin: boolean;
  experiment_permissions: ExperimentPermissionJson[];
  registered_model_permissions: ModelPermissionJson[];
}

/** MLflow's `ExperimentPermission.to_json()`. */
export interface ExperimentPermissionJson {
  experiment_id: string;
  user_id: number;
  permission: PermissionName;
}

/** MLflow's `RegisteredModelPermission.to_json()`. */
export interface ModelPermissionJson {
  name: string;
  user_id: number;
  permission: PermissionName;
}

/** What a token may be used for: everything its owner may do, or only logging prediction events. */
export type TokenScope = 'all' | 'ingest';

/** An API token as listed (never its secret). */
export interface TokenJson {
  id: string;
  name: string;
  username: string;
  scope: TokenScope;
  creation_time: number;
  expiry_time: number;
  revoked_time?: number;
}

/** A token found by its hash, with its owner. */
export interface TokenRecord extends TokenJson {
  user: UserRecord;
}

/** A session found by its id's hash, with its user. */
export interface SessionRecord {
  csrfToken: string;
  expiryTime: number;
  user: UserRecord;
}

/** An experiment or a registered model, for a permission. */
export type ResourceKind = 'experiment' | 'model';

const userNotFound = (username: string) => notFound(`User with username=${username} not found`);

function userOf(row: Row, prefix = ''): UserRecord {
  return {
    id: Number(row[`${prefix}id`]),
    username: String(row[`${prefix}username`]),
    passwordHash: String(row[`${prefix}password_hash`]),
    isAdmin: Boolean(row[`${prefix}is_admin`]),
  };
}

/** Sets `key` in a map used as a bounded cache: past `CACHE_SIZE` entries the oldest goes. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > CACHE_SIZE) map.delete(map.keys().next().value!);
}

function tokenOf(row: Row): TokenJson {
  return {
    id: String(row.id),
    name: String(row.name),
    username: String(row.username),
    scope: row.scope as TokenScope,
    creation_time: Number(row.creation_time),
    expiry_time: Number(row.expiry_time),
    ...(row.revoked_time === null ? {} : { revoked_time: Number(row.revoked_time) }),
  };
}

/** How long a token or permission row read is reused, in ms: writes through this store drop them at once. */
const ACCESS_CACHE_MS = 1000;
const CACHE_SIZE = 10_000;

const TABLE = { experiment: 'experiment_permissions', model: 'registered_model_permissions' } as const;
const KEY = { experiment: 'experiment_id', model: 'name' } as const;

/**
 * Users, API tokens, sessions and per-user permissions, in the tracker's database. Writes go through
 * the tracking store's write lock (one writer per process). A token found by its hash and the
 * permission rows a request checks are reused for `ACCESS_CACHE_MS` (a query per request would cost
 * the single log-metric request a tenth of its throughput): this store's own writes — a revocation, a
 * permission or user change — drop them at once, so they are effective with the next request; a change
 * made by another tracker process on the same database, or a cascade from deleting or renaming a
 * resource, shows within that time. Expiry is checked on every request; sessions are read every time.
 * A run's experiment, which never changes, is remembered.
 */
export class AuthStore {
  readonly #client: Client;
  readonly #lock: WriteLock;
  readonly #permissions = new Map<string, { permission: PermissionName | undefined; until: number }>();
  readonly #tokens = new Map<string, { token: TokenRecord; until: number }>();
  readonly #runExperiments = new Map<string, string>();

  constructor(client: Client, lock: WriteLock) {
    this.#client = client;
    this.#lock = lock;
  }

  #write<T>(write: (client: Client) => Promise<T>): Promise<T> {
    return this.#lock.run(() => write(this.#client));
  }

  /** A write that changes who may do what: the cached tokens and permission rows are dropped once it is done. */
  #writeAccess<T>(write: (client: Client) => Promise<T>): Promise<T> {
    return this.#write(write).finally(() => {
      this.#permissions.clear();
      this.#tokens.clear();
    });
  }

  // ---- users -------------------------------------------------------------------------------------

  async countUsers(): Promise<number> {
    const { rows } = await this.#client.execute('SELECT count(*) AS n FROM users');
    return Number(rows[0]!.n);
  }

  /** The user named `username`, or undefined. */
  async findUser(username: string): Promise<UserRecord | undefined> {
    const { rows } = await this.#client.execute({
      sql: 'SELECT id, username, password_hash, is_admin FROM users WHERE username = ?',
      args: [username],
    });
    return rows[0] ? userOf(rows[0]) : undefined;
  }

  /** The user named `username`; RESOURCE_DOES_NOT_EXIST (MLflow's words) when there is none. */
  async getUser(username: string): Promise<UserRecord> {
    const user = await this.findUser(username);
    if (!user) throw userNotFound(username);
    return user;
  }

  /** Creates a user; RESOURCE_ALREADY_EXISTS when the name is taken. */
  async createUser(username: string, passwordHash: string, isAdmin: boolean, now: number): Promise<UserRecord> {
    return this.#write(async (c) => {
      const { rows } = await c.execute({
        sql: 'INSERT INTO users (username, password_hash, is_admin, creation_time) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id',
        args: [username, passwordHash, isAdmin ? 1 : 0, now],
      });
      if (!rows[0]) throw alreadyExists(`User (username=${username}) already exists.`);
      return { id: Number(rows[0].id), username, passwordHash, isAdmin };
    });
  }

  /** The user as MLflow's API shows one, with their permissions. */
  async userJson(user: UserRecord): Promise<UserJson> {
    const [experiments, models] = await Promise.all([
      this.#client.execute({
        sql: 'SELECT experiment_id, user_id, permission FROM experiment_permissions WHERE user_id = ? ORDER BY experiment_id',
        args: [user.id],
      }),
      this.#client.execute({
        sql: 'SELECT name, user_id, permission FROM registered_model_permissions WHERE user_id = ? ORDER BY name',
        args: [user.id],
      }),
    ]);
    return {
      id: user.id,
      username: user.username,
      is_admin: user.isAdmin,
      experiment_permissions: experiments.rows.map((r) => ({
        experiment_id: String(r.experiment_id),
        user_id: Number(r.user_id),
        permission: r.permission as PermissionName,
      })),
      registered_model_permissions: models.rows.map((r) => ({
        name: String(r.name),
        user_id: Number(r.user_id),
        permission: r.permission as PermissionName,
      })),
    };
  }

  /** Sets a user's password hash and ends their sessions. */
  async updatePassword(username: string, passwordHash: string): Promise<void> {
    const user = await this.getUser(username);
    await this.#writeAccess((c) =>
      c.batch(
        [
          { sql: 'UPDATE users SET password_hash = ? WHERE id = ?', args: [passwordHash, user.id] },
          { sql: 'DELETE FROM sessions WHERE user_id = ?', args: [user.id] },
        ],
        'write',
      ),
    );
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    const user = await this.getUser(username);
    await this.#writeAccess((c) =>
      c.execute({ sql: 'UPDATE users SET is_admin = ? WHERE id = ?', args: [isAdmin ? 1 : 0, user.id] }),
    );
  }

  /** Deletes a user, and with them their tokens, sessions and permissions. */
  async deleteUser(username: string): Promise<void> {
    const user = await this.getUser(username);
    await this.#writeAccess((c) => c.execute({ sql: 'DELETE FROM users WHERE id = ?', args: [user.id] }));
  }

  // ---- permissions -------------------------------------------------------------------------------

  /** The permission row of `userId` on the experiment or model `key`, or undefined. */
  async permissionOf(kind: ResourceKind, key: string, userId: number): Promise<PermissionName | undefined> {
    const stored = this.#storedKey(kind, key);
    if (stored === undefined) return undefined;
    const cacheKey = `${kind}\0${userId}\0${stored}`;
    const now = performance.now();
    const cached = this.#permissions.get(cacheKey);
    if (cached && cached.until > now) return cached.permission;
    const { rows } = await this.#client.execute({
      sql: `SELECT permission FROM ${TABLE[kind]} WHERE ${KEY[kind]} = ? AND user_id = ?`,
      args: [stored, userId],
    });
    const permission = rows[0] ? (rows[0].permission as PermissionName) : undefined;
    remember(this.#permissions, cacheKey, { permission, until: now + ACCESS_CACHE_MS });
    return permission;
  }

  /** Every permission row of `userId` on experiments or models, keyed by experiment id or model name. */
  async permissionsOf(kind: ResourceKind, userId: number): Promise<Map<string, PermissionName>> {
    const { rows } = await this.#client.execute({
      sql: `SELECT ${KEY[kind]} AS k, permission FROM ${TABLE[kind]} WHERE user_id = ?`,
      args: [userId],
    });
    return new Map(rows.map((r) => [String(r.k), r.permission as PermissionName]));
  }

  /**
   * Creates a permission row. RESOURCE_DOES_NOT_EXIST for an unknown user, experiment or model;
   * RESOURCE_ALREADY_EXISTS (MLflow's words) when the user has one there.
   */
  async createPermission(kind: ResourceKind, key: string, username: string, permission: PermissionName) {
    const user = await this.getUser(username);
    const stored = await this.#existingKey(kind, key);
    return this.#writeAccess(async (c) => {
      const { rowsAffected } = await c.execute({
        sql: `INSERT INTO ${TABLE[kind]} (${KEY[kind]}, user_id, permission) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
        args: [stored, user.id, permission],
      });
      if (!rowsAffected) {
        const what =
          kind === 'experiment'
            ? `Experiment permission (experiment_id=${key}`
            : `Registered model permission (name=${key}`;
        throw alreadyExists(`${what}, username=${username}) already exists.`);
      }
      return { key, userId: user.id, permission };
    });
  }

  /** Gives `userId` `permission` on a resource whatever they had there (the creator's MANAGE). */
  async grant(kind: ResourceKind, key: string, userId: number, permission: PermissionName): Promise<void> {
    const stored = this.#storedKey(kind, key);
    if (stored === undefined) return;
    await this.#writeAccess((c) =>
      c.execute({
        sql: `INSERT INTO ${TABLE[kind]} (${KEY[kind]}, user_id, permission) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET permission = excluded.permission`,
        args: [stored, userId, permission],
      }),
    );
  }

  /** A user's permission row; RESOURCE_DOES_NOT_EXIST (MLflow's words) when there is none. */
  async getPermission(kind: ResourceKind, key: string, username: string) {
    const user = await this.getUser(username);
    const permission = await this.permissionOf(kind, key, user.id);
    if (!permission) throw this.#permissionNotFound(kind, key, username);
    return { key, userId: user.id, permission };
  }

  async updatePermission(kind: ResourceKind, key: string, username: string, permission: PermissionName): Promise<void> {
    const { userId } = await this.getPermission(kind, key, username);
    await this.#writeAccess((c) =>
      c.execute({
        sql: `UPDATE ${TABLE[kind]} SET permission = ? WHERE ${KEY[kind]} = ? AND user_id = ?`,
        args: [permission, this.#storedKey(kind, key)!, userId],
      }),
    );
  }

  async deletePermission(kind: ResourceKind, key: string, username: string): Promise<void> {
    const { userId } = await this.getPermission(kind, key, username);
    await this.#writeAccess((c) =>
      c.execute({
        sql: `DELETE FROM ${TABLE[kind]} WHERE ${KEY[kind]} = ? AND user_id = ?`,
        args: [this.#storedKey(kind, key)!, userId],
      }),
    );
  }

  #storedKey(kind: ResourceKind, key: string): string | number | undefined {
    return kind === 'experiment' ? experimentIdNumber(key) : key;
  }

  async #existingKey(kind: ResourceKind, key: string): Promise<string | number> {
    const stored = this.#storedKey(kind, key);
    const table = kind === 'experiment' ? 'experiments' : 'registered_models';
    const { rows } =
      stored === undefined
        ? { rows: [] }
        : await this.#client.execute({ sql: `SELECT 1 FROM ${table} WHERE ${KEY[kind]} = ?`, args: [stored] });
    if (!rows[0]) throw kind === 'experiment' ? experimentNotFound(key) : modelNotFound(key);
    return stored!;
  }

  #permissionNotFound(kind: ResourceKind, key: string, username: string) {
    return notFound(
      kind === 'experiment'
        ? `Experiment permission with experiment_id=${key} and username=${username} not found`
        : `Registered model permission with name=${key} and username=${username} not found`,
    );
  }

  // ---- resources the permissions are on ----------------------------------------------------------

  /** The experiment of a run, or undefined when there is no such run. */
  async experimentOfRun(runId: string): Promise<string | undefined> {
    const known = this.#runExperiments.get(runId);
    if (known !== undefined) return known;
    const { rows } = await this.#client.execute({
      sql: 'SELECT experiment_id FROM runs WHERE run_uuid = ?',
      args: [runId],
    });
    if (!rows[0]) return undefined;
    const id = String(rows[0].experiment_id);
    remember(this.#runExperiments, runId, id);
    return id;
  }

  /** The id of the experiment named `name`, or undefined. */
  async experimentIdByName(name: string): Promise<string | undefined> {
    const { rows } = await this.#client.execute({
      sql: 'SELECT experiment_id FROM experiments WHERE name = ?',
      args: [name],
    });
    return rows[0] ? String(rows[0].experiment_id) : undefined;
  }

  // ---- API tokens --------------------------------------------------------------------------------

  async createToken(input: {
    userId: number;
    name: string;
    tokenHash: string;
    scope: TokenScope;
    now: number;
    expiryTime: number;
  }): Promise<string> {
    return this.#write(async (c) => {
      const { rows } = await c.execute({
        sql: 'INSERT INTO api_tokens (user_id, name, token_hash, scope, creation_time, expiry_time) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
        args: [input.userId, input.name, input.tokenHash, input.scope, input.now, input.expiryTime],
      });
      return String(rows[0]!.id);
    });
  }

  /** The token with this hash and its owner, whatever its state, or undefined. */
  async tokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    const now = performance.now();
    const cached = this.#tokens.get(tokenHash);
    if (cached && cached.until > now) return cached.token;
    const { rows } = await this.#client.execute({
      sql: `SELECT t.id, t.name, t.scope, t.creation_time, t.expiry_time, t.revoked_time,
                   u.id AS u_id, u.username AS u_username, u.password_hash AS u_password_hash, u.is_admin AS u_is_admin,
                   u.username AS username
            FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
      args: [tokenHash],
    });
    if (!rows[0]) return undefined;
    const token = { ...tokenOf(rows[0]), user: userOf(rows[0], 'u_') };
    remember(this.#tokens, tokenHash, { token, until: now + ACCESS_CACHE_MS });
    return token;
  }

  /** One token by id (its owner's name in `username`), or undefined. */
  async getToken(id: string): Promise<TokenJson | undefined> {
    if (!/^\d{1,15}$/.test(id)) return undefined;
    const { rows } = await this.#client.execute({
      sql: `SELECT t.*, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`,
      args: [Number(id)],
    });
    return rows[0] ? tokenOf(rows[0]) : undefined;
  }

  /** The tokens of one user, or of every user, newest first. */
  async listTokens(userId?: number): Promise<TokenJson[]> {
    const { rows } = await this.#client.execute({
      sql: `SELECT t.*, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id
            ${userId === undefined ? '' : 'WHERE t.user_id = ?'} ORDER BY t.id DESC`,
      args: userId === undefined ? [] : [userId],
    });
    return rows.map(tokenOf);
  }

  /** Marks a token revoked (it stops working with the next request); a revoked one stays as it was. */
  async revokeToken(id: string, now: number): Promise<void> {
    await this.#writeAccess((c) =>
      c.execute({
        sql: 'UPDATE api_tokens SET revoked_time = ? WHERE id = ? AND revoked_time IS NULL',
        args: [now, Number(id)],
      }),
    );
  }

  // ---- sessions ----------------------------------------------------------------------------------

  /** Stores a new session, removing the user's expired ones. */
  async createSession(input: {
    idHash: string;
    userId: number;
    csrfToken: string;
    now: number;
    expiryTime: number;
  }): Promise<void> {
    await this.#write((c) =>
      c.batch(
        [
          { sql: 'DELETE FROM sessions WHERE user_id = ? AND expiry_time <= ?', args: [input.userId, input.now] },
          {
            sql: 'INSERT INTO sessions (id_hash, user_id, csrf_token, creation_time, expiry_time) VALUES (?, ?, ?, ?, ?)',
            args: [input.idHash, input.userId, input.csrfToken, input.now, input.expiryTime],
          },
        ],
        'write',
      ),
    );
  }

  /** The session with this id hash and its user, or undefined. */
  async sessionByHash(idHash: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.#client.execute({
      sql: `SELECT s.csrf_token, s.expiry_time, u.id, u.username, u.password_hash, u.is_admin
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
      args: [idHash],
    });
    const row = rows[0];
    return row
      ? { csrfToken: String(row.csrf_token), expiryTime: Number(row.expiry_time), user: userOf(row) }
      : undefined;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.#write((c) => c.execute({ sql: 'DELETE FROM sessions WHERE id_hash = ?', args: [idHash] }));
  }
}
