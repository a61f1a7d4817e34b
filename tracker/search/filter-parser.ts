import {
  type Comparator,
  type Comparison,
  type EntityType,
  type FilterValue,
  type OrderBy,
  SearchSyntaxError,
} from './filter-ast.ts';
import { type Token, tokenize } from './filter-tokenizer.ts';
import { DATASET_KEYS, ENTITY_PREFIXES, type SearchSpec } from './search-spec.ts';

/** Longest filter or order_by clause accepted. */
export const MAX_FILTER_LENGTH = 10_000;

/**
 * Most order_by clauses a search takes. MLflow sets no limit; every clause costs an index lookup per
 * candidate row, and more than a handful of sort keys orders nothing a person reads. The dashboard
 * sends one.
 */
export const MAX_ORDER_BY = 10;

/**
 * Parses an MLflow search filter (`metrics.acc > 0.9 and params.opt = 'adam'`) into its comparisons,
 * checked against `spec` (which keys, comparators and value kinds it allows). An empty filter is no
 * comparison. Throws `SearchSyntaxError` naming the problem and its position.
 */
export function parseFilter(filter: string | undefined, spec: SearchSpec): Comparison[] {
  if (!filter?.trim()) return [];
  if (filter.length > MAX_FILTER_LENGTH)
    throw new SearchSyntaxError(`the filter is longer than ${MAX_FILTER_LENGTH} characters`, 0);
  const p = new Cursor(tokenize(filter));
  const out: Comparison[] = [];
  for (;;) {
    out.push(comparison(p, spec));
    const t = p.next();
    if (t.kind === 'end') return out;
    if (t.kind === 'word' && t.text.toUpperCase() === 'AND') continue;
    if (t.kind === 'word' && t.text.toUpperCase() === 'OR') {
      throw new SearchSyntaxError(
        `'OR' at position ${t.pos} is not supported; comparisons can only be joined with AND`,
        t.pos,
      );
    }
    throw new SearchSyntaxError(`expected AND or the end of the filter at position ${t.pos}, found '${t.text}'`, t.pos);
  }
}

/**
 * Parses order_by clauses (`metrics.acc DESC`, `attributes.start_time`, `name ASC`) against `spec`:
 * ascending unless DESC, at most `MAX_ORDER_BY` of them. Throws `SearchSyntaxError`.
 */
export function parseOrderBy(clauses: readonly string[] | undefined, spec: SearchSpec): OrderBy[] {
  if (clauses && clauses.length > MAX_ORDER_BY) {
    throw new SearchSyntaxError(`at most ${MAX_ORDER_BY} order_by clauses are supported, got ${clauses.length}`, 0);
  }
  return (clauses ?? []).map((clause) => {
    if (clause.length > MAX_FILTER_LENGTH)
      throw new SearchSyntaxError(`an order_by clause is longer than ${MAX_FILTER_LENGTH} characters`, 0);
    const p = new Cursor(tokenize(clause));
    if (p.peek().kind === 'end') throw new SearchSyntaxError('empty order_by clause', 0);
    const start = p.peek().pos;
    const { type, key } = identifier(p, spec, 'order');
    let ascending = true;
    const t = p.next();
    if (t.kind === 'word' && /^(asc|desc)$/i.test(t.text)) {
      ascending = t.text.toUpperCase() === 'ASC';
      const end = p.next();
      if (end.kind !== 'end')
        throw new SearchSyntaxError(
          `unexpected '${end.text}' at position ${end.pos} of order_by clause '${clause}'`,
          end.pos,
        );
    } else if (t.kind !== 'end') {
      throw new SearchSyntaxError(
        `expected ASC or DESC at position ${t.pos} of order_by clause '${clause}', found '${t.text}'`,
        t.pos,
      );
    }
    if (type !== 'attribute' && !spec.entities[type]?.orderable) {
      throw new SearchSyntaxError(
        `cannot order ${spec.what} by ${type === 'dataset' ? 'a dataset' : describe(type, key)} (position ${start}); ` +
          `they can be ordered by ${orderable(spec)}`,
        start,
      );
    }
    return { type, key, ascending };
  });
}

