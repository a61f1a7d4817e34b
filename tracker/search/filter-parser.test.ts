import { describe, expect, it } from 'vitest';
import { SearchSyntaxError } from './filter-ast.ts';
import { MAX_ORDER_BY, parseFilter, parseOrderBy } from './filter-parser.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { EXPERIMENT_SEARCH, MODEL_VERSION_SEARCH, REGISTERED_MODEL_SEARCH, RUN_SEARCH } from './search-spec.ts';

const runs = (f: string) => parseFilter(f, RUN_SEARCH).map(({ position: _p, ...c }) => c);
const fails = (f: string, spec = RUN_SEARCH) => {
  try {
    parseFilter(f, spec);
  } catch (error) {
    expect(error).toBeInstanceOf(SearchSyntaxError);
    return (error as SearchSyntaxError).message;
  }
  throw new Error(`parsed: ${f}`);
};

describe('parseFilter (runs)', () => {
  it('parses every entity type, comparator and AND', () => {
    expect(
      runs(
        `metrics.acc > 0.9 and params.opt = 'adam' AND tags."mlflow.user" != "ana" And attributes.status IN ('FAILED', 'KILLED')`,
      ),
    ).toEqual([
      { type: 'metric', key: 'acc', comparator: '>', value: 0.9 },
      { type: 'param', key: 'opt', comparator: '=', value: 'adam' },
      { type: 'tag', key: 'mlflow.user', comparator: '!=', value: 'ana' },
      { type: 'attribute', key: 'status', comparator: 'IN', value: ['FAILED', 'KILLED'] },
    ]);
    expect(runs('metric.loss <= -1.5e-3 and metrics.x >= 2 and metrics.y < .5 and metrics.z = 3')).toEqual([
      { type: 'metric', key: 'loss', comparator: '<=', value: -0.0015 },
      { type: 'metric', key: 'x', comparator: '>=', value: 2 },
      { type: 'metric', key: 'y', comparator: '<', value: 0.5 },
      { type: 'metric', key: 'z', comparator: '=', value: 3 },
    ]);
    expect(
      runs("params.lr LIKE '0.0%' and tags.team ILIKE '%ML%' and run_id NOT IN ('a') and dataset.name = 'd'"),
    ).toEqual([
      { type: 'param', key: 'lr', comparator: 'LIKE', value: '0.0%' },
      { type: 'tag', key: 'team', comparator: 'ILIKE', value: '%ML%' },
      { type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['a'] },
      { type: 'dataset', key: 'name', comparator: '=', value: 'd' },
    ]);
  });

  it('reads odd names in backticks and double quotes, dotted tag keys, aliases and unicode', () => {
    expect(
      runs('metrics.`error rate` < 1 and `params`.`model-type` = "cnn" and tags.mlflow.parentRunId = \'p\''),
    ).toEqual([
      { type: 'metric', key: 'error rate', comparator: '<', value: 1 },
      { type: 'param', key: 'model-type', comparator: '=', value: 'cnn' },
      { type: 'tag', key: 'mlflow.parentRunId', comparator: '=', value: 'p' },
    ]);
    expect(
      runs("attributes.created > 5 and `Run Name` = 'x' and attr.run_name = \"y\" and params.modèle = 'réseau 🧠'"),
    ).toEqual([
      { type: 'attribute', key: 'start_time', comparator: '>', value: 5 },
      { type: 'attribute', key: 'run_name', comparator: '=', value: 'x' },
      { type: 'attribute', key: 'run_name', comparator: '=', value: 'y' },
      { type: 'param', key: 'modèle', comparator: '=', value: 'réseau 🧠' },
    ]);
    expect(runs(`params.q = 'it''s' and params.r = 'a\\'b'`)).toEqual([
      { type: 'param', key: 'q', comparator: '=', value: "it's" },
      { type: 'param', key: 'r', comparator: '=', value: "a'b" },
    ]);
  });

  it('keeps injection attempts as plain values', () => {
    expect(runs(`params.x = '; DROP TABLE runs; --'`)).toEqual([
      { type: 'param', key: 'x', comparator: '=', value: '; DROP TABLE runs; --' },
    ]);
    expect(runs("tags.`a`` OR 1=1 --` = 'v'")).toEqual([
      { type: 'tag', key: 'a` OR 1=1 --', comparator: '=', value: 'v' },
    ]);
  });

  it('names the problem and its position', () => {
    expect(fails("params.x = 'a' OR params.y = 'b'")).toMatch(/'OR' at position 15 is not supported/);
    expect(fails('metrics.acc > high')).toMatch(/expected a number for metric 'acc' at position 14, found 'high'/);
    expect(fails('params.x = 3')).toMatch(/expected a quoted string value for param 'x'/);
    expect(fails('metrics.acc LIKE 3')).toMatch(/comparator 'LIKE' at position 0 is not supported for metric 'acc'/);
    expect(fails('params.x > "a"')).toMatch(/comparator '>' .* not supported for param 'x'/);
    expect(fails("foo.x = 'a'")).toMatch(/invalid entity type 'foo' at position 0/);
    expect(fails("attributes.nope = 'a'")).toMatch(/invalid attribute key 'nope'/);
    expect(fails("params.x = 'unterminated")).toMatch(/unterminated string starting at position 11/);
    expect(fails("params.x 'a'")).toMatch(/expected a comparator .* at position 9/);
    expect(fails('metrics.acc >')).toMatch(/expected a number .* found 'the end'/);
    expect(fails("params.x = 'a' params.y = 'b'")).toMatch(/expected AND or the end of the filter at position 15/);
    expect(fails("params.x = 'a'; DROP TABLE runs")).toMatch(/unexpected character ';' at position 14/);
    expect(fails("run_id IN ('a', 3)")).toMatch(/expected a quoted string in the list/);
    expect(fails("dataset.size = 'a'")).toMatch(/invalid dataset key 'size'/);
    expect(fails('metrics. = 1')).toMatch(/expected a name after '.'/);
  });

  it('refuses numbers a double cannot hold, naming the literal', () => {
    expect(fails('metrics.acc > 1e400')).toMatch(/the number 1e400 for metric 'acc' at position 14 is out of range/);
    expect(fails('metrics.acc < -1E999')).toMatch(/the number -1E999 /);
    expect(fails('creation_time > 1e309', EXPERIMENT_SEARCH)).toMatch(/1e309 for attribute 'creation_time'/);
    expect(fails('version_number = 1e400', MODEL_VERSION_SEARCH)).toMatch(/1e400/);
    expect(runs('metrics.a > 1.7976931348623157e308 and metrics.b > 1e-400')).toEqual([
      { type: 'metric', key: 'a', comparator: '>', value: Number.MAX_VALUE },
      { type: 'metric', key: 'b', comparator: '>', value: 0 },
    ]);
  });

  it('treats an empty filter as no comparison', () => {
    expect(parseFilter('', RUN_SEARCH)).toEqual([]);
    expect(parseFilter('   ', RUN_SEARCH)).toEqual([]);
    expect(parseFilter(undefined, RUN_SEARCH)).toEqual([]);
  });
});

