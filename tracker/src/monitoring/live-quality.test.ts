import { describe, expect, it } from 'vitest';
import type { LabeledPrediction } from '../store/entities.ts';
import { liveQuality } from './live-quality.ts';

const row = (prediction: number | null, label: number | null, over: Partial<LabeledPrediction> = {}) => ({
  version: '1',
  arm: 'live' as const,
  status: prediction === null ? 500 : 200,
  latency_ms: 2,
  prediction,
  probability: prediction === null ? null : 0.5,
  label,
  ...over,
});

describe('liveQuality', () => {
  it('reads a multiclass model’s class mix and accuracy', () => {
    const rows = [row(0, 0), row(2, 1), row(2, 2), row(1, null), row(null, null)];
    const q = liveQuality(rows, { kind: 'multiclass', labels: ['a', 'b', 'c'] });
    expect(q.traffic).toEqual({ predictions: 5, errors: 1, error_rate: 0.2 });
    expect(q.output).toEqual({ class_mix: { a: 0.25, b: 0.25, c: 0.5 } });
    expect(q.labels).toEqual({ count: 3, accuracy: 2 / 3 });
  });

  it('gives a binary AUC of null with one class labeled, and counts only answered predictions as labeled', () => {
    const q = liveQuality([row(1, 1), row(0, 1), row(null, 1)], { kind: 'binary', threshold: 0.5, labels: ['n', 'y'] });
    expect(q.labels).toMatchObject({ count: 2, accuracy: 0.5, recall: 0.5, roc_auc: null });
  });

  it('without a signature reads the mean output and counts labels only; without rows, nulls', () => {
    expect(liveQuality([row(3, 1), row(5, 0)], undefined)).toMatchObject({
      kind: null,
      output: { mean: 4 },
      labels: { count: 2 },
    });
    const none = liveQuality([], { kind: 'regression' });
    expect(none.traffic).toEqual({ predictions: 0, errors: 0, error_rate: 0 });
    expect(none.latency_ms).toEqual({ p50: null, p95: null, p99: null });
    expect(none.output).toEqual({ mean: null });
  });
});
