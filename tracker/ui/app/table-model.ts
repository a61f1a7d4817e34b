import type { Run } from '../../client/schemas.ts';
import { formatDuration, formatNumber, formatTime } from './format.ts';

/** A column of the runs table. */
export type Column =
  | { kind: 'attr'; key: 'run_name' | 'status' | 'start_time' | 'duration' | 'user_id' }
  | { kind: 'param' | 'metric' | 'tag'; key: string };

/** Sort direction. */
export type Direction = 'ASC' | 'DESC';

/** The columns every runs table starts with. */
export const ATTR_COLUMNS: Column[] = [
  { kind: 'attr', key: 'run_name' },
  { kind: 'attr', key: 'status' },
  { kind: 'attr', key: 'start_time' },
  { kind: 'attr', key: 'duration' },
];

const ATTR_LABEL: Record<string, string> = {
  run_name: 'Run name',
  status: 'Status',
  start_time: 'Started',
  duration: 'Duration',
  user_id: 'User',
};

const PREFIX = { param: 'params', metric: 'metrics', tag: 'tags', attr: 'attributes' } as const;

/** `params.lr`, `metrics.loss`, `tags.x`, `attributes.status`: the id used in URLs and filters. */
export function columnId(col: Column): string {
  return `${PREFIX[col.kind]}.${col.key}`;
}

/** Parses a column id back; null for anything unknown. */
export function parseColumnId(id: string): Column | null {
  const dot = id.indexOf('.');
  if (dot <= 0 || dot === id.length - 1) return null;
  const prefix = id.slice(0, dot);
  const key = id.slice(dot + 1);
  if (prefix === 'params') return { kind: 'param', key };
  if (prefix === 'metrics') return { kind: 'metric', key };
  if (prefix === 'tags') return { kind: 'tag', key };
  if (prefix === 'attributes' && key in ATTR_LABEL) return { kind: 'attr', key } as Column;
  return null;
}

/** Header text of a column. */
export function columnLabel(col: Column): string {
  return col.kind === 'attr' ? ATTR_LABEL[col.key]! : col.key;
}

/** Quotes a key for MLflow's search grammar when it is not a plain identifier. */
export function quoteKey(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``;
}

/** The `order_by` entry for sorting by a column, or null when the server cannot sort by it. */
export function orderByFor(col: Column, dir: Direction): string | null {
  if (col.kind === 'attr') {
    if (col.key === 'duration') return null;
    return `attributes.${col.key} ${dir}`;
  }
  return `${PREFIX[col.kind]}.${quoteKey(col.key)} ${dir}`;
}

/** The value a cell shows. */
export function cellText(run: Run, col: Column): string {
  const { info, data } = run;
  switch (col.kind) {
    case 'attr':
      if (col.key === 'run_name') return info.run_name || info.run_id;
      if (col.key === 'status') return info.status;
      if (col.key === 'start_time') return formatTime(info.start_time);
      if (col.key === 'user_id') return info.user_id ?? '';
      return formatDuration(runDuration(run));
    case 'param':
      return data.params?.find((p) => p.key === col.key)?.value ?? '';
    case 'tag':
      return data.tags?.find((t) => t.key === col.key)?.value ?? '';
    case 'metric':
      return formatNumber(data.metrics?.find((m) => m.key === col.key)?.value);
  }
}

/** Run duration in ms (until now while running), or undefined. */
export function runDuration(run: Run, now = Date.now()): number | undefined {
  const start = run.info.start_time;
  if (!start) return undefined;
  const end = run.info.end_time || (run.info.status === 'RUNNING' ? now : undefined);
  return end === undefined ? undefined : Number(end) - Number(start);
}

/** Keys of params, metrics and user tags seen in a page of runs, each sorted. */
export function discoverKeys(runs: Run[]): { params: string[]; metrics: string[]; tags: string[] } {
  const params = new Set<string>();
  const metrics = new Set<string>();
  const tags = new Set<string>();
  for (const r of runs) {
    for (const p of r.data.params ?? []) params.add(p.key);
    for (const m of r.data.metrics ?? []) metrics.add(m.key);
    for (const t of r.data.tags ?? []) if (!t.key.startsWith('mlflow.')) tags.add(t.key);
  }
  const sorted = (s: Set<string>) => [...s].sort((a, b) => a.localeCompare(b));
  return { params: sorted(params), metrics: sorted(metrics), tags: sorted(tags) };
}

/** The default columns: attributes, then up to `limit` metrics and params from the page. */
export function defaultColumns(runs: Run[], limit = 6): Column[] {
  const keys = discoverKeys(runs);
  return [
    ...ATTR_COLUMNS,
    ...keys.metrics.slice(0, limit).map((key): Column => ({ kind: 'metric', key })),
    ...keys.params.slice(0, limit).map((key): Column => ({ kind: 'param', key })),
  ];
}

/** The runs table's state as kept in the URL: filter, sort, chosen columns, page size. */
export interface TableState {
  filter: string;
  sort: { column: Column; dir: Direction } | null;
  columns: Column[] | null;
  pageSize: number;
}

/** Page sizes offered. */
export const PAGE_SIZES = [25, 50, 100, 250, 1000];

/** Reads the table state from URL query parameters. */
export function readTableState(q: URLSearchParams): TableState {
  const sortId = q.get('sort');
  const col = sortId ? parseColumnId(sortId) : null;
  const dir: Direction = q.get('dir') === 'ASC' ? 'ASC' : 'DESC';
  const cols = q
    .getAll('col')
    .map(parseColumnId)
    .filter((c): c is Column => c !== null);
  const size = Number(q.get('size'));
  return {
    filter: q.get('filter') ?? '',
    sort: col ? { column: col, dir } : null,
    columns: cols.length ? cols : null,
    pageSize: PAGE_SIZES.includes(size) ? size : 100,
  };
}

/** Writes the table state to URL query parameters (inverse of `readTableState`). */
export function writeTableState(s: TableState): URLSearchParams {
  const q = new URLSearchParams();
  if (s.filter) q.set('filter', s.filter);
  if (s.sort) {
    q.set('sort', columnId(s.sort.column));
    q.set('dir', s.sort.dir);
  }
  for (const c of s.columns ?? []) q.append('col', columnId(c));
  if (s.pageSize !== 100) q.set('size', String(s.pageSize));
  return q;
}

/** The runs/search `order_by` for a table state (newest first by default). */
export function orderByForState(s: TableState): string[] {
  const o = s.sort ? orderByFor(s.sort.column, s.sort.dir) : null;
  return [o ?? 'attributes.start_time DESC'];
}

/** Sort state after a click on a column header: new column → DESC, same column → flip. */
export function nextSort(current: TableState['sort'], col: Column): TableState['sort'] {
  if (current && columnId(current.column) === columnId(col)) {
    return { column: col, dir: current.dir === 'DESC' ? 'ASC' : 'DESC' };
  }
  return { column: col, dir: col.kind === 'attr' && col.key === 'run_name' ? 'ASC' : 'DESC' };
}
