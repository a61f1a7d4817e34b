import type { Client } from '@libsql/client';
import type { PredictionEvent } from '../../../contracts/index.ts';
import { rollupOf } from '../monitoring/rollup.ts';
import { EXPIRE_CHUNK, insertEvents } from './prediction-events.ts';
import { addToRollups, expireRollups, minuteOf, type RollupKey } from './prediction-rollups.ts';
import { ingestReference, type LayoutCache } from './reference-profiles.ts';
import type { LogPredictionsInput } from './tracking-store.ts';

/** Successful events of a version without a training reference that become its live reference. */
export const DEFAULT_REFERENCE_EVENTS = 1000;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * One ingest, in one write transaction: stores the new events (see `insertEvents`), expires rollups
 * past the retention, makes live references that are due, and adds the new events to their minutes'
 * rollups (binned on their version's reference). Answers how many events were new.
 */
export async function ingestPredictions(
  client: Client,
  input: LogPredictionsInput,
  cache: LayoutCache,
): Promise<number> {
  const now = input.now ?? Date.now();
  const tx = await client.transaction('write');
  try {
    const fresh = await insertEvents(tx, input);
    await expireRollups(tx, input.deleteBefore, EXPIRE_CHUNK);
    const deltas: { key: RollupKey; rollup: ReturnType<typeof rollupOf>; width: number }[] = [];
    for (const events of groupBy(fresh, (e) => `${e.model}\u0000${e.version}`).values()) {
      const { model, version } = events[0]!;
      const ref = await ingestReference(
        tx,
        model,
        version,
        input.referenceEvents ?? DEFAULT_REFERENCE_EVENTS,
        now,
        cache,
      );
      const byMinute = groupBy(events, (e: PredictionEvent) => `${e.arm}\u0000${minuteOf(e.time)}`);
      for (const group of byMinute.values()) {
        const key = { model, version, arm: group[0]!.arm, minute: minuteOf(group[0]!.time) };
        deltas.push({ key, rollup: rollupOf(group, ref.layout, ref.used), width: ref.layout?.width ?? 0 });
      }
    }
    await addToRollups(tx, deltas);
    await tx.commit();
    return fresh.length;
  } finally {
    tx.close();
  }
}
