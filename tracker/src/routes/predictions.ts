import { Hono } from 'hono';
import * as z from 'zod';
import { MAX_MODEL_NAME_LENGTH, PredictionEventBatch, VERSION_PATTERN } from '../../../contracts/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { readInput } from '../http/input.ts';
import { reply, replyPage } from '../http/reply.ts';

const DAY_MS = 86_400_000;

const Search = z.object({
  model: z.string().min(1).max(MAX_MODEL_NAME_LENGTH).optional(),
  version: z.string().regex(VERSION_PATTERN).optional(),
  max_results: z.coerce.number().int().min(1).max(1000).default(100),
  page_token: z.string().max(200).optional(),
});

/**
 * Prediction events from the edge (mounted at `/api/2.0/edgeflow`): `POST predictions/log-batch {events}`
 * stores a batch (the ingest token or an API token allowed to ingest required, see `authorize`; an event
 * already stored is skipped, so a retried batch stores nothing twice) and answers how many were new; `GET predictions/search?model=
 * &version=&max_results=&page_token=` pages through the stored events, newest first.
 */
export function predictionRoutes({ store, ingest }: AppDeps): Hono {
  const app = new Hono();
  const now = ingest?.now ?? Date.now;

  app.post('/predictions/log-batch', async (c) => {
    const { events } = await readInput(c, PredictionEventBatch);
    const deleteBefore = now() - (ingest?.retentionDays ?? 30) * DAY_MS;
    const stored = await store.logPredictions({
      events,
      deleteBefore,
      referenceEvents: ingest?.referenceEvents,
      now: now(),
    });
    return reply(c, { stored });
  });

  app.get('/predictions/search', async (c) => {
    const input = await readInput(c, Search);
    return replyPage(c, 'events', await store.searchPredictions(input));
  });

  return app;
}
