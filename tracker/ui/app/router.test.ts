import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router.ts';

describe('parseRoute', () => {
  it('maps each page', () => {
    expect(parseRoute('/')).toEqual({ page: 'experiments' });
    expect(parseRoute('/experiments/')).toEqual({ page: 'experiments' });
    expect(parseRoute('/models')).toEqual({ page: 'models' });
    expect(parseRoute('/runs/abc123')).toEqual({ page: 'run', runId: 'abc123' });
    const runs = parseRoute('/experiments/7', '?filter=metrics.a%20%3E%201');
    expect(runs.page).toBe('runs');
    if (runs.page === 'runs') {
      expect(runs.experimentId).toBe('7');
      expect(runs.query.get('filter')).toBe('metrics.a > 1');
    }
  });

  it('decodes model names and keeps slashes inside one segment', () => {
    expect(parseRoute(href.model('team/fraud detector'))).toEqual({ page: 'model', name: 'team/fraud detector' });
  });

  it('parses compare run ids, dropping blanks and duplicates', () => {
    const r = parseRoute('/compare', '?runs=a,b,,a, c');
    expect(r.page === 'compare' && r.runIds).toEqual(['a', 'b', 'c']);
  });

  it('answers not-found for unknown paths and malformed escapes instead of throwing', () => {
    expect(parseRoute('/nope').page).toBe('not-found');
    expect(parseRoute('/runs/%E0%A4%A').page).toBe('not-found');
    expect(parseRoute('/runs/a/b').page).toBe('not-found');
  });

  it('round-trips hrefs', () => {
    expect(parseRoute(href.run('r 1'))).toEqual({ page: 'run', runId: 'r 1' });
    const c = parseRoute('/compare', href.compare(['x', 'y']).split('?')[1]);
    expect(c.page === 'compare' && c.runIds).toEqual(['x', 'y']);
  });
});
