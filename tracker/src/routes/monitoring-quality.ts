import { Hono } from 'hono';
import * as z from 'zod';
import { MAX_MODEL_NAME_LENGTH, VERSION_PATTERN } from '../../../contracts/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { invalid } from '../errors.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { qualityReport } from '../monitoring/quality-report.ts';
import { versionSignatures } from '../monitoring/version-signatures.ts';

/** The window of a quality query without `start_time`: the hour before `end_time`. */
export const DEFAULT_WINDOW_MS = 3_600_000;

const time = z.coerce.number().int().nonnegative();
const Quality = z.object({
  name: z.string().min(1).max(MAX_MODEL_NAME_LENGTH),
  version: z.string().regex(VERSION_PATTERN).optional(),
  start_time: time.optional(),
  end_time: time.optional(),
});

/**
 * Live quality from the labeled prediction events (mounted at `/api/2.0/edgeflow`): `GET monitoring/quality?name=&version=&start_time=&end_time=`
 * answers the live quality of a registered model's predictions made in [`start_time`, `end_time`) (epoch ms;
 * default: the hour before now), per version and arm (see `qualityReport`). An unknown model or version is
 * RESOURCE_DOES_NOT_EXIST; a window that ends before it starts, INVALID_PARAMETER_VALUE.
 */
export function monitoringQualityRoutes({ store, edge, ingest }: AppDeps): Hono {
  const app = new Hono();
  const now = ingest?.now ?? Date.now;
  const signatureOf = versionSignatures(edge.blobs);

  app.get('/monitoring/quality', async (c) => {
    const { name, version, start_time, end_time } = await readInput(c, Quality);
    const end = end_time ?? now();
    const start = start_time ?? Math.max(0, end - DEFAULT_WINDOW_MS);
    if (start >= end) throw invalid(`start_time (${start}) must be before end_time (${end}).`);
    await store.getRegisteredModel(name);
    if (version !== undefined) await store.getModelVersion(name, version);
    return reply(c, await qualityReport(store, signatureOf, { name, version, start, end }));
  });

  return app;
}
