import type { KvStore } from './kv-store.ts';

/** Options of the KV backend over Cloudflare's REST API. */
export interface CloudflareKvOptions {
  accountId: string;
  namespaceId: string;
  /** An API token with Workers KV Storage edit permission. */
  apiToken: string;
  /** The API base (default `https://api.cloudflare.com/client/v4`); tests point it at a local server. */
  apiUrl?: string;
  /** Retries of a request answered 429 or 5xx (default 3), with exponential backoff. */
  retries?: number;
  /** First backoff delay in ms (default 250). */
  retryDelayMs?: number;
  fetch?: typeof fetch;
}

/** Cloudflare's API code for "get: 'key not found'". Any other 404 (wrong namespace, wrong account) is an error. */
const KEY_NOT_FOUND = 10009;

interface CloudflareMessage {
  code?: number;
  message?: string;
}

/**
 * Workers KV through Cloudflare's REST API
 * (`/accounts/{account_id}/storage/kv/namespaces/{namespace_id}/values/{key_name}`), for a tracker
 * that runs outside Workers. A missing key reads as null; a 404 for any other reason (a wrong
 * namespace id) is an error, so a misconfiguration never looks like an empty store.
 */
export function cloudflareKv(options: CloudflareKvOptions): KvStore {
  const base = (options.apiUrl ?? 'https://api.cloudflare.com/client/v4').replace(/\/+$/, '');
  const ns = `${base}/accounts/${encodeURIComponent(options.accountId)}/storage/kv/namespaces/${encodeURIComponent(options.namespaceId)}`;
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 250;

  async function call(method: string, key: string, body?: string): Promise<Response> {
    const url = `${ns}/values/${encodeURIComponent(key)}`;
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiToken}` };
    if (body !== undefined) headers['content-type'] = 'text/plain; charset=utf-8';
    for (let attempt = 0; ; attempt++) {
      const res = await doFetch(url, { method, headers, body });
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** attempt));
        continue;
      }
      return res;
    }
  }

  async function fail(op: string, key: string, res: Response): Promise<never> {
    const errors = await readErrors(res);
    const detail = errors.length
      ? errors
          .map((e) => `${e.message ?? 'unknown error'}${e.code !== undefined ? ` [code ${e.code}]` : ''}`)
          .join('; ')
      : res.statusText || 'no error message';
    throw new Error(`Cloudflare KV ${op} "${key}" failed: HTTP ${res.status}: ${detail}`);
  }

  return {
    async get(key) {
      const res = await call('GET', key);
      if (res.ok) return res.text();
      if (res.status === 404) {
        const errors = await readErrors(res.clone());
        if (errors.some((e) => e.code === KEY_NOT_FOUND)) return null;
      }
      return fail('GET', key, res);
    },
    async put(key, value) {
      const res = await call('PUT', key, value);
      if (!res.ok) return fail('PUT', key, res);
      await assertSuccess('PUT', key, res);
    },
    async delete(key) {
      const res = await call('DELETE', key);
      if (res.status === 404) {
        const errors = await readErrors(res.clone());
        if (errors.some((e) => e.code === KEY_NOT_FOUND)) return;
      }
      if (!res.ok) return fail('DELETE', key, res);
      await assertSuccess('DELETE', key, res);
    },
  };
}

/** Cloudflare can answer 200 with `success: false`; treat that as the failure it is. */
async function assertSuccess(op: string, key: string, res: Response): Promise<void> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return; // a 2xx without an envelope: nothing more to check
  }
  if (body && typeof body === 'object' && (body as { success?: unknown }).success === false) {
    const errors = messages((body as { errors?: unknown }).errors);
    throw new Error(
      `Cloudflare KV ${op} "${key}" failed: ${errors.map((e) => `${e.message} [code ${e.code}]`).join('; ') || 'success: false'}`,
    );
  }
}

async function readErrors(res: Response): Promise<CloudflareMessage[]> {
  try {
    const body = (await res.json()) as { errors?: unknown };
    return messages(body?.errors);
  } catch {
    return [];
  }
}

function messages(value: unknown): CloudflareMessage[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
    .map((e) => ({
      code: typeof e.code === 'number' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
    }));
}
