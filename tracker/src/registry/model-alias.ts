import { PRODUCTION_ALIAS } from '../../../contracts/index.ts';
import { promote, withPointerLock } from '../deploy/promote.ts';
import type { Edge } from '../edge/edge.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { isEdgeModel, servedError, servedVersion } from './served-version.ts';

/**
 * registered-models/alias (POST). Alias `production` of a model opted in to the edge promotes the
 * version (files checked, the pointer written first, the alias moved only once that succeeded); any
 * other alias, and every alias of any other model, is MLflow's.
 */
export async function setModelAlias(
  store: TrackingStore,
  edge: Edge,
  input: { name: string; alias: string; version: string; actor: string },
): Promise<void> {
  if (input.alias === PRODUCTION_ALIAS && (await isEdgeModel(store, input.name))) {
    await promote(edge, store, { name: input.name, version: input.version, actor: input.actor, kind: 'promote' });
    return;
  }
  await store.setAlias(input.name, input.alias, input.version);
}

/**
 * registered-models/alias (DELETE). Alias `production` of a model opted in to the edge is refused
 * (INVALID_STATE) while it names the version the edge serves.
 */
export function deleteModelAlias(store: TrackingStore, edge: Edge, name: string, alias: string): Promise<void> {
  return withPointerLock(async () => {
    if (alias === PRODUCTION_ALIAS) {
      const served = await servedVersion(store, edge, name);
      const named = served === null ? null : await store.getModelVersionByAlias(name, alias).catch(() => null);
      if (served !== null && named?.version === served) {
        throw servedError(name, served, `delete alias '${alias}' of model ${name}`);
      }
    }
    await store.deleteAlias(name, alias);
  });
}
