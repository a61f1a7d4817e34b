import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Replies with JSON the way MLflow's server writes it: non-finite numbers (metric values) as the
 * strings "NaN", "Infinity" and "-Infinity", which protobuf's JSON mapping and MLflow clients read.
 */
export function reply(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(jsonText(body), status, { 'content-type': 'application/json' });
}

/** `body` as the JSON text `reply` sends. */
export function jsonText(body: unknown): string {
  return JSON.stringify(body, nonFinite);
}

/** One page of a search, as a store returns it. */
export interface PageOf<T> {
  items: readonly T[];
  next_page_token?: string;
}

/**
 * Replies with one page of a search as MLflow's search endpoints do: the items under `key`, and
 * `next_page_token` only when there is a next page.
 *
 * @example
 * ```ts
 * return replyPage(c, 'experiments', await store.searchExperiments(input));
 * ```
 */
export function replyPage<T>(c: Context, key: string, page: PageOf<T>): Response {
  return reply(c, { [key]: page.items, ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}) });
}

function nonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}
