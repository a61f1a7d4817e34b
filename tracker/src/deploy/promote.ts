import {
  decodePointer,
  EDGE_TAG,
  EDGE_TAG_ON,
  edgeOptedIn,
  Pointer,
  PRODUCTION_ALIAS,
  pointerKey,
  sha256Hex,
  versionPrefix,
} from '../../../contracts/index.ts';
import type { Edge } from '../edge/edge.ts';
import { MlflowError } from '../errors.ts';
import type { Deployment, DeploymentKind } from '../store/entities.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { WriteLock } from '../store/write-lock.ts';
import { checkVersionFiles } from './check-version.ts';
import { faultPoint } from './fault-point.ts';
import { acquireFlip } from './flip-intent.ts';
import { readPointer } from './read-pointer.ts';

/** What to promote. */
export interface PromoteInput {
  name: string;
  version: string;
  actor: string;
  kind?: DeploymentKind;
}

/** The pointer written and the deployment recorded. */
export interface PromoteResult {
  pointer: Pointer;
  deployment: Deployment;
}

/** Pointer flips are read-modify-write on KV: one at a time in this process. */
const flips = new WriteLock();

/**
 * Puts a model version live at the edge. Checks its files (`checkVersionFiles`), records the flip as
 * pending (one per model across every tracker on the database), writes down the pointer it will write
 * (`previous` = the version the pointer held; kept as it was when the same version is promoted again),
 * writes it to KV, then marks the flip done and points the `production` alias at the version in one
 * transaction. If the check fails nothing changes; if the registry cannot follow, the old pointer is put
 * back. A crash at any step leaves a pending flip that `reconcileFlips` finishes or gives up, so KV,
 * the alias and the deployment history end up agreeing.
 */
export function promote(edge: Edge, store: TrackingStore, input: PromoteInput): Promise<PromoteResult> {
  return flips.run(() => flip(edge, store, input));
}

/**
 * Runs `fn` while no pointer flip is under way in this process: for changes that must not race a
 * promotion (deleting, renaming or archiving what might be live). Not re-entrant: `fn` must not promote.
 */
export function withPointerLock<T>(fn: () => Promise<T>): Promise<T> {
  return flips.run(fn);
}

/**
 * Puts back live the version live before the current one (kind `rollback`): the deployment history,
 * newest first, skipping versions that were rolled back from — so a second rollback goes further back
 * instead of returning to the version just rolled away from. `to` names the version instead. The new
 * pointer carries no canary or shadow. Refused (INVALID_STATE) for a model not opted in to the edge.
 */
export function rollback(
  edge: Edge,
  store: TrackingStore,
  input: { name: string; actor: string; to?: string },
): Promise<PromoteResult> {
  return flips.run(async () => {
    const model = await store.getRegisteredModel(input.name);
    if (!edgeOptedIn(model.tags)) {
      throw new MlflowError(
        'INVALID_STATE',
        `Model ${input.name} is not opted in to the edge (tag ${EDGE_TAG}=${EDGE_TAG_ON}); nothing to roll back.`,
      );
    }
    const current = await readPointer(edge.kv, input.name);
    if (!current) {
      throw new MlflowError(
        'INVALID_STATE',
        `Model ${input.name} has no version live at the edge; nothing to roll back.`,
      );
    }
    const target = input.to ?? rollbackTarget(current, await store.listDeployments(input.name, 1000));
    if (!target) {
      throw new MlflowError(
        'INVALID_STATE',
        `Model ${input.name} has no earlier version to roll back to (live: version ${current.version}).`,
      );
    }
    if (target === current.version) {
      throw new MlflowError('INVALID_STATE', `Version ${target} of model ${input.name} is already live.`);
    }
    return flip(edge, store, { name: input.name, version: target, actor: input.actor, kind: 'rollback' });
  });
}

/**
 * The version a rollback from `current` goes to, by the history (newest first): the newest version
 * that stopped being live because another was promoted — one whose last step down was a rollback is
 * skipped. Undefined for none.
 */
export function rollbackTarget(current: Pointer, history: Deployment[]): string | undefined {
  const seen = new Set<string>([current.version]);
  for (const d of history) {
    const v = d.from_version;
    if (v === null || seen.has(v)) continue;
    seen.add(v);
    if (d.kind !== 'rollback') return v;
  }
  // a pointer written before its history was kept
  return history.length === 0 ? current.previous : undefined;
}

async function flip(edge: Edge, store: TrackingStore, input: PromoteInput): Promise<PromoteResult> {
  const { name, version } = input;
  await store.getModelVersion(name, version);
  const { modelJson } = await checkVersionFiles(edge.blobs, name, version);
  const id = await acquireFlip(edge, store, input);
  const key = pointerKey(name);
  let before: string | null;
  let pointer: Pointer;
  try {
    faultPoint('flip:after-intent');
    before = await edge.kv.get(key);
    // an unreadable pointer is replaced; there is just no previous version to record
    const decoded = before === null ? null : decodePointer(before, name);
    const current = decoded && 'pointer' in decoded ? decoded.pointer : null;
    const previous = current ? (current.version === version ? current.previous : current.version) : undefined;
    pointer = Pointer.parse({
      model: name,
      version,
      artifacts: versionPrefix(name, version),
      modelJsonSha256: await sha256Hex(modelJson),
      promotedAt: new Date().toISOString(),
      ...(previous ? { previous } : {}),
    });
    const json = JSON.stringify(pointer);
    await store.decideFlip(id, { from_version: current?.version ?? null, pointer: json });
    faultPoint('flip:after-decide');
    await edge.kv.put(key, json);
  } catch (error) {
    // KV was not written (or the write failed): nothing to undo there
    await store.failFlip(id).catch(() => undefined);
    throw error;
  }
  faultPoint('flip:after-kv');
  let deployment: Deployment | null = null;
  let failure: unknown;
  try {
    deployment = await store.completeFlip(id, PRODUCTION_ALIAS);
  } catch (error) {
    failure = error;
  }
  if (!deployment) {
    // The registry could not follow, or the flip outlived its lease and was given up: put KV back.
    await (before === null ? edge.kv.delete(key) : edge.kv.put(key, before)).catch(() => undefined);
    await store.failFlip(id).catch(() => undefined);
    throw (
      failure ??
      new MlflowError(
        'TEMPORARILY_UNAVAILABLE',
        `Promoting ${name} version ${version} took longer than its lease; try again.`,
      )
    );
  }
  faultPoint('flip:after-complete');
  return { pointer, deployment };
}
