import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the layout', () => {
  const graph = importGraph(ROOT, ['contracts', 'tracker', 'worker', 'scripts']);

  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(200);
  });

  it('has no import cycle', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(importCycles(cyclic)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });

  it('keeps the worker and the tracker apart, and contracts free of both', () => {
    const crossing = [...graph].flatMap(([file, targets]) =>
      targets
        .filter(
          (t) =>
            (file.startsWith('worker/') && t.startsWith('tracker/')) ||
            (file.startsWith('tracker/') && t.startsWith('worker/')) ||
            (file.startsWith('contracts/') && (t.startsWith('tracker/') || t.startsWith('worker/'))),
        )
        .map((t) => `${file} → ${t}`),
    );
    expect(crossing).toEqual([]);
  });
});
