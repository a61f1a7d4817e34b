import { versionPrefix } from '../../../contracts/index.ts';
import { contentTypeOf } from '../artifacts/content-type.ts';
import type { Edge } from '../edge/edge.ts';
import type { ModelVersion } from '../store/entities.ts';
import type { CreateModelVersionInput, TrackingStore } from '../store/tracking-store.ts';
import { resolveSource } from './resolve-source.ts';
import { validateSource } from './validate-source.ts';
import { versionReference } from './version-reference.ts';

/**
 * Creates a model version from any source MLflow's server accepts (`validateSource`); when the tracker
 * holds the source's files (`resolveSource`) they are copied to `models/<name>/<version>/`, so the
 * version stays what it was when registered whatever happens to the run's artifacts later. A source
 * with no files here (a run on another tracker, s3://…) still gives a version, as in MLflow; promotion
 * to the edge then refuses it. The version's reference profile is recorded from its `reference.json`
 * (or, with a signature only, as one to build from its first events; see `versionReference`). If
 * copying fails or `reference.json` is invalid, the version and its copied files are removed.
 */
export async function registerModelVersion(
  store: TrackingStore,
  edge: Edge,
  input: CreateModelVersionInput,
): Promise<ModelVersion> {
  await validateSource(store, input.source, input.run_id);
  const sourceKey = await resolveSource(store, input.source);
  const created = await store.createModelVersion(input);
  const prefix = versionPrefix(input.name, created.version);
  try {
    // Numbers are never reused (registered_models.last_version); clear anything a crash may have left.
    await clear(edge, prefix);
    const count = sourceKey === null ? 0 : await copyFiles(edge, sourceKey, prefix);
    const reference = count ? await versionReference(edge, prefix) : null;
    if (reference) await store.saveReferenceProfile(input.name, created.version, reference);
    return await store.completeModelVersion(input.name, created.version, count);
  } catch (error) {
    await clear(edge, prefix).catch(() => undefined);
    await store.discardModelVersion(input.name, created.version).catch(() => undefined);
    throw error;
  }
}

/** Copies every object under `<sourceKey>/` (or the single object `sourceKey`) into `prefix`. */
async function copyFiles(edge: Edge, sourceKey: string, prefix: string): Promise<number> {
  const folder = `${sourceKey}/`;
  const blobs = await edge.blobs.list(folder);
  if (blobs.length) {
    for (const blob of blobs) {
      const bytes = await edge.blobs.get(blob.key);
      if (!bytes) continue;
      const rel = blob.key.slice(folder.length);
      await edge.blobs.put(prefix + rel, bytes, contentTypeOf(rel));
    }
    return blobs.length;
  }
  const single = await edge.blobs.get(sourceKey);
  if (!single) return 0;
  const name = sourceKey.slice(sourceKey.lastIndexOf('/') + 1);
  await edge.blobs.put(prefix + name, single, contentTypeOf(name));
  return 1;
}

async function clear(edge: Edge, prefix: string): Promise<void> {
  const stale = await edge.blobs.list(prefix);
  if (stale.length) await edge.blobs.delete(stale.map((b) => b.key));
}
