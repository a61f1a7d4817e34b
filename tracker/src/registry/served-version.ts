import { EDGE_TAG, EDGE_TAG_ON, edgeOptedIn } from '../../../contracts/index.ts';
import { readPointer } from '../deploy/read-pointer.ts';
import type { Edge } from '../edge/edge.ts';
import { MlflowError } from '../errors.ts';
import type { TrackingStore } from '../store/tracking-store.ts';

/** True when a model is opted in to the edge (its tag `EDGE_TAG` is `EDGE_TAG_ON`); false for no such model. */
export async function isEdgeModel(store: TrackingStore, name: string): Promise<boolean> {
  const model = await store.getRegisteredModel(name).catch((error: unknown) => {
    if (error instanceof MlflowError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
    throw error;
  });
  return edgeOptedIn(model?.tags);
}

/** The version of a model live at the edge (the KV pointer's), or null when none is. */
export async function liveVersion(edge: Edge, model: string): Promise<string | null> {
  return (await readPointer(edge.kv, model))?.version ?? null;
}

/**
 * The version the edge serves of a model opted in to the edge, or null: for a model that is not opted
 * in the registry never looks at the edge.
 */
export async function servedVersion(store: TrackingStore, edge: Edge, name: string): Promise<string | null> {
  return (await isEdgeModel(store, name)) ? liveVersion(edge, name) : null;
}

/** Deletes every object under a prefix. */
export async function deletePrefix(edge: Edge, prefix: string): Promise<void> {
  const keys = (await edge.blobs.list(prefix)).map((b) => b.key);
  for (let i = 0; i < keys.length; i += 1000) await edge.blobs.delete(keys.slice(i, i + 1000));
}

/** INVALID_STATE: what was asked would take the version the edge serves away from it. */
export function servedError(model: string, version: string, action: string): MlflowError {
  return new MlflowError(
    'INVALID_STATE',
    `Cannot ${action}: version ${version} of model ${model} is served at the edge (tag ${EDGE_TAG}=${EDGE_TAG_ON}). ` +
      'Promote another version first (alias "production" or stage Production) or roll back ' +
      '(POST /api/2.0/edgeflow/deployments/rollback), or take the model off the edge by deleting its tag ' +
      `${EDGE_TAG}.`,
  );
}
