import { openServedTracker } from '../../src/testing/served-tracker.ts';

/** The tracker a client test talks to, over HTTP. */
export interface TestTracker {
  url: string;
  /** Whether it is a fresh tracker of this test file (false: a long-lived one at EDGEFLOW_TEST_TRACKER_URL). */
  fresh: boolean;
  close(): Promise<void>;
}

/**
 * The tracker at EDGEFLOW_TEST_TRACKER_URL when that is set, else a fresh real tracker (the app,
 * a libSQL file and a local edge in a temp folder) served on a free port of this process.
 */
export async function openTestTracker(env: Record<string, string | undefined> = process.env): Promise<TestTracker> {
  const external = env.EDGEFLOW_TEST_TRACKER_URL?.replace(/\/+$/, '');
  if (external) return { url: external, fresh: false, close: async () => {} };
  const served = await openServedTracker();
  return { url: served.url, fresh: true, close: () => served.close() };
}
