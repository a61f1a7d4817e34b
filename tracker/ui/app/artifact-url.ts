/**
 * URL that downloads one artifact through MLflow's proxied artifact API, from the run's
 * `artifact_uri` (`mlflow-artifacts:/<exp>/<run>/artifacts`) and the artifact's path; null for other schemes.
 */
export function artifactDownloadUrl(artifactUri: string | undefined, path: string): string | null {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*?)\/?$/.exec(artifactUri ?? '');
  if (!m) return null;
  const parts = [...m[1]!.split('/'), ...path.split('/')].filter(Boolean);
  if (parts.some((p) => p === '..' || p === '.')) return null;
  return `/api/2.0/mlflow-artifacts/artifacts/${parts.map(encodeURIComponent).join('/')}`;
}
