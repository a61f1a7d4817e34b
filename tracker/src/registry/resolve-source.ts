import { artifactUriPrefix } from '../artifacts/artifact-path.ts';
import { MlflowError } from '../errors.ts';
import type { TrackingStore } from '../store/tracking-store.ts';

/**
 * The R2 key (no trailing slash) a model version's `source` names, when the tracker holds it:
 * `runs:/<run_id>/<path>` of a run on this tracker (under its artifact root) or `mlflow-artifacts:/<path>`.
 * Any other source (a run on another tracker, s3://…, `models:/…`) gives null: MLflow accepts it, but
 * there are no files here to copy. The source has passed `validateSource` (no `.`/`..` segments).
 */
export async function resolveSource(store: TrackingStore, source: string): Promise<string | null> {
  if (source.startsWith('runs:/')) {
    const [runId, ...path] = source.slice('runs:/'.length).split('/').filter(Boolean);
    if (!runId) return null;
    const run = await store.getRun(runId).catch((error: unknown) => {
      if (error instanceof MlflowError && error.code === 'RESOURCE_DOES_NOT_EXIST') return null;
      throw error;
    });
    const root = run && artifactUriPrefix(run.info.artifact_uri);
    if (!root) return null;
    return path.length ? `${root}${path.join('/')}` : root.slice(0, -1);
  }
  if (source.startsWith('mlflow-artifacts:')) {
    try {
      return artifactUriPrefix(source.replace(/(?<!^mlflow-artifacts:)\/{2,}/g, '/'))?.slice(0, -1) ?? null;
    } catch (error) {
      // a path no proxied artifact can have (a backslash, a control character): nothing here to copy
      if (error instanceof MlflowError) return null;
      throw error;
    }
  }
  return null;
}
