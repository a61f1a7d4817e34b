import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE, ReferenceProfile } from '../../contracts/index.ts';
import { loadModelFromFiles, predictWithSignature, readSignature } from './model-files.ts';
import { trainDemoModel } from './train-demo.ts';

describe('trainDemoModel (reduced data set)', () => {
  it('learns: test AUC well above chance, falling loss, per-epoch metrics, loadable files', async () => {
    const seen: number[] = [];
    const result = await trainDemoModel({ nSamples: 1000, epochs: 6, backend: 'cpu' }, (epoch) => {
      seen.push(epoch);
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result.history).toHaveLength(6);
    for (const logs of result.history) {
      expect(Object.keys(logs).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_auc', 'val_loss']);
      expect(Object.values(logs).every(Number.isFinite)).toBe(true);
    }
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    expect(result.testMetrics.roc_auc).toBeGreaterThan(0.9);
    expect(result.testMetrics.accuracy).toBeGreaterThan(0.75);
    expect(result.params).toMatchObject({
      n_samples: 1000,
      n_features: 20,
      epochs: 6,
      hidden_units: '64,32',
      test_samples: 200,
      train_samples: 720,
      val_samples: 80,
      tfjs_backend: 'cpu',
    });

    // the files reproduce the in-memory model's test predictions
    const signature = readSignature(result.files);
    const loaded = await loadModelFromFiles(result.files);
    const sample = [signature.sample];
    expect(await predictWithSignature(loaded, signature, sample)).toEqual(
      await predictWithSignature(result.model, result.signature, sample),
    );

    // reference.json: the 800 raw training rows of every input, the validation part's probabilities
    const reference = ReferenceProfile.parse(JSON.parse(new TextDecoder().decode(result.files[REFERENCE_FILE])));
    expect(reference).toEqual(result.reference);
    expect(reference.source).toBe('training');
    expect(reference.features.map((f) => f.name)).toEqual(signature.inputs.map((i) => i.name));
    for (const [f, column] of reference.features.entries()) {
      if (column.kind !== 'numeric') throw new Error(`${column.name} is not numeric`);
      expect(column.count).toBe(800);
      expect(column.edges).toHaveLength(9);
      expect(column.sample).toHaveLength(800);
      expect(column.mean).toBeCloseTo(signature.preprocess!.standardize!.mean[f]!, 9);
    }
    expect(reference.output.field).toBe('probability');
    expect(reference.output.column.count).toBe(80);
  });

  it('is deterministic for a seed and does not leak tensors across epochs', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const opts = { nSamples: 400, epochs: 2, backend: 'cpu' } as const;
    const a = await trainDemoModel(opts);
    const before = tf.memory().numTensors;
    const b = await trainDemoModel(opts);
    const perTwoEpochRun = tf.memory().numTensors - before;
    expect(b.history).toEqual(a.history);
    expect(b.testMetrics).toEqual(a.testMetrics);
    expect(b.files).toEqual(a.files);

    // a longer run keeps only its model's weights and optimizer state, no per-epoch garbage
    const mid = tf.memory().numTensors;
    await trainDemoModel({ ...opts, epochs: 4 });
    expect(tf.memory().numTensors - mid).toBe(perTwoEpochRun);

    const other = await trainDemoModel({ ...opts, seed: 7 });
    expect(other.files['group1-shard1of1.bin']).not.toEqual(a.files['group1-shard1of1.bin']);
  });
});
