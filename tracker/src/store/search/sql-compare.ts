import type { Comparator, Comparison, OrderBy } from '../../../search/filter-ast.ts';
import { SearchSyntaxError } from '../../../search/filter-ast.ts';
import { decodePageToken, parseFilter, parseOrderBy, type SearchSpec } from '../../../search/index.ts';
import { invalid } from '../../errors.ts';
import { marks } from '../placeholders.ts';

/** A SQL value bound to a `?`. */
export type SqlArg = string | number | null;

/** SQL operators of the comparators that map one to one (the parser allows no other). */
const OPERATORS: Partial<Record<Comparator, string>> = {
  '=': '=',
  '!=': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/**
 * `column <comparator> ?` with the value pushed to `args`: never any user text in the SQL. LIKE is
 * case-sensitive (as MLflow documents it) through GLOB; ILIKE is SQLite's LIKE (case-insensitive).
 * `column` is always a fixed expression of the compiler, never user input.
 */
export function compareSql(column: string, c: Pick<Comparison, 'comparator' | 'value'>, args: SqlArg[]): string {
  const { comparator, value } = c;
  if (comparator === 'IN' || comparator === 'NOT IN') {
    const list = value as string[];
    args.push(...list);
    return `${column} ${comparator === 'IN' ? 'IN' : 'NOT IN'} (${marks(list.length)})`;
  }
  if (comparator === 'LIKE') {
    args.push(likeToGlob(String(value)));
    return `${column} GLOB ?`;
  }
  if (comparator === 'ILIKE') {
    args.push(String(value));
    return `${column} LIKE ?`;
  }
  const op = OPERATORS[comparator];
  if (!op) throw invalid(`Unsupported comparator '${comparator}'.`);
  args.push(value as string | number);
  return `${column} ${op} ?`;
}

/**
 * The SQL conditions of an experiment, model or version filter: a tag comparison as an EXISTS over the
 * entity's tag table (`f`, joined to the entity by `tag.join`), any other on its column from `columns`.
 */
export function filterConditions(
  filter: readonly Comparison[],
  columns: Record<string, string>,
  tag: { table: string; join: string },
  args: SqlArg[],
): string[] {
  return filter.map((c) => {
    if (c.type !== 'tag') return compareSql(columns[c.key]!, c, args);
    args.push(c.key);
    return `EXISTS (SELECT 1 FROM ${tag.table} f WHERE ${tag.join} AND f.key = ? AND ${compareSql('f.value', c, args)})`;
  });
}

/** A LIKE pattern (`%` any run, `_` one character) as the equivalent GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '%') out += '*';
    else if (ch === '_') out += '?';
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

/** The parsed filter, order_by and offset of a search request, syntax errors as INVALID_PARAMETER_VALUE. */
export function parseSearch(
  spec: SearchSpec,
  input: { filter?: string; order_by?: readonly string[]; page_token?: string },
): { filter: Comparison[]; orderBy: OrderBy[]; offset: number } {
  try {
    return {
      filter: parseFilter(input.filter, spec),
      orderBy: parseOrderBy(input.order_by, spec),
      offset: decodePageToken(input.page_token),
    };
  } catch (error) {
    if (error instanceof SearchSyntaxError) {
      throw invalid(
        error.message.startsWith('invalid page token')
          ? `Invalid page token: ${error.message.slice('invalid page token '.length)}.`
          : `Invalid search of ${spec.what}: ${error.message}.`,
      );
    }
    throw error;
  }
}

/** `ASC` or `DESC`. */
export const direction = (o: OrderBy): string => (o.ascending ? 'ASC' : 'DESC');
