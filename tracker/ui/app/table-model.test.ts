import { describe, expect, it } from 'vitest';
import { Run } from '../../client/schemas.ts';
import {
  cellText,
  columnId,
  defaultColumns,
  discoverKeys,
  nextSort,
  orderByFor,
  orderByForState,
  parseColumnId,
  quoteKey,
  readTableState,
  runDuration,
  writeTableState,
} from './table-model.ts';

function run(id: string, extra: Partial<Run['data']> = {}, info: Partial<Run['info']> = {}): Run {
  return Run.parse({
    info: {
      run_id: id,
      experiment_id: '1',
      status: 'FINISHED',
      start_time: 1000,
      end_time: 4000,
      artifact_uri: '',
      lifecycle_stage: 'active',
      ...info,
    },
    data: extra,
  });
}

describe('columns', () => {
  it('round-trips ids, including keys with dots and spaces', () => {
    for (const id of ['params.lr', 'metrics.val.loss', 'tags.my tag', 'attributes.status'])
      expect(columnId(parseColumnId(id)!)).toBe(id);
    expect(parseColumnId('attributes.nope')).toBeNull();
    expect(parseColumnId('junk')).toBeNull();
    expect(parseColumnId('params.')).toBeNull();
  });

  it('builds MLflow order_by clauses, quoting odd keys with backticks', () => {
    expect(orderByFor({ kind: 'metric', key: 'loss' }, 'ASC')).toBe('metrics.loss ASC');
    expect(orderByFor({ kind: 'param', key: 'batch size' }, 'DESC')).toBe('params.`batch size` DESC');
    expect(orderByFor({ kind: 'attr', key: 'start_time' }, 'DESC')).toBe('attributes.start_time DESC');
    expect(orderByFor({ kind: 'attr', key: 'duration' }, 'DESC')).toBeNull();
    expect(quoteKey('a`b c')).toBe('`ab c`');
  });

  it('reads cells from a run', () => {
    const r = run(
      'r1',
      { params: [{ key: 'lr', value: '0.01' }], metrics: [{ key: 'acc', value: 0.912345678, step: 3, timestamp: 1 }] },
      { run_name: '<b>x</b>' },
    );
    expect(cellText(r, { kind: 'attr', key: 'run_name' })).toBe('<b>x</b>');
    expect(cellText(r, { kind: 'param', key: 'lr' })).toBe('0.01');
    expect(cellText(r, { kind: 'metric', key: 'acc' })).toBe('0.912346');
    expect(cellText(r, { kind: 'metric', key: 'missing' })).toBe('');
    expect(cellText(r, { kind: 'attr', key: 'duration' })).toBe('3.0s');
    expect(cellText(run('r2'), { kind: 'attr', key: 'run_name' })).toBe('r2');
  });

  it('measures a running run up to now', () => {
    expect(runDuration(run('r', {}, { status: 'RUNNING', end_time: undefined }), 6000)).toBe(5000);
    expect(runDuration(run('r', {}, { status: 'FAILED', end_time: undefined }))).toBeUndefined();
  });

  it('discovers keys (sorted, system tags left out) and default columns', () => {
    const runs = [
      run('a', {
        params: [{ key: 'z', value: '1' }],
        metrics: [{ key: 'm2', value: 1, step: 0, timestamp: 0 }],
        tags: [
          { key: 'mlflow.user', value: 'u' },
          { key: 'team', value: 't' },
        ],
      }),
      run('b', { params: [{ key: 'a', value: '2' }], metrics: [{ key: 'm1', value: 1, step: 0, timestamp: 0 }] }),
    ];
    expect(discoverKeys(runs)).toEqual({ params: ['a', 'z'], metrics: ['m1', 'm2'], tags: ['team'] });
    expect(defaultColumns(runs, 1).map(columnId)).toEqual([
      'attributes.run_name',
      'attributes.status',
      'attributes.start_time',
      'attributes.duration',
      'metrics.m1',
      'params.a',
    ]);
  });
});

describe('table state in the URL', () => {
  it('round-trips filter, sort, columns and page size', () => {
    const s = {
      filter: "params.lr = '0.1' and metrics.acc > 0.5",
      sort: { column: { kind: 'metric' as const, key: 'acc' }, dir: 'ASC' as const },
      columns: [
        { kind: 'param' as const, key: 'lr' },
        { kind: 'metric' as const, key: 'acc' },
      ],
      pageSize: 250,
    };
    expect(readTableState(new URLSearchParams(writeTableState(s).toString()))).toEqual(s);
  });

  it('falls back to defaults on junk', () => {
    expect(readTableState(new URLSearchParams('sort=bogus&size=7&col=nope'))).toEqual({
      filter: '',
      sort: null,
      columns: null,
      pageSize: 100,
    });
  });

  it('orders newest first by default, else by the sorted column', () => {
    expect(orderByForState(readTableState(new URLSearchParams()))).toEqual(['attributes.start_time DESC']);
    expect(orderByForState(readTableState(new URLSearchParams('sort=metrics.loss&dir=ASC')))).toEqual([
      'metrics.loss ASC',
    ]);
  });

  it('flips direction on the same column, starts DESC on a new one', () => {
    const loss = { kind: 'metric' as const, key: 'loss' };
    const first = nextSort(null, loss);
    expect(first).toEqual({ column: loss, dir: 'DESC' });
    expect(nextSort(first, loss)).toEqual({ column: loss, dir: 'ASC' });
    expect(nextSort(first, { kind: 'attr', key: 'run_name' })!.dir).toBe('ASC');
  });
});
