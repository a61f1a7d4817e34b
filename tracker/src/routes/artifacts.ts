import type { Context } from 'hono';
import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { artifactKey, artifactUriPrefix, safeArtifactPath } from '../artifacts/artifact-path.ts';
import { contentTypeOf } from '../artifacts/content-type.ts';
import { listChildren } from '../artifacts/list-artifacts.ts';
import { DEFAULT_BODY_LIMITS } from '../config.ts';
import { invalid, notFound, tooLarge } from '../errors.ts';
import { cappedBody } from '../http/body-limits.ts';
import { readInput } from '../http/input.ts';
import { rawPath } from '../http/raw-path.ts';
import { reply } from '../http/reply.ts';
import { requireRunId, runIdFields, runIdOf } from './fields.ts';

const MARKER = '/mlflow-artifacts/artifacts/';

const ListProxied = z.object({ path: z.string().optional() });
const ListRunArtifacts = z.object({ ...runIdFields, path: z.string().optional() }).refine(...requireRunId);

/**
 * MLflow's proxied artifact store (mounted at `/api/2.0/mlflow-artifacts`): `PUT` and `GET
 * /artifacts/<path>` upload and download, `GET /artifacts?path=` lists a folder. Files live in R2
 * under `artifacts/<path>`. An upload is streamed to R2 as it arrives, never held whole, and may be
 * at most `limits.maxArtifactBytes` long (413 RESOURCE_EXHAUSTED past it, and nothing written).
 */
export function proxiedArtifactRoutes({ edge, limits = DEFAULT_BODY_LIMITS }: AppDeps): Hono {
  const app = new Hono();

  // before the wildcard routes: `/artifacts/*` also matches `/artifacts`
  app.get('/artifacts', async (c) => {
    const { path = '' } = await readInput(c, ListProxied);
    const safe = safeArtifactPath(path, { allowRoot: true });
    const prefix = safe ? `${artifactKey(safe)}/` : 'artifacts/';
    return reply(c, { files: await listChildren(edge.blobs, prefix, '') });
  });

  app.put('/artifacts/*', async (c) => {
    const path = pathFromUrl(c);
    const max = limits.maxArtifactBytes;
    const error = tooLarge(
      `Artifact '${path}' is larger than the ${max} bytes the tracker accepts (EDGEFLOW_MAX_ARTIFACT_BYTES).`,
    );
    await edge.blobs.upload(artifactKey(path), cappedBody(c, max, error), contentTypeOf(path));
    return reply(c, {});
  });

  app.get('/artifacts/*', async (c) => {
    const path = pathFromUrl(c);
    const bytes = await edge.blobs.get(artifactKey(path));
    if (!bytes) throw notFound(`Artifact '${path}' does not exist.`);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': contentTypeOf(path),
      'x-content-type-options': 'nosniff',
    });
  });

  return app;
}

/** `artifacts/list` of MLflow's tracking API: a run's artifacts, paths relative to its root. */
export function runArtifactRoutes({ store, edge }: AppDeps): Hono {
  const app = new Hono();

  app.get('/artifacts/list', async (c) => {
    const q = await readInput(c, ListRunArtifacts);
    const run = await store.getRun(runIdOf(q));
    const path = safeArtifactPath(q.path ?? '', { allowRoot: true });
    const root = artifactUriPrefix(run.info.artifact_uri);
    const files = root ? await listChildren(edge.blobs, path ? `${root}${path}/` : root, path ? `${path}/` : '') : [];
    return reply(c, { root_uri: run.info.artifact_uri, files });
  });

  return app;
}

/**
 * The artifact path of a `/mlflow-artifacts/artifacts/<path>` URL, from the path as the client sent it
 * (no dot segment resolved away), decoded segment by segment and checked.
 */
export function pathFromUrl(c: Context): string {
  const pathname = rawPath(c);
  const at = pathname.indexOf(MARKER);
  const raw = at === -1 ? '' : pathname.slice(at + MARKER.length);
  const segments = raw.split('/').map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw invalid(`Invalid artifact path '${raw}': bad percent-encoding.`);
    }
    if (decoded.includes('/')) throw invalid(`Invalid artifact path '${raw}': encoded slashes are not allowed.`);
    return decoded;
  });
  return safeArtifactPath(segments.join('/'));
}
