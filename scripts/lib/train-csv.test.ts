import { beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_FILE, ReferenceProfile } from '../../contracts/index.ts';
import type { CsvTable } from './csv.ts';
import { loadModelFromFiles, predictWithSignature, readSignature } from './model-files.ts';
import { createRng } from './random.ts';
import { initBackend } from './tf-backend.ts';
import { describeTraining, trainFromCsv } from './train-csv.ts';

/** Transactions: fraud likelier for large amounts on the web channel; some cells missing. */
function transactions(n: number, seed = 1): CsvTable {
  const rng = createRng(seed);
  const channels = ['web', 'pos', 'atm'];
  const rows = Array.from({ length: n }, (_, i) => {
    const amount = Math.exp(3 + rng.normal());
    const channel = channels[rng.int(3)]!;
    const hour = rng.int(24);
    const score = Math.log(amount) - 3 + (channel === 'web' ? 1.5 : -0.5) + 0.3 * rng.normal();
    const label = i % 37 === 0 ? '' : score > 1 ? 'yes' : 'no';
    return [
      `t${i}`,
      i % 11 === 0 ? 'NA' : amount.toFixed(2),
      i % 13 === 0 ? '' : channel,
      String(hour),
      label,
      'constant',
    ];
  });
  return { header: ['txn_id', 'amount', 'channel', 'hour', 'is_fraud', 'note'], rows };
}

const fast = { epochs: 12, patience: 4, backend: 'cpu' as const, hiddenUnits: [16] };

beforeAll(async () => {
  await initBackend('cpu');
});

