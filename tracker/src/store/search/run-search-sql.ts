import type { Comparison, OrderBy } from '../../../search/filter-ast.ts';
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

/** The table holding a run's values of a metric, param or tag key (primary key: run_uuid, key). */
const TABLES = { metric: 'latest_metrics', param: 'params', tag: 'tags' } as const;

/**
 * The SQL of one page of a run search: run ids only, in order. Metric, param and tag filters are
 * `EXISTS` probes on the (run_uuid, key) primary keys of `latest_metrics`, `params`, `tags` (one
 * indexed lookup per candidate run, no join that multiplies rows); each order_by on a metric, param or
 * tag is a correlated scalar subquery on the same primary key (a lookup per candidate run, and no join:
 * SQLite's planner is not fed one table per sort key). Runs without the ordered value come last either
 * way; ties go to `start_time DESC, run_id ASC`, as MLflow orders them. Every value is a bound argument.
 */
export function compileRunSearch(input: {
  experimentIds: number[];
  viewType: ViewType;
  filter: Comparison[];
  orderBy: OrderBy[];
  limit: number;
  offset: number;
}): CompiledSearch {
  const args: SqlArg[] = [...input.experimentIds];
  const where: string[] = [`r.experiment_id IN (${marks(input.experimentIds.length)})`, STAGES[input.viewType]];
  for (const c of input.filter) where.push(condition(c, args));

  const order: string[] = [];
  for (const o of input.orderBy) {
    if (o.type === 'attribute') {
      // end_time is the one attribute that may be NULL (a run not ended)
      order.push(`${RUN_COLUMNS[o.key]!} ${direction(o)}${o.key === 'end_time' ? ' NULLS LAST' : ''}`);
    } else {
      const table = TABLES[o.type as keyof typeof TABLES];
      args.push(o.key);
      order.push(
        `(SELECT v.value FROM ${table} v WHERE v.run_uuid = r.run_uuid AND v.key = ?) ${direction(o)} NULLS LAST`,
      );
    }
  }
  if (!input.orderBy.some((o) => o.type === 'attribute' && o.key === 'start_time')) order.push('r.start_time DESC');
  if (!input.orderBy.some((o) => o.type === 'attribute' && o.key === 'run_id')) order.push('r.run_uuid ASC');

  const sql =
    `SELECT r.run_uuid AS run_uuid FROM runs r WHERE ${where.join(' AND ')} ` +
    `ORDER BY ${order.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, args: [...args, input.limit, input.offset] };
}

function condition(c: Comparison, args: SqlArg[]): string {
  switch (c.type) {
    case 'attribute':
      return compareSql(RUN_COLUMNS[c.key]!, c, args);
    case 'metric':
    case 'param':
    case 'tag': {
      args.push(c.key);
      return `EXISTS (SELECT 1 FROM ${TABLES[c.type]} f WHERE f.run_uuid = r.run_uuid AND f.key = ? AND ${compareSql('f.value', c, args)})`;
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
