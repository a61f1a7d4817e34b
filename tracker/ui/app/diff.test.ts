import { describe, expect, it } from 'vitest';
import { Run } from '../../client/schemas.ts';
import { diffRuns } from './diff.ts';

const run = (
  id: string,
  params: Record<string, string>,
  metrics: Record<string, number>,
  tags: Record<string, string> = {},
): Run =>
  Run.parse({
    info: {
      run_id: id,
      experiment_id: '1',
      status: 'FINISHED',
      start_time: 0,
      artifact_uri: '',
      lifecycle_stage: 'active',
    },
    data: {
      params: Object.entries(params).map(([key, value]) => ({ key, value })),
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })),
      tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    },
  });

describe('diffRuns', () => {
  it('marks rows that differ, including keys one run lacks', () => {
    const rows = diffRuns([
      run('a', { lr: '0.1', opt: 'adam' }, { acc: 0.9 }),
      run('b', { lr: '0.01', opt: 'adam', extra: 'x' }, { acc: 0.9 }),
    ]);
    const byKey = Object.fromEntries(rows.map((r) => [`${r.section}.${r.key}`, r]));
    expect(byKey['param.lr']).toMatchObject({ values: ['0.1', '0.01'], differs: true });
    expect(byKey['param.opt']).toMatchObject({ values: ['adam', 'adam'], differs: false });
    expect(byKey['param.extra']).toMatchObject({ values: [undefined, 'x'], differs: true });
    expect(byKey['metric.acc']).toMatchObject({ differs: false });
  });

  it('orders params, then metrics, then user tags (system tags left out)', () => {
    const rows = diffRuns([run('a', { b: '1', a: '1' }, { m: 1 }, { 'mlflow.user': 'x', team: 'y' })]);
    expect(rows.map((r) => `${r.section}.${r.key}`)).toEqual(['param.a', 'param.b', 'metric.m', 'tag.team']);
  });
});
