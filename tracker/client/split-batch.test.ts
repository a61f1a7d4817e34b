import { describe, expect, it } from 'vitest';
import { splitBatch } from './split-batch.ts';

const n = (count: number, tag: string) => Array.from({ length: count }, (_, i) => `${tag}${i}`);
const shape = (parts: ReturnType<typeof splitBatch<string, string>>) =>
  parts.map((p) => [p.metrics.length, p.params.length, p.tags.length]);

describe('splitBatch', () => {
  it('keeps a batch at the limits in one request', () => {
    expect(shape(splitBatch({ metrics: n(1000, 'm') }))).toEqual([[1000, 0, 0]]);
    expect(shape(splitBatch({ metrics: n(800, 'm'), params: n(100, 'p'), tags: n(100, 't') }))).toEqual([
      [800, 100, 100],
    ]);
  });

  it('splits one past each limit', () => {
    expect(shape(splitBatch({ metrics: n(1001, 'm') }))).toEqual([
      [1000, 0, 0],
      [1, 0, 0],
    ]);
    expect(shape(splitBatch({ params: n(101, 'p') }))).toEqual([
      [0, 100, 0],
      [0, 1, 0],
    ]);
    expect(shape(splitBatch({ tags: n(101, 't') }))).toEqual([
      [0, 0, 100],
      [0, 0, 1],
    ]);
    expect(shape(splitBatch({ metrics: n(801, 'm'), params: n(100, 'p'), tags: n(100, 't') }))).toEqual([
      [800, 100, 100],
      [1, 0, 0],
    ]);
  });

  it('keeps every item, in order, and gives nothing for nothing', () => {
    const metrics = n(2345, 'm');
    const params = n(333, 'p');
    const parts = splitBatch({ metrics, params, tags: [] });
    expect(parts.flatMap((p) => p.metrics)).toEqual(metrics);
    expect(parts.flatMap((p) => p.params)).toEqual(params);
    expect(splitBatch({})).toEqual([]);
  });
});
