import { Hono } from 'hono';
import * as z from 'zod';
import { MAX_MODEL_NAME_LENGTH, PredictionArm, VERSION_PATTERN } from '../../../contracts/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { invalid } from '../errors.ts';
import { readInput } from '../http/input.ts';
import { reply } from '../http/reply.ts';
import { driftReport } from '../monitoring/drift-report.ts';
import { trafficSeries } from '../monitoring/traffic-series.ts';
import { liveVersion } from '../registry/served-version.ts';
import { DEFAULT_REFERENCE_EVENTS } from '../store/prediction-ingest.ts';
import { minuteOf } from '../store/prediction-rollups.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Longest window a drift query reads. */
export const MAX_DRIFT_RANGE_MS = 7 * DAY_MS;
/** Longest range a traffic query reads, and most steps one series has. */
export const MAX_TRAFFIC_RANGE_MS = 31 * DAY_MS;
export const MAX_TRAFFIC_POINTS = 1440;
/** Step sizes (minutes) a traffic query picks from when none is given: the first with at most 360 steps. */
const AUTO_STEPS = [1, 5, 15, 60, 360, 1440];

const time = z.coerce.number().int().min(0).max(8.64e15);
const Window = z.object({
  name: z.string().min(1).max(MAX_MODEL_NAME_LENGTH),
  start_time: time.optional(),
  end_time: time.optional(),
});
const Drift = Window.extend({
  version: z.string().regex(VERSION_PATTERN).optional(),
  arm: z.enum(PredictionArm.options).optional(),
});
const Traffic = Window.extend({
  version: z.string().regex(VERSION_PATTERN).optional(),
  step_minutes: z.coerce.number().int().min(1).max(1440).optional(),
});

/**
 * [start, end) of a query: `end_time` default now, `start_time` default `fallback` before it, at most
 * `max` long; widened to whole minutes, the rollups' unit.
 */
function windowOf(q: { start_time?: number; end_time?: number }, now: number, fallback: number, max: number) {
  const end = q.end_time ?? now;
  const start = q.start_time ?? end - fallback;
  if (start >= end) throw invalid(`start_time (${start}) must be before end_time (${end}).`);
  if (end - start > max) throw invalid(`The range from start_time to end_time may span at most ${max / DAY_MS} days.`);
  return { start: minuteOf(start), end: minuteOf(end + MINUTE_MS - 1) };
}

/**
 * Monitoring from the prediction rollups (mounted at `/api/2.0/edgeflow`). `GET monitoring/drift?name=
 * &version=&arm=&start_time=&end_time=`: each input's and the output's drift from the version's
 * reference over [start_time, end_time) (default: the last hour; at most 7 days; both widened to whole
 * minutes, and answered so), and the data set's
 * (see `driftReport`); `version` defaults to the one live at the edge. `GET monitoring/traffic?name=
 * &version=&start_time=&end_time=&step_minutes=`: count, errors and latency per step by version and
 * arm (default: the last 24 hours; at most 31 days and 1,440 steps). An unknown model or version is
 * RESOURCE_DOES_NOT_EXIST.
 */
export function monitoringRoutes({ store, edge, ingest }: AppDeps): Hono {
  const app = new Hono();
  const now = ingest?.now ?? Date.now;

  app.get('/monitoring/drift', async (c) => {
    const q = await readInput(c, Drift);
    const { start, end } = windowOf(q, now(), HOUR_MS, MAX_DRIFT_RANGE_MS);
    await store.getRegisteredModel(q.name);
    const version = q.version ?? (await liveVersion(edge, q.name));
    if (!version) throw invalid(`Model ${q.name} has no version live at the edge: name one with version=.`);
    await store.getModelVersion(q.name, version);
    const referenceEvents = ingest?.referenceEvents ?? DEFAULT_REFERENCE_EVENTS;
    return reply(c, await driftReport(store, { name: q.name, version, arm: q.arm, start, end, referenceEvents }));
  });

  app.get('/monitoring/traffic', async (c) => {
    const q = await readInput(c, Traffic);
    const { start, end } = windowOf(q, now(), DAY_MS, MAX_TRAFFIC_RANGE_MS);
    const minutes = (end - start) / MINUTE_MS;
    const step = q.step_minutes ?? AUTO_STEPS.find((s) => minutes / s <= 360) ?? 1440;
    if (minutes / step > MAX_TRAFFIC_POINTS) {
      throw invalid(`step_minutes=${step} gives more than ${MAX_TRAFFIC_POINTS} steps: choose a larger one.`);
    }
    await store.getRegisteredModel(q.name);
    if (q.version) await store.getModelVersion(q.name, q.version);
    const rows = await store.readRollups({ model: q.name, version: q.version, start, end });
    return reply(c, {
      name: q.name,
      start_time: start,
      end_time: end,
      step_minutes: step,
      series: trafficSeries(rows, start, step * MINUTE_MS),
    });
  });

  return app;
}
