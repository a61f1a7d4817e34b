/**
 * Where a client finds the tracker: `MLFLOW_TRACKING_URI` when set, else localhost on
 * `EDGEFLOW_TRACKER_PORT` (default 5000), the port the tracker itself and `npm start` listen on.
 * Without a trailing slash.
 */
export function trackingUri(env: Record<string, string | undefined> = {}): string {
  const uri = env.MLFLOW_TRACKING_URI?.trim() || `http://localhost:${env.EDGEFLOW_TRACKER_PORT?.trim() || 5000}`;
  return uri.replace(/\/+$/, '');
}
