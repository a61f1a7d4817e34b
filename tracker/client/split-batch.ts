/** MLflow's log-batch limits per request. */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

/** A log-batch payload. */
export interface BatchParts<M, P> {
  metrics: M[];
  params: P[];
  tags: P[];
}

/**
 * Splits a batch into requests within MLflow's limits, in order: params and tags go first (a run's
 * params are usually what a reader wants first), each request filled up with metrics to 1,000 items.
 * An empty batch gives no request.
 */
export function splitBatch<M, P>(batch: Partial<BatchParts<M, P>>): BatchParts<M, P>[] {
  const metrics = [...(batch.metrics ?? [])];
  const params = [...(batch.params ?? [])];
  const tags = [...(batch.tags ?? [])];
  const out: BatchParts<M, P>[] = [];
  while (metrics.length || params.length || tags.length) {
    const p = params.splice(0, BATCH_LIMITS.params);
    const t = tags.splice(0, BATCH_LIMITS.tags);
    const m = metrics.splice(0, Math.min(BATCH_LIMITS.metrics, BATCH_LIMITS.total - p.length - t.length));
    out.push({ metrics: m, params: p, tags: t });
  }
  return out;
}
