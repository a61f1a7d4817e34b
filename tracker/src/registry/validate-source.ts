import { posix } from 'node:path';
import { isLocalUri, localPath, parseUrl, unquotePlus } from '../artifacts/uri-parts.ts';
import { invalid } from '../errors.ts';
import type { TrackingStore } from '../store/tracking-store.ts';

/**
 * Refuses a model version source the way MLflow's server does (`_validate_source`): a local path (no
 * scheme, or `file:`) unless `runId` names a run whose local artifact directory holds it; and for any
 * other URI a path that is empty, relative, holds a NUL or has `.`/`..` segments once percent-decoded
 * (`mlflow-artifacts:/../../x`, `s3://bucket/a/%2e%2e/b`). Anything else is accepted, whoever holds it.
 */
export async function validateSource(store: TrackingStore, source: string, runId?: string): Promise<void> {
  if (isLocalUri(source)) {
    let shown = source;
    if (runId) {
      const run = await store.getRun(runId);
      const path = posix.resolve(localPath(source));
      if (isLocalUri(run.info.artifact_uri)) {
        const dir = posix.resolve(localPath(run.info.artifact_uri));
        if (path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`)) return;
      }
      shown = path;
    }
    throw invalid(
      `Invalid model version source: '${shown}'. To use a local path as a model version source, the run_id request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.`,
    );
  }
  let decoded = source;
  for (let next = unquotePlus(decoded); next !== decoded; next = unquotePlus(decoded)) decoded = next;
  const path = parseUrl(decoded).path.replace(/\/+$/, '').replace(/\/+/g, '/');
  const segments = path.split('/').slice(1);
  if (!path.startsWith('/') || path.includes('\0') || segments.some((s) => s === '.' || s === '..')) {
    throw invalid(
      `Invalid model version source: '${source}'. If supplying a source as an http, https, local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path references present. Please provide an absolute path.`,
    );
  }
}
