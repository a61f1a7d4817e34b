import type { Comparison, OrderBy } from '../../search/filter-ast.ts';
import { marks } from '../placeholders.ts';
import type { ViewType } from '../tracking-store.ts';
import { compareSql, direction, type SqlArg } from './sql-compare.ts';

/** A compiled search: the SQL of one page of run ids, and its arguments. */
export interface CompiledSearch {
  sql: string;
  args: SqlArg[];
}

const RUN_COLUMNS: Record<string, string> = {
  run_id: 'r.run_uuid',
  run_name: 'r.name',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

const STAGES: Record<ViewType, string> = {
  ACTIVE_ONLY: "r.lifecycle_stage = 'active'",
  DELETED_ONLY: "r.lifecycle_stage = 'deleted'",
  ALL: "r.lifecycle_stage IN ('active', 'deleted')",
};

/**
 * The SQL of one page of a run search: run ids only, in order. Metric, param and tag filters are
 * `EXISTS` probes on the (run_uuid, key) primary keys of `latest_metrics`, `params`, `tags` (one
 * indexed lookup per candidate run, no join that multiplies rows); each order_by on a metric, param or
 * tag is one LEFT JOIN on the same key. Runs without the ordered key come last either way; ties go to
 * `start_time DESC, run_id ASC`, as MLflow orders them. Every value is a bound argument.
 */
export function compileRunSearch(input: {
  experimentIds: number[];
  viewType: ViewType;
  filter: Comparison[];
  orderBy: OrderBy[];
  limit: number;
  offset: number;
}): CompiledSearch {
  const joinArgs: SqlArg[] = [];
  const whereArgs: SqlArg[] = [];
  const joins: string[] = [];
  const where: string[] = [`r.experiment_id IN (${marks(input.experimentIds.length)})`, STAGES[input.viewType]];
  whereArgs.push(...input.experimentIds);

  for (const c of input.filter) where.push(condition(c, whereArgs));

  const order: string[] = [];
  let hasStart = false;
  let hasId = false;
  input.orderBy.forEach((o, i) => {
    const dir = direction(o);
    if (o.type === 'attribute') {
      const column = RUN_COLUMNS[o.key]!;
      if (o.key === 'start_time') hasStart = true;
      if (o.key === 'run_id') hasId = true;
      if (o.key === 'end_time') order.push(`(${column} IS NULL)`);
      order.push(`${column} ${dir}`);
      return;
    }
    const alias = `o${i}`;
    const table = o.type === 'metric' ? 'latest_metrics' : o.type === 'param' ? 'params' : 'tags';
    joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ?`);
    joinArgs.push(o.key);
    order.push(`(${alias}.value IS NULL)`, `${alias}.value ${dir}`);
  });
  if (!hasStart) order.push('r.start_time DESC');
  if (!hasId) order.push('r.run_uuid ASC');

  const sql =
    `SELECT r.run_uuid AS run_uuid FROM runs r ${joins.join(' ')} WHERE ${where.join(' AND ')} ` +
    `ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, args: [...joinArgs, ...whereArgs, input.limit, input.offset] };
}

function condition(c: Comparison, args: SqlArg[]): string {
  switch (c.type) {
    case 'attribute':
      return compareSql(RUN_COLUMNS[c.key]!, c, args);
    case 'metric':
    case 'param':
    case 'tag': {
      const table = c.type === 'metric' ? 'latest_metrics' : c.type === 'param' ? 'params' : 'tags';
      args.push(c.key);
      return `EXISTS (SELECT 1 FROM ${table} f WHERE f.run_uuid = r.run_uuid AND f.key = ? AND ${compareSql('f.value', c, args)})`;
    }
    case 'dataset':
      if (c.key === 'context') {
        return (
          "EXISTS (SELECT 1 FROM run_input_tags f WHERE f.run_uuid = r.run_uuid AND f.key = 'mlflow.data.context' AND " +
          `${compareSql('f.value', c, args)})`
        );
      }
      return (
        'EXISTS (SELECT 1 FROM run_inputs f JOIN datasets d ON d.dataset_uuid = f.dataset_uuid WHERE f.run_uuid = r.run_uuid AND ' +
        `${compareSql(c.key === 'name' ? 'd.name' : 'd.digest', c, args)})`
      );
  }
}
