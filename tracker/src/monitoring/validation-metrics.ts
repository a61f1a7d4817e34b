import { MlflowError } from '../errors.ts';
import type { TrackingStore } from '../store/tracking-store.ts';

/**
 * Prefix of the held-out test metrics in a run (`test_accuracy`, …, `test_roc_auc`, as `npm run train` logs
 * them), so they do not collide with the per-epoch training `accuracy`/`loss` history.
 */
export const TEST_METRIC_PREFIX = 'test_';

/**
 * The validation metrics of a model version: the latest `test_*` metrics of the run it was made from, without
 * the prefix (`{accuracy, roc_auc, …}`). Null when the version or its run is gone, it names no run, or the run
 * logged none.
 */
export async function validationMetrics(
  store: TrackingStore,
  name: string,
  version: string,
): Promise<Record<string, number> | null> {
  let metrics: Array<{ key: string; value: number }>;
  try {
    const { run_id } = await store.getModelVersion(name, version);
    if (!run_id) return null;
    metrics = (await store.getRun(run_id)).data.metrics;
  } catch (error) {
    if (error instanceof MlflowError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw error;
  }
  const found = metrics
    .filter((m) => m.key.startsWith(TEST_METRIC_PREFIX))
    .map((m) => [m.key.slice(TEST_METRIC_PREFIX.length), m.value] as const);
  return found.length ? Object.fromEntries(found) : null;
}
