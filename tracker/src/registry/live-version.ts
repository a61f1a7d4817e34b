import { readPointer } from '../deploy/read-pointer.ts';
import type { Edge } from '../edge/edge.ts';
import { MlflowError } from '../errors.ts';

/** The version of a model live at the edge (the KV pointer's), or null when none is. */
export async function liveVersion(edge: Edge, model: string): Promise<string | null> {
  return (await readPointer(edge.kv, model))?.version ?? null;
}

/** Deletes every object under a prefix. */
export async function deletePrefix(edge: Edge, prefix: string): Promise<void> {
  const keys = (await edge.blobs.list(prefix)).map((b) => b.key);
  for (let i = 0; i < keys.length; i += 1000) await edge.blobs.delete(keys.slice(i, i + 1000));
}

/** INVALID_STATE: what was asked would take the live version away from the edge. */
export function liveError(model: string, version: string, action: string): MlflowError {
  return new MlflowError(
    'INVALID_STATE',
    `Cannot ${action}: version ${version} of model ${model} is live at the edge. ` +
      'Promote another version (alias "production" or stage Production) or roll back first.',
  );
}
