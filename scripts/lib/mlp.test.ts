import { beforeAll, describe, expect, it } from 'vitest';
import { makeClassification } from './make-classification.ts';
import { balancedClassWeights, buildMlp, predictProbabilities, trainMlp, unstandardizeOutput } from './mlp.ts';
import { createRng } from './random.ts';
import { initBackend } from './tf-backend.ts';

beforeAll(async () => {
  await initBackend('cpu');
});

const data = makeClassification({ nSamples: 400, nFeatures: 5, nInformative: 3, nRedundant: 1, nClasses: 3, seed: 2 });
const part = (from: number, to: number) => ({ X: data.X.slice(from, to), y: data.y.slice(from, to) });

describe('trainMlp', () => {
  it('trains a multiclass network on class indices (softmax, macro AUC)', async () => {
    const model = buildMlp({
      inputDim: 5,
      hiddenUnits: [16],
      learningRate: 0.01,
      seed: 1,
      task: 'multiclass',
      classes: 3,
    });
    const { history } = await trainMlp(model, part(0, 300), part(300, 400), {
      epochs: 8,
      batchSize: 32,
      seed: 1,
      task: 'multiclass',
      classes: 3,
    });
    expect(Object.keys(history[0]!).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_auc', 'val_loss']);
    expect(history.at(-1)!.val_auc).toBeGreaterThan(0.75);
    expect((await predictProbabilities(model, [data.X[0]!])).length).toBe(3);
    model.dispose();
  });

  it('stops once the validation AUC has not improved for `patience` epochs and keeps the best weights', async () => {
    const model = buildMlp({
      inputDim: 5,
      hiddenUnits: [16],
      learningRate: 0.05,
      seed: 3,
      task: 'multiclass',
      classes: 3,
    });
    const result = await trainMlp(model, part(0, 300), part(300, 400), {
      epochs: 200,
      batchSize: 32,
      seed: 3,
      task: 'multiclass',
      classes: 3,
      patience: 3,
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(result.bestEpoch + 4);
    const aucs = result.history.map((l) => l.val_auc!);
    expect(Math.max(...aucs)).toBe(aucs[result.bestEpoch]);
    expect(aucs.slice(result.bestEpoch + 1).every((a) => a <= aucs[result.bestEpoch]!)).toBe(true);
    // the model answers with the best epoch's weights: its validation AUC is that epoch's
    const { multiclassRocAuc } = await import('./metrics.ts');
    const outputs = await predictProbabilities(model, part(300, 400).X);
    expect(multiclassRocAuc(part(300, 400).y, outputs, 3)).toBe(aucs[result.bestEpoch]);
    model.dispose();
  });

  it('weighs classes: balanced weights raise the recall of a rare class', async () => {
    const rng = createRng(9);
    const X = Array.from({ length: 600 }, () => [rng.normal(), rng.normal()]);
    const y = X.map(([a, b]) => (a! + 0.5 * b! + 0.6 * rng.normal() > 1.8 ? 1 : 0));
    expect(y.filter((v) => v === 1).length).toBeLessThan(60);
    const recallWith = async (classWeight?: number[]) => {
      const model = buildMlp({ inputDim: 2, hiddenUnits: [8], learningRate: 0.01, seed: 4 });
      await trainMlp(model, { X, y }, { X, y }, { epochs: 10, batchSize: 32, seed: 4, classWeight });
      const p = await predictProbabilities(model, X);
      model.dispose();
      const hits = y.filter((v, i) => v === 1 && p[i]! >= 0.5).length;
      return hits / y.filter((v) => v === 1).length;
    };
    const weights = balancedClassWeights(y, 2);
    expect(weights[1]!).toBeGreaterThan(5);
    expect(await recallWith(weights)).toBeGreaterThan((await recallWith()) + 0.2);
  });

  it('regresses, stopping on the validation loss, and answers in target units after unstandardizeOutput', async () => {
    const rng = createRng(5);
    const X = Array.from({ length: 300 }, () => [rng.normal(), rng.normal()]);
    const target = X.map(([a, b]) => 1000 + 200 * a! - 50 * b!);
    const z = target.map((t) => (t - 1000) / 200);
    const model = buildMlp({ inputDim: 2, hiddenUnits: [8], learningRate: 0.02, seed: 5, task: 'regression' });
    const { history } = await trainMlp(
      model,
      { X, y: z },
      { X, y: z },
      {
        epochs: 30,
        batchSize: 32,
        seed: 5,
        task: 'regression',
        patience: 5,
      },
    );
    expect(Object.keys(history[0]!).sort()).toEqual(['loss', 'val_loss', 'val_rmse']);
    const scaled = await predictProbabilities(model, X.slice(0, 5));
    unstandardizeOutput(model, { mean: 1000, std: 200 });
    const served = await predictProbabilities(model, X.slice(0, 5));
    served.forEach((v, i) => expect(v).toBeCloseTo(1000 + 200 * scaled[i]!, 2));
    expect(Math.abs(served[0]! - target[0]!)).toBeLessThan(60);
    model.dispose();
  });
});

describe('balancedClassWeights', () => {
  it("is sklearn's n / (k · n_c)", () => {
    expect(balancedClassWeights([0, 0, 0, 1], 2)).toEqual([4 / 6, 2]);
    expect(balancedClassWeights([0, 2, 2], 3)).toEqual([1, 1, 0.5]);
  });
});
