import { modelPrefix, versionPrefix } from '../../../contracts/index.ts';
import { withPointerLock } from '../deploy/promote.ts';
import type { Edge } from '../edge/edge.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { deletePrefix, liveError, liveVersion } from './live-version.ts';

/**
 * registered-models/delete: the model, its versions, tags, aliases and deployment records, then its
 * files in R2. Refused (INVALID_STATE) while one of its versions is live at the edge.
 */
export function deleteRegisteredModel(store: TrackingStore, edge: Edge, name: string): Promise<void> {
  return withPointerLock(async () => {
    await store.getRegisteredModel(name);
    const live = await liveVersion(edge, name);
    if (live !== null) throw liveError(name, live, `delete registered model ${name}`);
    await store.deleteRegisteredModel(name);
    await deletePrefix(edge, modelPrefix(name));
  });
}

/** model-versions/delete: the version and its files; refused (INVALID_STATE) while it is live at the edge. */
export function deleteModelVersion(store: TrackingStore, edge: Edge, name: string, version: string): Promise<void> {
  return withPointerLock(async () => {
    await store.getModelVersion(name, version);
    if ((await liveVersion(edge, name)) === version)
      throw liveError(name, version, `delete version ${version} of ${name}`);
    await store.deleteModelVersion(name, version);
    await deletePrefix(edge, versionPrefix(name, version));
  });
}
