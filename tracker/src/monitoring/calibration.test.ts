import { describe, expect, it } from 'vitest';
import { calibration } from './calibration.ts';
import fixtures from './fixtures/quality-fixtures.json' with { type: 'json' };

describe('calibration', () => {
  it('bins as scikit-learn’s calibration_curve (uniform) and scores as brier_score_loss, on a fixed sample', () => {
    const { y, p, n_bins, bins, brier } = fixtures.calibration;
    const got = calibration(y, p, n_bins);
    expect(got.brier).toBeCloseTo(brier, 12);
    expect(got.bins.map((b) => b.count)).toEqual(bins.map((b) => b.count));
    for (let i = 0; i < bins.length; i++) {
      expect(got.bins[i]!.lower).toBeCloseTo(bins[i]!.lower, 15);
      expect(got.bins[i]!.upper).toBeCloseTo(bins[i]!.upper, 15);
      expect(got.bins[i]!.mean_predicted ?? Number.NaN).toBeCloseTo(bins[i]!.mean_predicted ?? Number.NaN, 12);
      expect(got.bins[i]!.fraction_positive ?? Number.NaN).toBeCloseTo(bins[i]!.fraction_positive ?? Number.NaN, 12);
    }
  });

  it('puts a probability on an inner edge in the bin below, 0 in the first and 1 in the last', () => {
    const { bins, brier } = calibration([1, 0, 1, 0], [0, 0.5, 1, 0.2], 5);
    expect(bins.map((b) => b.count)).toEqual([2, 0, 1, 0, 1]);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.2, count: 2, mean_predicted: 0.1, fraction_positive: 0.5 });
    expect(bins[1]).toEqual({ lower: 0.2, upper: 0.4, count: 0, mean_predicted: null, fraction_positive: null });
    expect(brier).toBeCloseTo((1 + 0.25 + 0 + 0.04) / 4, 15);
  });
});
