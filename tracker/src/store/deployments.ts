import type { Client, Row } from '@libsql/client';
import type { Deployment, DeploymentKind, PendingFlip } from './entities.ts';
import { parseVersion, requireVersion } from './guards.ts';
import type { BeginFlipInput } from './tracking-store.ts';

/** A pointer flip from its `deployments` row. */
function deploymentOf(row: Row): Deployment {
  return {
    id: Number(row.id),
    model: String(row.model),
    from_version: row.from_version === null ? null : String(row.from_version),
    to_version: String(row.to_version),
    kind: row.kind as DeploymentKind,
    actor: String(row.actor),
    created_at: Number(row.created_at),
  };
}

/** A pending flip from its `deployments` row. */
function pendingOf(row: Row): PendingFlip {
  return {
    id: Number(row.id),
    model: String(row.model),
    to_version: String(row.to_version),
    pointer: row.pointer === null ? null : String(row.pointer),
    owner: String(row.owner ?? ''),
    lease_until: Number(row.lease_until ?? 0),
  };
}

/**
 * Records a flip as pending; the version must exist. The partial unique index on pending rows lets one
 * flip per model be under way across every process on the database: when one is, it is answered instead.
 */
export async function beginFlip(
  client: Client,
  input: BeginFlipInput,
): Promise<{ id: number } | { busy: PendingFlip }> {
  const to = parseVersion(input.to_version);
  await requireVersion(client, input.model, to);
  const { rows } = await client.execute({
    sql:
      'INSERT INTO deployments (model, to_version, kind, actor, created_at, state, owner, lease_until) ' +
      "VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING RETURNING id",
    args: [input.model, to, input.kind, input.actor, input.created_at, input.owner, input.lease_until],
  });
  if (rows[0]) return { id: Number(rows[0].id) };
  const busy = await client.execute({
    sql: "SELECT * FROM deployments WHERE model = ? AND state = 'pending'",
    args: [input.model],
  });
  // finished between the two statements: the caller simply tries again
  return { busy: busy.rows[0] ? pendingOf(busy.rows[0]) : { ...NO_FLIP, model: input.model } };
}

const NO_FLIP: PendingFlip = { id: 0, model: '', to_version: '', pointer: null, owner: '', lease_until: 0 };

/** Writes down the pointer a pending flip is about to write and the version it replaces. */
export async function decideFlip(
  client: Client,
  id: number,
  decision: { from_version: string | null; pointer: string },
): Promise<void> {
  const from = decision.from_version === null ? null : parseVersion(decision.from_version);
  await client.execute({
    sql: "UPDATE deployments SET from_version = ?, pointer = ? WHERE id = ? AND state = 'pending'",
    args: [from, decision.pointer, id],
  });
}

/**
 * Marks a pending flip done and points `alias` at its version in one transaction (the alias moves only
 * when this call is what finished it). Answers the deployment when it is done, null when it was given up.
 */
export async function completeFlip(client: Client, id: number, alias: string): Promise<Deployment | null> {
  const [, , read] = await client.batch(
    [
      {
        sql: "UPDATE deployments SET state = 'done', lease_until = NULL WHERE id = ? AND state = 'pending'",
        args: [id],
      },
      {
        sql:
          'INSERT INTO registered_model_aliases (name, alias, version) ' +
          'SELECT model, ?, to_version FROM deployments WHERE id = ? AND changes() = 1 ' +
          'ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version',
        args: [alias, id],
      },
      { sql: 'SELECT * FROM deployments WHERE id = ?', args: [id] },
    ],
    'write',
  );
  const row = read?.rows[0];
  return row && row.state === 'done' ? deploymentOf(row) : null;
}

/** Gives a pending flip up; false when it was not pending (done or given up already). */
export async function failFlip(client: Client, id: number): Promise<boolean> {
  const { rowsAffected } = await client.execute({
    sql: "UPDATE deployments SET state = 'failed', lease_until = NULL WHERE id = ? AND state = 'pending'",
    args: [id],
  });
  return rowsAffected === 1;
}

/** Every pending flip, oldest first. */
export async function pendingFlips(client: Client): Promise<PendingFlip[]> {
  const { rows } = await client.execute("SELECT * FROM deployments WHERE state = 'pending' ORDER BY id");
  return rows.map(pendingOf);
}

/** A model's flips that were done, newest first. */
export async function listDeployments(client: Client, model: string, maxResults: number): Promise<Deployment[]> {
  const { rows } = await client.execute({
    sql: "SELECT * FROM deployments WHERE model = ? AND state = 'done' ORDER BY id DESC LIMIT ?",
    args: [model, maxResults],
  });
  return rows.map(deploymentOf);
}