describe('other searches', () => {
  it('registered models: bare name, tags; no metrics', () => {
    expect(parseFilter("name LIKE 'fraud%' and tags.team = 'risk'", REGISTERED_MODEL_SEARCH).map((c) => c.key)).toEqual(
      ['name', 'team'],
    );
    expect(fails('metrics.x > 1', REGISTERED_MODEL_SEARCH)).toMatch(
      /registered models cannot be searched by metric \(position 0\)/,
    );
  });
  it('model versions: run_id IN, source_path, version_number', () => {
    const parsed = parseFilter(
      "name = 'm' and run_id IN ('a','b') and version_number > 2 and source_path LIKE 'runs:/%'",
      MODEL_VERSION_SEARCH,
    );
    expect(parsed.map((c) => [c.key, c.comparator])).toEqual([
      ['name', '='],
      ['run_id', 'IN'],
      ['version_number', '>'],
      ['source_path', 'LIKE'],
    ]);
  });
});

describe('parseOrderBy', () => {
  it('parses keys and directions, ascending by default', () => {
    expect(
      parseOrderBy(['metrics.acc DESC', 'params.`lr` asc', 'start_time', 'attributes.run_name DESC'], RUN_SEARCH),
    ).toEqual([
      { type: 'metric', key: 'acc', ascending: false },
      { type: 'param', key: 'lr', ascending: true },
      { type: 'attribute', key: 'start_time', ascending: true },
      { type: 'attribute', key: 'run_name', ascending: false },
    ]);
  });
  it('refuses what it cannot order by', () => {
    expect(() => parseOrderBy(['metrics.acc DOWN'], RUN_SEARCH)).toThrow(/expected ASC or DESC at position 12/);
    expect(() => parseOrderBy(['dataset.name'], RUN_SEARCH)).toThrow(
      /cannot order runs by a dataset \(position 0\); they can be ordered by metrics.<key>, params.<key>, tags.<key>, run_id, /,
    );
    expect(() => parseOrderBy([''], RUN_SEARCH)).toThrow(/empty order_by clause/);
    expect(() => parseOrderBy(['run_id DESC', 'source_path'], MODEL_VERSION_SEARCH)).toThrow(
      /invalid attribute key 'run_id'/,
    );
  });

  it('orders experiments, models and versions by attributes only, saying which', () => {
    expect(() => parseOrderBy(['tags.x'], EXPERIMENT_SEARCH)).toThrow(
      /cannot order experiments by tag 'x' \(position 0\); they can be ordered by name, experiment_id, creation_time, last_update_time$/,
    );
    expect(() => parseOrderBy(['name', 'tags.`a b` DESC'], REGISTERED_MODEL_SEARCH)).toThrow(
      /cannot order registered models by tag 'a b' .* by name, creation_timestamp, last_updated_timestamp$/,
    );
    expect(() => parseOrderBy(['tag.x'], MODEL_VERSION_SEARCH)).toThrow(
      /by name, version_number, current_stage, creation_timestamp, last_updated_timestamp$/,
    );
  });

  it(`takes at most ${MAX_ORDER_BY} clauses`, () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `metrics.m${i} DESC`);
    expect(parseOrderBy(keys(MAX_ORDER_BY), RUN_SEARCH)).toHaveLength(MAX_ORDER_BY);
    for (const n of [MAX_ORDER_BY + 1, 31, 100]) {
      expect(() => parseOrderBy(keys(n), RUN_SEARCH)).toThrow(
        new RegExp(`at most ${MAX_ORDER_BY} order_by clauses are supported, got ${n}`),
      );
    }
  });
});

describe('page tokens', () => {
  it('round-trip and refuse forgeries', () => {
    expect(decodePageToken(encodePageToken(300))).toBe(300);
    expect(decodePageToken(undefined)).toBe(0);
    for (const bad of [
      'x',
      'eyJvZmZzZXQiOi0xfQ',
      btoa('{"offset":"1; DROP"}'),
      btoa('{"offset":1,"x":2}'),
      'a'.repeat(300),
    ]) {
      expect(() => decodePageToken(bad), bad).toThrow(SearchSyntaxError);
    }
  });
});