describe('trainFromCsv', () => {
  const table = transactions(600);

  it('trains a binary model on numeric and categorical columns with missing cells', async () => {
    const seen: number[] = [];
    const result = await trainFromCsv(table, { ...fast, label: 'is_fraud', id: 'txn_id', drop: ['note'] }, (e) => {
      seen.push(e);
    });
    expect(result.task).toBe('binary');
    expect(result.classes).toEqual(['no', 'yes']);
    expect(result.droppedRows).toBe(17);
    expect(result.columns.map((c) => [c.name, c.kind, c.role])).toEqual([
      ['txn_id', 'categorical', 'id'],
      ['amount', 'numeric', 'feature'],
      ['channel', 'categorical', 'feature'],
      ['hour', 'numeric', 'feature'],
      ['is_fraud', 'categorical', 'label'],
      ['note', 'categorical', 'dropped'],
    ]);
    expect(seen.length).toBe(result.history.length);
    expect(result.history.length).toBeLessThanOrEqual(12);
    expect(Object.keys(result.testMetrics).sort()).toEqual(['accuracy', 'f1', 'precision', 'recall', 'roc_auc']);
    expect(result.testMetrics.roc_auc).toBeGreaterThan(0.9);
    expect(result.params).toMatchObject({ task: 'binary', n_features: 3, n_inputs: 5, class_weight: 'balanced' });

    const signature = readSignature(result.files);
    expect(signature.inputs).toEqual([
      { name: 'amount', dtype: 'float32', impute: expect.any(Number) },
      { name: 'channel', dtype: 'string', categories: ['atm', 'pos', 'web'] },
      { name: 'hour', dtype: 'float32', impute: expect.any(Number) },
    ]);
    expect(signature.output).toEqual({ kind: 'binary', threshold: 0.5, labels: ['no', 'yes'] });
    expect(signature.preprocess?.standardize?.mean[1]).toBe(0);

    // the files, run as the worker preprocesses, give the trained model's answers; web is riskier
    const loaded = await loadModelFromFiles(result.files);
    const rows: (number | string | null)[][] = [
      [80, 'web', 3],
      [80, 'atm', 3],
      [null, null, 12],
    ];
    const served = await predictWithSignature(loaded, signature, rows);
    expect(served).toEqual(await predictWithSignature(result.model, signature, rows));
    expect(served[0]!).toBeGreaterThan(served[1]!);

    // reference.json declares the categorical input (category positions, -1 for missing)
    const reference = ReferenceProfile.parse(JSON.parse(new TextDecoder().decode(result.files[REFERENCE_FILE])));
    expect(reference.features.map((f) => [f.name, f.kind])).toEqual([
      ['amount', 'numeric'],
      ['channel', 'categorical'],
      ['hour', 'numeric'],
    ]);
    const channel = reference.features[1]!;
    expect(channel.kind === 'categorical' && channel.categories).toEqual([-1, 0, 1, 2]);
    expect(reference.output.field).toBe('probability');

    const text = describeTraining(result).join('\n');
    expect(text).toMatch(/^600 rows \(17 without a label, dropped\), 6 columns:/);
    expect(text).toMatch(/\n {2}amount +numeric +53 +507 +feature\n/);
    expect(text).toMatch(/task: binary \(negative "no", positive "yes"; --positive to choose\)/);
    expect(text).toMatch(/missing values: a numeric cell takes the training median/);
  });

  it('is deterministic for a seed; another seed trains other weights on the same split', async () => {
    const opts = { ...fast, epochs: 3, label: 'is_fraud', id: 'txn_id', drop: ['note'] };
    const a = await trainFromCsv(table, opts);
    const b = await trainFromCsv(table, opts);
    expect(b.files).toEqual(a.files);
    expect(b.history).toEqual(a.history);
    const other = await trainFromCsv(table, { ...opts, seed: 7 });
    expect(other.files['group1-shard1of1.bin']).not.toEqual(a.files['group1-shard1of1.bin']);
    expect(other.params.test_samples).toBe(a.params.test_samples);
    expect(other.signature.preprocess).toEqual(a.signature.preprocess); // fitted on the same training rows
  });

  it('trains multiclass from a text label and regression from a numeric one', async () => {
    const rng = createRng(3);
    const rows = Array.from({ length: 500 }, () => {
      const a = rng.normal();
      const b = rng.normal();
      const kind = a > 0.5 ? 'high' : a < -0.5 ? 'low' : 'mid';
      return [a.toFixed(4), b.toFixed(4), kind, (50 + 10 * a - 4 * b + rng.normal()).toFixed(3)];
    });
    const multi = { header: ['a', 'b', 'kind', 'price'], rows: rows.map((r) => [r[0]!, r[1]!, r[2]!]) };
    const m = await trainFromCsv({ ...multi, header: ['a', 'b', 'kind'] }, { ...fast, epochs: 20, label: 'kind' });
    expect(m.task).toBe('multiclass');
    expect(m.signature.output).toEqual({ kind: 'multiclass', labels: ['high', 'low', 'mid'] });
    expect(m.testMetrics.roc_auc).toBeGreaterThan(0.9);
    expect(Object.keys(m.testMetrics)).toContain('log_loss');
    expect(m.reference.output).toMatchObject({ field: 'prediction', column: { kind: 'categorical' } });

    const r = await trainFromCsv(
      { header: ['a', 'b', 'price'], rows: rows.map((row) => [row[0]!, row[1]!, row[3]!]) },
      { ...fast, epochs: 40, learningRate: 0.01, label: 'price' },
    );
    expect(r.task).toBe('regression');
    expect(r.signature.output).toEqual({ kind: 'regression' });
    expect(Object.keys(r.testMetrics).sort()).toEqual(['mae', 'r2', 'rmse']);
    expect(r.testMetrics.r2).toBeGreaterThan(0.9);
    // in target units: the served value of a = b = 0 is near 50
    const [atZero] = await predictWithSignature(r.model, r.signature, [[0, 0]]);
    expect(Math.abs(atZero! - 50)).toBeLessThan(3);
  });

  it.each([
    [
      { label: 'nope' },
      /^--label nope: no such column; the columns are txn_id, amount, channel, hour, is_fraud, note$/,
    ],
    [{ label: 'is_fraud', drop: ['x'] }, /^--drop x: no such column/],
    [{ label: 'is_fraud', categorical: ['is_fraud'] }, /that is the label/],
    [{ label: 'is_fraud', task: 'regression' as const }, /must be numeric/],
    [{ label: 'is_fraud', id: 'txn_id', drop: ['amount', 'channel', 'hour', 'note'] }, /no feature columns are left/],
    [{ label: 'is_fraud' }, /column "txn_id" has \d+ distinct values .* \(--drop it, or --id if it identifies rows\)/],
  ])('refuses %j', async (options, message) => {
    await expect(trainFromCsv(table, { ...fast, ...options })).rejects.toThrow(message);
  });
});
