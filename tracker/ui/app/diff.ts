import type { Run } from '../../client/schemas.ts';
import { formatNumber } from './format.ts';

/** One row of the compare table: a key and each run's value (undefined when the run lacks it). */
export interface DiffRow {
  section: 'param' | 'metric' | 'tag';
  key: string;
  values: (string | undefined)[];
  /** True when not every run has the same value (a missing value counts as different). */
  differs: boolean;
}

function rowsOf(runs: Run[], section: DiffRow['section']): DiffRow[] {
  const maps = runs.map((r) => {
    const m = new Map<string, string>();
    if (section === 'param') for (const p of r.data.params ?? []) m.set(p.key, p.value);
    if (section === 'tag') for (const t of r.data.tags ?? []) if (!t.key.startsWith('mlflow.')) m.set(t.key, t.value);
    if (section === 'metric') for (const x of r.data.metrics ?? []) m.set(x.key, formatNumber(x.value));
    return m;
  });
  const keys = new Set<string>();
  for (const m of maps) for (const k of m.keys()) keys.add(k);
  return [...keys]
    .sort((a, b) => a.localeCompare(b))
    .map((key) => {
      const values = maps.map((m) => m.get(key));
      const differs = values.some((v) => v !== values[0]);
      return { section, key, values, differs };
    });
}

/** The params, metrics (latest values) and user tags of runs, side by side, with what differs marked. */
export function diffRuns(runs: Run[]): DiffRow[] {
  return [...rowsOf(runs, 'param'), ...rowsOf(runs, 'metric'), ...rowsOf(runs, 'tag')];
}
