/*
 * The syntax tree of MLflow's search language (filters and order_by clauses). Pure TypeScript: the
 * tracker compiles it to SQL, the dashboard may parse with it to check a filter as it is typed.
 */

/** What a key names: a run's latest metric, a param, a tag, an attribute of the entity, a dataset. */
export type EntityType = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** MLflow's comparators. */
export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

/** A value on the right of a comparator: a number, a quoted string, or a list of quoted strings. */
export type FilterValue = number | string | string[];

/** One `<identifier> <comparator> <value>` of a filter; a filter is their conjunction (AND). */
export interface Comparison {
  type: EntityType;
  /** The key, unquoted; for attributes, the canonical attribute name (`created` → `start_time`). */
  key: string;
  comparator: Comparator;
  value: FilterValue;
  /** Offset of the comparison in the filter text (for error messages). */
  position: number;
}

/** One order_by clause. */
export interface OrderBy {
  type: EntityType;
  key: string;
  ascending: boolean;
}

/** A malformed filter or order_by clause; `position` is the offset in the text where it went wrong. */
export class SearchSyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'SearchSyntaxError';
    this.position = position;
  }
}
