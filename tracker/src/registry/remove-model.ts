import { modelPrefix, versionPrefix } from '../../../contracts/index.ts';
import { withPointerLock } from '../deploy/promote.ts';
import type { Edge } from '../edge/edge.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { deletePrefix, servedError, servedVersion } from './served-version.ts';

/**
 * registered-models/delete: the model, its versions, tags, aliases and deployment records, then its
 * files in R2. Refused (INVALID_STATE) while the edge serves one of its versions (a model opted in to
 * the edge); any other model goes as in MLflow.
 */
export function deleteRegisteredModel(store: TrackingStore, edge: Edge, name: string): Promise<void> {
  return withPointerLock(async () => {
    const served = await servedVersion(store, edge, name);
    if (served !== null) throw servedError(name, served, `delete registered model ${name}`);
    await store.deleteRegisteredModel(name);
    await deletePrefix(edge, modelPrefix(name));
  });
}

/**
 * model-versions/delete: the version and its files; refused (INVALID_STATE) while the edge serves it
 * (a model opted in to the edge).
 */
export function deleteModelVersion(store: TrackingStore, edge: Edge, name: string, version: string): Promise<void> {
  return withPointerLock(async () => {
    if ((await servedVersion(store, edge, name)) === version) {
      throw servedError(name, version, `delete version ${version} of ${name}`);
    }
    await store.deleteModelVersion(name, version);
    await deletePrefix(edge, versionPrefix(name, version));
  });
}
