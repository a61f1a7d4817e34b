import { artifactUriPrefix, safeArtifactPath } from '../artifacts/artifact-path.ts';
import { invalid, MlflowError } from '../errors.ts';
import type { TrackingStore } from '../store/tracking-store.ts';

/**
 * The R2 key (no trailing slash) a model version's `source` names, when the tracker holds it:
 * `runs:/<run_id>/<path>` (under the run's artifact root) or `mlflow-artifacts:/<path>`. Any other
 * source (s3://…, a local path) gives null: MLflow accepts it, but there are no files to copy.
 */
export async function resolveSource(store: TrackingStore, source: string): Promise<string | null> {
  if (source.startsWith('runs:/')) {
    const rest = source.slice('runs:/'.length).replace(/^\/+/, '');
    const slash = rest.indexOf('/');
    const runId = slash === -1 ? rest : rest.slice(0, slash);
    const path = safeArtifactPath(slash === -1 ? '' : rest.slice(slash + 1), { allowRoot: true });
    if (!runId) throw invalid(`Invalid model version source '${source}': expected runs:/<run_id>/<path>.`);
    const run = await store.getRun(runId).catch((error: unknown) => {
      if (error instanceof MlflowError && error.code === 'RESOURCE_DOES_NOT_EXIST') {
        throw invalid(`Invalid model version source '${source}': run ${runId} does not exist.`);
      }
      throw error;
    });
    const root = artifactUriPrefix(run.info.artifact_uri);
    if (!root) return null;
    return path ? `${root}${path}` : root.slice(0, -1);
  }
  if (source.startsWith('mlflow-artifacts:')) {
    const prefix = artifactUriPrefix(source);
    return prefix === null ? null : prefix.slice(0, -1);
  }
  return null;
}
