import type { MetricLogger } from './metric-logger.ts';

/** The part of a tfjs `CustomCallbackArgs` that `fitLogger` fills (typed here so the client needs no tfjs). */
export interface EpochCallback {
  onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void>;
}

/**
 * A tfjs `model.fit` callback that logs every numeric value of each epoch's logs (loss, val_loss,
 * accuracy, …) with `step = epoch` — the TypeScript counterpart of `mlflow.keras.autolog`'s metrics.
 * Pass it as `callbacks: new tf.CustomCallback(fitLogger(logger))` (or as a plain callbacks object),
 * and close the logger after `fit` returns.
 */
export function fitLogger(logger: MetricLogger): EpochCallback {
  return {
    async onEpochEnd(epoch, logs) {
      for (const [key, value] of Object.entries(logs ?? {})) {
        if (typeof value === 'number') logger.log(key, value, epoch);
      }
    },
  };
}
