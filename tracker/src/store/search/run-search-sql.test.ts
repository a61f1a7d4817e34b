import { describe, expect, it } from 'vitest';
import { MAX_ORDER_BY, parseFilter, parseOrderBy, RUN_SEARCH } from '../../../search/index.ts';
import { useTempStore } from '../../testing/temp-store.ts';
import { compileRunSearch } from './run-search-sql.ts';

describe('compileRunSearch', () => {
  const db = useTempStore({ prefix: 'edgeflow-run-search-sql-' });

  const compile = (filter: string, orderBy: string[]) =>
    compileRunSearch({
      experimentIds: [0],
      viewType: 'ACTIVE_ONLY',
      filter: parseFilter(filter, RUN_SEARCH),
      orderBy: parseOrderBy(orderBy, RUN_SEARCH),
      limit: 101,
      offset: 0,
    });

  it('orders by metrics, params and tags through primary-key lookups, with no join', async () => {
    const orderBy = Array.from(
      { length: MAX_ORDER_BY },
      (_, i) => `${['metrics', 'params', 'tags'][i % 3]}.k${i} DESC`,
    );
    const { sql, args } = compile("metrics.m3 > 0.5 and params.p2 = '10' and tags.t = 'x'", orderBy);
    expect(sql).not.toMatch(/JOIN/i);
    const plan = (await db.store.client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args })).rows.map((r) =>
      String(r.detail),
    );
    expect(plan[0]).toMatch(
      /^SEARCH r USING COVERING INDEX runs_experiment_idx \(experiment_id=\? AND lifecycle_stage=\?\)$/,
    );
    const lookups = plan.filter((d) => /^(SEARCH|SCAN) [fv] /.test(d));
    // three filters, one lookup per order_by key: each on the (run_uuid, key) primary key
    expect(lookups).toHaveLength(3 + MAX_ORDER_BY);
    for (const d of lookups) {
      expect(d).toMatch(
        /^SEARCH [fv] USING INDEX sqlite_autoindex_(latest_metrics|params|tags)_1 \(run_uuid=\? AND key=\?\)$/,
      );
    }
  });

  it('binds every key and value: the SQL holds none of them', () => {
    const { sql, args } = compile("params.`x'--` = 'v'", ["metrics.`a'; DROP TABLE runs` ASC"]);
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("x'--");
    expect(args).toEqual([0, "x'--", 'v', "a'; DROP TABLE runs", 101, 0]);
  });
});
