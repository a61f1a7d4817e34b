import { cloudflareKv } from './cloudflare-kv.ts';
import type { Edge } from './edge.ts';
import { openLocalEdge } from './local-edge.ts';
import { r2S3Blobs } from './r2-s3.ts';

/** The variables `EDGEFLOW_EDGE=cloudflare` needs, in the order they are reported. */
export const CLOUDFLARE_ENV = [
  'CLOUDFLARE_ACCOUNT_ID',
  'CLOUDFLARE_API_TOKEN',
  'EDGEFLOW_KV_NAMESPACE_ID',
  'EDGEFLOW_R2_BUCKET',
  'R2_ACCESS_KEY_ID',
  'R2_SECRET_ACCESS_KEY',
] as const;

/**
 * Opens the edge the env names. `EDGEFLOW_EDGE=local` (the default) opens wrangler's simulated R2
 * and KV under `EDGEFLOW_STATE_DIR` (default `.wrangler/state`); `EDGEFLOW_EDGE=cloudflare` opens
 * R2 through its S3 API and KV through Cloudflare's REST API, from the variables in `CLOUDFLARE_ENV`
 * (every missing one is named in one error). `EDGEFLOW_CF_API_URL` and `EDGEFLOW_R2_ENDPOINT`
 * override the API endpoints. `describe` names the account, bucket and namespace, never a secret.
 */
export async function openEdge(env: Record<string, string | undefined>): Promise<Edge> {
  const kind = (env.EDGEFLOW_EDGE ?? 'local').trim() || 'local';
  if (kind === 'local') {
    return openLocalEdge({ stateDir: env.EDGEFLOW_STATE_DIR || '.wrangler/state' });
  }
  if (kind !== 'cloudflare') {
    throw new Error(`EDGEFLOW_EDGE must be "local" or "cloudflare", got "${kind}"`);
  }
  const missing = CLOUDFLARE_ENV.filter((name) => !env[name]?.trim());
  if (missing.length) {
    throw new Error(`EDGEFLOW_EDGE=cloudflare needs ${missing.join(', ')} (missing or empty)`);
  }
  const get = (name: (typeof CLOUDFLARE_ENV)[number]) => env[name]!.trim();
  const accountId = get('CLOUDFLARE_ACCOUNT_ID');
  const bucket = get('EDGEFLOW_R2_BUCKET');
  const namespaceId = get('EDGEFLOW_KV_NAMESPACE_ID');
  const r2Endpoint = env.EDGEFLOW_R2_ENDPOINT?.trim() || `https://${accountId}.r2.cloudflarestorage.com`;
  return {
    blobs: r2S3Blobs({
      endpoint: r2Endpoint,
      bucket,
      accessKeyId: get('R2_ACCESS_KEY_ID'),
      secretAccessKey: get('R2_SECRET_ACCESS_KEY'),
    }),
    kv: cloudflareKv({
      accountId,
      namespaceId,
      apiToken: get('CLOUDFLARE_API_TOKEN'),
      apiUrl: env.EDGEFLOW_CF_API_URL?.trim() || undefined,
    }),
    describe: `cloudflare (account ${accountId}, R2 bucket ${bucket} at ${r2Endpoint}, KV namespace ${namespaceId})`,
    close: async () => {},
  };
}
