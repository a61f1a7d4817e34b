import { invalid } from '../errors.ts';

/**
 * Checks a relative artifact path (already percent-decoded) and returns it without a trailing
 * slash. Refuses what could leave the artifact root: `..` or `.` segments, empty segments, a
 * leading slash, backslashes and control characters. `''` is the root itself when `allowRoot`.
 */
export function safeArtifactPath(path: string, { allowRoot = false } = {}): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '') {
    if (allowRoot) return '';
    throw invalid('An artifact path is required.');
  }
  if (/[\\\p{Cc}]/u.test(trimmed) || trimmed.startsWith('/')) {
    throw invalid(
      `Invalid artifact path '${path}': absolute paths, backslashes and control characters are not allowed.`,
    );
  }
  for (const segment of trimmed.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw invalid(`Invalid artifact path '${path}': it must be a relative path without '.', '..' or empty segments.`);
    }
  }
  return trimmed;
}

/** The R2 key of an artifact at a path of the proxied artifact store (`artifacts/<path>`). */
export function artifactKey(path: string): string {
  return `artifacts/${path}`;
}

/**
 * The R2 key prefix (with trailing slash) an `mlflow-artifacts:` URI names, or null for any other
 * scheme (artifacts the tracker does not hold). Accepts `mlflow-artifacts:/<path>` and
 * `mlflow-artifacts://<host>/<path>`.
 */
export function artifactUriPrefix(uri: string): string | null {
  const scheme = 'mlflow-artifacts:';
  if (!uri.startsWith(scheme)) return null;
  let rest = uri.slice(scheme.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  const path = safeArtifactPath(rest.replace(/^\/+/, ''), { allowRoot: true });
  return path ? `${artifactKey(path)}/` : 'artifacts/';
}
