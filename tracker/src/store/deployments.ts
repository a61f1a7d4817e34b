import type { Client, InStatement, Row } from '@libsql/client';
import type { Deployment, DeploymentKind } from './entities.ts';
import { parseVersion, requireVersion } from './guards.ts';
import { upsertAlias } from './model-aliases.ts';
import type { RecordDeploymentInput } from './tracking-store.ts';

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

/** Records a pointer flip (and moves `alias` to the new version) in one transaction; the version must exist. */
export async function recordDeployment(client: Client, input: RecordDeploymentInput): Promise<Deployment> {
  const to = parseVersion(input.to_version);
  const from = input.from_version === null ? null : parseVersion(input.from_version);
  await requireVersion(client, input.model, to);
  const stmts: InStatement[] = [
    {
      sql:
        'INSERT INTO deployments (model, from_version, to_version, kind, actor, created_at) VALUES (?, ?, ?, ?, ?, ?) ' +
        'RETURNING *',
      args: [input.model, from, to, input.kind, input.actor, input.created_at],
    },
  ];
  if (input.alias) stmts.push(upsertAlias(input.model, input.alias, to));
  const [inserted] = await client.batch(stmts, 'write');
  return deploymentOf(inserted!.rows[0]!);
}

/** A model's pointer flips, newest first. */
export async function listDeployments(client: Client, model: string, maxResults: number): Promise<Deployment[]> {
  const { rows } = await client.execute({
    sql: 'SELECT * FROM deployments WHERE model = ? ORDER BY id DESC LIMIT ?',
    args: [model, maxResults],
  });
  return rows.map(deploymentOf);
}
