import { modelPrefix } from '../../../contracts/index.ts';
import { contentTypeOf } from '../artifacts/content-type.ts';
import { withPointerLock } from '../deploy/promote.ts';
import type { Edge } from '../edge/edge.ts';
import { alreadyExists, MlflowError } from '../errors.ts';
import type { RegisteredModel } from '../store/entities.ts';
import type { TrackingStore } from '../store/tracking-store.ts';
import { deletePrefix, servedError, servedVersion } from './served-version.ts';

/**
 * registered-models/rename: copies the versions' files to `models/<new_name>/`, renames in the
 * database (versions, tags, aliases, deployments follow), then removes the old files. Refused
 * (INVALID_STATE) while the edge serves a version of it: the edge pointer is keyed by the model's name.
 * If the rename fails the copies are removed and nothing changes.
 */
export function renameRegisteredModel(
  store: TrackingStore,
  edge: Edge,
  name: string,
  newName: string,
): Promise<RegisteredModel> {
  return withPointerLock(() => rename(store, edge, name, newName));
}

async function rename(store: TrackingStore, edge: Edge, name: string, newName: string): Promise<RegisteredModel> {
  await store.getRegisteredModel(name);
  if (name === newName) return store.getRegisteredModel(name);
  const clash = await store.getRegisteredModel(newName).catch((error: unknown) => {
    if (error instanceof MlflowError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw error;
  });
  if (clash) throw alreadyExists(`Registered Model (name=${newName}) already exists.`);
  const served = await servedVersion(store, edge, name);
  if (served !== null) throw servedError(name, served, `rename registered model ${name}`);
  const from = modelPrefix(name);
  const to = modelPrefix(newName);
  const blobs = await edge.blobs.list(from);
  try {
    for (const blob of blobs) {
      const bytes = await edge.blobs.get(blob.key);
      if (bytes) await edge.blobs.put(to + blob.key.slice(from.length), bytes, contentTypeOf(blob.key));
    }
    const renamed = await store.renameRegisteredModel(name, newName);
    await deletePrefix(edge, from).catch(() => undefined);
    return renamed;
  } catch (error) {
    await deletePrefix(edge, to).catch(() => undefined);
    throw error;
  }
}
