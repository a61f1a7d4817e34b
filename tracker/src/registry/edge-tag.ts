import { EDGE_TAG, EDGE_TAG_ON, edgeOptedIn, PRODUCTION_ALIAS, pointerKey } from '../../../contracts/index.ts';
import { promote, withPointerLock } from '../deploy/promote.ts';
import type { Edge } from '../edge/edge.ts';
import { MlflowError } from '../errors.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { liveVersion } from './served-version.ts';

/**
 * registered-models/set-tag. Tag `EDGE_TAG` opts the model in to the edge (value `EDGE_TAG_ON`) or
 * out (any other value, see `deleteRegisteredModelTag`). Opting in deploys the version alias
 * `production` names, unless the edge serves it already; when that version cannot serve (the
 * promotion's checks fail) the tag is put back as it was and the check's problems are the error.
 * A model with no `production` alias is opted in and nothing is deployed until the alias is set.
 */
export async function setRegisteredModelTag(
  store: TrackingStore,
  edge: Edge,
  input: { name: string; key: string; value: string; actor: string },
): Promise<void> {
  const { name, key, value } = input;
  if (key !== EDGE_TAG) return store.setRegisteredModelTag(name, key, value);
  if (value !== EDGE_TAG_ON) return optOut(store, edge, name, () => store.setRegisteredModelTag(name, key, value));
  const model = await store.getRegisteredModel(name);
  if (edgeOptedIn(model.tags)) return;
  const before = model.tags?.find((t) => t.key === EDGE_TAG)?.value;
  await store.setRegisteredModelTag(name, EDGE_TAG, EDGE_TAG_ON);
  const production = model.aliases?.find((a) => a.alias === PRODUCTION_ALIAS)?.version;
  if (production === undefined || (await liveVersion(edge, name)) === production) return;
  try {
    await promote(edge, store, { name, version: production, actor: input.actor, kind: 'promote' });
  } catch (error) {
    await (before === undefined
      ? store.deleteRegisteredModelTag(name, EDGE_TAG)
      : store.setRegisteredModelTag(name, EDGE_TAG, before)
    ).catch(() => undefined);
    if (!(error instanceof MlflowError)) throw error;
    throw new MlflowError(
      error.code,
      `Model ${name} was not opted in to the edge: its "${PRODUCTION_ALIAS}" version ${production} cannot be deployed. ${error.message}`,
      error.status,
    );
  }
}

/** registered-models/delete-tag. Deleting `EDGE_TAG` opts the model out of the edge (see `optOut`). */
export async function deleteRegisteredModelTag(
  store: TrackingStore,
  edge: Edge,
  name: string,
  key: string,
): Promise<void> {
  if (key !== EDGE_TAG) return store.deleteRegisteredModelTag(name, key);
  return optOut(store, edge, name, () => store.deleteRegisteredModelTag(name, key));
}

/**
 * Opting out takes a model off the edge: its pointer is deleted (the worker stops serving it), then
 * `change` removes the opt-in. Both happen while no flip of this process is under way, and not while a
 * flip of the model by another tracker is pending (TEMPORARILY_UNAVAILABLE). A model not opted in is
 * just changed.
 */
function optOut(store: TrackingStore, edge: Edge, name: string, change: () => Promise<void>): Promise<void> {
  return withPointerLock(async () => {
    const model = await store.getRegisteredModel(name);
    if (edgeOptedIn(model.tags)) {
      const busy = (await store.pendingFlips()).find((f) => f.model === name);
      if (busy) {
        throw new MlflowError(
          'TEMPORARILY_UNAVAILABLE',
          `A promotion or rollback of model ${name} is under way (to version ${busy.to_version}); try again.`,
        );
      }
      await edge.kv.delete(pointerKey(name));
    }
    await change();
  });
}
