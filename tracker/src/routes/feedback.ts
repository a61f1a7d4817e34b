import { Hono } from 'hono';
import { FeedbackBatch } from '../../../contracts/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { joinLabels } from '../monitoring/join-labels.ts';
import { versionSignatures } from '../monitoring/version-signatures.ts';

const DAY_MS = 86_400_000;

/**
 * Ground truth from the edge (mounted at `/api/2.0/edgeflow`): `POST feedback {labels: [{prediction_id, label,
 * time}]}` (the ingest token required, see `authorize`) joins each label to its stored prediction and stores
 * it (see `joinLabels` for what is refused, all or nothing, and `logFeedback` for which of two labels wins),
 * answering how many labels were new (`stored`) and how many changed a stored one (`updated`).
 */
export function feedbackRoutes({ store, edge, ingest }: AppDeps): Hono {
  const app = new Hono();
  const now = ingest?.now ?? Date.now;
  const retentionDays = ingest?.retentionDays ?? 30;
  const signatureOf = versionSignatures(edge.blobs);

  app.post('/feedback', async (c) => {
    const { labels } = await readInput(c, FeedbackBatch);
    const deleteBefore = now() - retentionDays * DAY_MS;
    const joined = await joinLabels(store, signatureOf, labels, deleteBefore, retentionDays);
    return reply(c, await store.logFeedback({ labels: joined, deleteBefore }));
  });

  return app;
}
