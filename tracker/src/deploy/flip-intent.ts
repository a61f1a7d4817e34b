import { hostname } from 'node:os';
import { PRODUCTION_ALIAS, pointerKey } from '../../../contracts/index.ts';
import type { Edge } from '../edge/edge.ts';
import { MlflowError } from '../errors.ts';
import type { DeploymentKind, PendingFlip } from '../store/entities.ts';
import type { TrackingStore } from '../store/tracking-store.ts';

/** How a flip holds its model: how long its lease runs, who it says it is, how long it waits for another. */
export interface FlipOptions {
  /** How long a pending flip's owner may take before any tracker may reconcile it (default 30 s). */
  leaseMs: number;
  /** How long a flip waits for another one of the same model to finish (default 15 s). */
  waitMs: number;
  /** `<host>:<pid>`. */
  owner: string;
}

/** The options of this process: `EDGEFLOW_FLIP_LEASE_MS` (default 30,000), this host and pid. */
export function flipOptions(env: Record<string, string | undefined> = process.env): FlipOptions {
  const lease = Number(env.EDGEFLOW_FLIP_LEASE_MS);
  return {
    leaseMs: Number.isInteger(lease) && lease > 0 ? lease : 30_000,
    waitMs: 15_000,
    owner: `${hostname()}:${process.pid}`,
  };
}

/**
 * Records a pending flip of `input.name`, waiting while another tracker's flip of the same model is
 * under way; one whose lease ran out (its tracker died or hung) is reconciled first. Answers its id.
 */
export async function acquireFlip(
  edge: Edge,
  store: TrackingStore,
  input: { name: string; version: string; actor: string; kind?: DeploymentKind },
  options: FlipOptions = flipOptions(),
): Promise<number> {
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const got = await store.beginFlip({
      model: input.name,
      to_version: input.version,
      kind: input.kind ?? 'promote',
      actor: input.actor,
      created_at: now,
      owner: options.owner,
      lease_until: now + options.leaseMs,
    });
    if ('id' in got) return got.id;
    if (got.busy.id && (got.busy.lease_until < now || ownerIsGone(got.busy.owner))) {
      await reconcileFlip(edge, store, got.busy);
      continue;
    }
    if (now > deadline) {
      throw new MlflowError(
        'TEMPORARILY_UNAVAILABLE',
        `Another promotion or rollback of model ${input.name} is under way (to version ${got.busy.to_version}); try again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** attempt, 250)));
  }
}

/**
 * Settles a pending flip left by a crash: when KV holds exactly the pointer it was to write, the flip
 * happened and the registry is brought along (done, alias moved); otherwise KV was never written and
 * it is given up. Either way pointer, alias and history agree afterwards.
 */
export async function reconcileFlip(edge: Edge, store: TrackingStore, flip: PendingFlip): Promise<'done' | 'failed'> {
  const now = await edge.kv.get(pointerKey(flip.model));
  if (flip.pointer !== null && now === flip.pointer) {
    const done = await store.completeFlip(flip.id, PRODUCTION_ALIAS);
    if (done) return 'done';
  }
  await store.failFlip(flip.id);
  return 'failed';
}

/**
 * Reconciles, at tracker start, every pending flip that can be: those whose lease ran out, and those of
 * a tracker on this host that is no longer running (a crash just before this start). Others belong to a
 * live tracker; each is looked at again when its lease runs out (timers that do not hold the process).
 */
export async function reconcileFlips(
  edge: Edge,
  store: TrackingStore,
  log: (line: string) => void = () => undefined,
): Promise<{ done: number; failed: number; waiting: number }> {
  const counts = { done: 0, failed: 0, waiting: 0 };
  for (const flip of await store.pendingFlips()) {
    if (flip.lease_until < Date.now() || ownerIsGone(flip.owner)) {
      try {
        const outcome = await reconcileFlip(edge, store, flip);
        counts[outcome]++;
        log(
          `edgeflow tracker: ${outcome === 'done' ? 'finished' : 'gave up'} an interrupted ${flip.model} flip to version ${flip.to_version}`,
        );
        continue;
      } catch (error) {
        // KV or the database unreachable just now: the tracker starts all the same and tries again
        log(
          `edgeflow tracker: reconciling the ${flip.model} flip failed (${describe(error)}); trying again in ${RETRY_MS / 1000} s`,
        );
        later(edge, store, flip, log, RETRY_MS);
      }
    } else {
      later(edge, store, flip, log, Math.max(0, flip.lease_until - Date.now()) + 50);
    }
    counts.waiting++;
  }
  return counts;
}

const RETRY_MS = 30_000;

/** Looks at `flip` again in `ms` (a timer that does not hold the process), and again after that while it fails. */
function later(edge: Edge, store: TrackingStore, flip: PendingFlip, log: (line: string) => void, ms: number): void {
  const timer = setTimeout(async () => {
    try {
      const still = (await store.pendingFlips()).find((f) => f.id === flip.id);
      if (still)
        log(
          `edgeflow tracker: ${await reconcileFlip(edge, store, still)} ${flip.model} flip to version ${flip.to_version}`,
        );
    } catch (error) {
      log(
        `edgeflow tracker: reconciling the ${flip.model} flip failed (${describe(error)}); trying again in ${RETRY_MS / 1000} s`,
      );
      later(edge, store, flip, log, RETRY_MS);
    }
  }, ms);
  timer.unref();
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * True when `owner` is a tracker process of this host that no longer runs — or this very process: its
 * own flips are one at a time, so a pending one of its own is left from before (a reused pid).
 */
function ownerIsGone(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  if (at < 0 || owner.slice(0, at) !== hostname()) return false;
  const pid = Number(owner.slice(at + 1));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
