import type { Context } from 'hono';
import { Hono } from 'hono';
import * as z from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { artifactKey, artifactUriPrefix, safeArtifactPath } from '../artifacts/artifact-path.ts';
import { contentTypeOf } from '../artifacts/content-type.ts';
import { listChildren } from '../artifacts/list-artifacts.ts';
import { invalid, notFound } from '../errors.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { requireRunId, runIdFields, runIdOf } from './fields.ts';

const MARKER = '/mlflow-artifacts/artifacts/';

const ListProxied = z.object({ path: z.string().optional() });
const ListRunArtifacts = z.object({ ...runIdFields, path: z.string().optional() }).refine(...requireRunId);

/**
 * MLflow's proxied artifact store (mounted at `/api/2.0/mlflow-artifacts`): `PUT` and `GET
 * /artifacts/<path>` upload and download, `GET /artifacts?path=` lists a folder. Files live in R2
 * under `artifacts/<path>`.
 */
export function proxiedArtifactRoutes({ edge }: AppDeps): Hono {
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
    const body = new Uint8Array(await c.req.arrayBuffer());
    await edge.blobs.put(artifactKey(path), body, contentTypeOf(path));
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

/** The artifact path of a `/mlflow-artifacts/artifacts/<path>` URL, decoded segment by segment and checked. */
function pathFromUrl(c: Context): string {
  const pathname = new URL(c.req.url).pathname;
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