class Cursor {
  #i = 0;
  constructor(readonly tokens: Token[]) {}
  peek(): Token {
    return this.tokens[this.#i]!;
  }
  next(): Token {
    const t = this.tokens[this.#i]!;
    if (t.kind !== 'end') this.#i++;
    return t;
  }
}

function comparison(p: Cursor, spec: SearchSpec): Comparison {
  const position = p.peek().pos;
  const { type, key, kind, comparators } = identifier(p, spec, 'filter');
  const comparator = readComparator(p);
  if (!comparators.includes(comparator)) {
    throw new SearchSyntaxError(
      `comparator '${comparator}' at position ${position} is not supported for ${describe(type, key)}; use one of ${comparators.join(', ')}`,
      position,
    );
  }
  const value = readValue(p, comparator, kind, describe(type, key));
  return { type, key, comparator, value, position };
}

/** What order_by may name in `spec`, for messages. */
function orderable(spec: SearchSpec): string {
  const entities = (['metric', 'param', 'tag'] as const)
    .filter((type) => spec.entities[type]?.orderable)
    .map((type) => `${type}s.<key>`);
  const attributes = new Set(
    Object.values(spec.attributes)
      .filter((a) => a.orderable)
      .map((a) => a.name),
  );
  return [...entities, ...attributes].join(', ');
}

function describe(type: EntityType, key: string): string {
  return type === 'attribute' ? `attribute '${key}'` : `${type} '${key}'`;
}

interface Identified {
  type: EntityType;
  key: string;
  kind: 'string' | 'number';
  comparators: readonly Comparator[];
}

/** `entity.key`, `entity.\`odd key\``, `entity."odd key"`, `tags.mlflow.runName`, or a bare attribute. */
function identifier(p: Cursor, spec: SearchSpec, use: 'filter' | 'order'): Identified {
  const first = p.next();
  if (first.kind !== 'word' && first.kind !== 'backtick' && first.kind !== 'string') {
    throw new SearchSyntaxError(
      first.kind === 'end'
        ? `expected an identifier (e.g. metrics.accuracy) at the end of the ${use === 'filter' ? 'filter' : 'order_by clause'}`
        : `expected an identifier (e.g. metrics.accuracy) at position ${first.pos}, found '${first.text}'`,
      first.pos,
    );
  }
  let prefix: string;
  let key: string | undefined;
  let open = false;
  if (first.kind === 'word') {
    const dot = first.text.indexOf('.');
    prefix = dot === -1 ? first.text : first.text.slice(0, dot);
    if (dot !== -1) {
      const rest = first.text.slice(dot + 1);
      open = rest === '' || rest.endsWith('.');
      key = open ? rest.slice(0, -1) || undefined : rest;
    }
  } else {
    prefix = first.value;
  }
  // continuation: `.` then a quoted or bare part (`metrics."a b"`, `\`tags\`.\`k\``)
  while (open || (p.peek().kind === 'dot' && !p.peek().spaced)) {
    if (!open) p.next();
    const part = p.next();
    if ((part.kind !== 'word' && part.kind !== 'backtick' && part.kind !== 'string') || part.spaced) {
      throw new SearchSyntaxError(`expected a name after '.' at position ${part.pos}`, part.pos);
    }
    const text = part.kind === 'word' ? part.text : part.value;
    open = part.kind === 'word' && text.endsWith('.');
    const piece = open ? text.slice(0, -1) : text;
    key = key === undefined ? piece : `${key}.${piece}`;
  }
  if (key === undefined) {
    // a bare name is an attribute (MLflow's rule)
    return attribute(spec, prefix, first.pos, use);
  }
  const type = ENTITY_PREFIXES[prefix];
  if (!type) {
    const valid = ['metrics', 'params', 'tags', 'attributes', 'datasets'].filter(
      (e) => e === 'attributes' || spec.entities[ENTITY_PREFIXES[e] as 'tag'],
    );
    throw new SearchSyntaxError(
      `invalid entity type '${prefix}' at position ${first.pos}; valid types are ${valid.join(', ')}`,
      first.pos,
    );
  }
  if (!key) throw new SearchSyntaxError(`missing key after '${prefix}.' at position ${first.pos}`, first.pos);
  if (type === 'attribute') return attribute(spec, key, first.pos, use);
  const entity = spec.entities[type];
  if (!entity)
    throw new SearchSyntaxError(`${spec.what} cannot be searched by ${type} (position ${first.pos})`, first.pos);
  if (type === 'dataset' && !(DATASET_KEYS as readonly string[]).includes(key)) {
    throw new SearchSyntaxError(
      `invalid dataset key '${key}' at position ${first.pos}; valid keys are ${DATASET_KEYS.join(', ')}`,
      first.pos,
    );
  }
  return { type, key, kind: entity.kind, comparators: entity.comparators };
}

function attribute(spec: SearchSpec, name: string, pos: number, use: 'filter' | 'order'): Identified {
  const attr = Object.hasOwn(spec.attributes, name) ? spec.attributes[name] : undefined;
  if (!attr || (use === 'order' && !attr.orderable)) {
    const valid = [
      ...new Set(
        Object.entries(spec.attributes)
          .filter(([, a]) => use === 'filter' || a.orderable)
          .map(([k]) => k),
      ),
    ];
    throw new SearchSyntaxError(
      `invalid attribute key '${name}' at position ${pos}; valid keys are ${valid.join(', ')}`,
      pos,
    );
  }
  return { type: 'attribute', key: attr.name, kind: attr.kind, comparators: attr.comparators };
}

function readComparator(p: Cursor): Comparator {
  const t = p.next();
  if (t.kind === 'op') return t.text as Comparator;
  if (t.kind === 'word') {
    const word = t.text.toUpperCase();
    if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return word;
    if (word === 'NOT') {
      const n = p.next();
      if (n.kind === 'word' && n.text.toUpperCase() === 'IN') return 'NOT IN';
      throw new SearchSyntaxError(`expected IN after NOT at position ${n.pos}`, n.pos);
    }
  }
  throw new SearchSyntaxError(
    t.kind === 'end'
      ? 'expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) at the end of the filter'
      : `expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) at position ${t.pos}, found '${t.text}'`,
    t.pos,
  );
}

function readValue(p: Cursor, comparator: Comparator, kind: 'string' | 'number', what: string): FilterValue {
  const t = p.next();
  if (comparator === 'IN' || comparator === 'NOT IN') {
    if (t.kind !== 'lparen')
      throw new SearchSyntaxError(`expected '(' after ${comparator} at position ${t.pos}`, t.pos);
    const values: string[] = [];
    for (;;) {
      const v = p.next();
      if (v.kind !== 'string') {
        throw new SearchSyntaxError(
          `expected a quoted string in the list at position ${v.pos}, found '${v.text || 'the end'}'`,
          v.pos,
        );
      }
      values.push(v.value);
      const sep = p.next();
      if (sep.kind === 'rparen') break;
      if (sep.kind !== 'comma')
        throw new SearchSyntaxError(
          `expected ',' or ')' at position ${sep.pos}, found '${sep.text || 'the end'}'`,
          sep.pos,
        );
    }
    if (values.length > 1000)
      throw new SearchSyntaxError(`a list holds at most 1000 values (position ${t.pos})`, t.pos);
    return values;
  }
  if (kind === 'number') {
    if (t.kind !== 'number') {
      throw new SearchSyntaxError(
        `expected a number for ${what} at position ${t.pos}, found '${t.text || 'the end'}'`,
        t.pos,
      );
    }
    const n = Number(t.text);
    if (!Number.isFinite(n)) {
      throw new SearchSyntaxError(
        `the number ${t.text} for ${what} at position ${t.pos} is out of range (at most ±${Number.MAX_VALUE})`,
        t.pos,
      );
    }
    return n;
  }
  if (t.kind !== 'string') {
    throw new SearchSyntaxError(
      `expected a quoted string value for ${what} (e.g. 'my-value') at position ${t.pos}, found '${t.text || 'the end'}'`,
      t.pos,
    );
  }
  return t.value;
}
