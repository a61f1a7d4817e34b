import { errorLine } from './error-line.ts';

/** Cloudflare's API base when `CLOUDFLARE_API_BASE_URL` does not name another (the variable wrangler reads too). */
export const CLOUDFLARE_API_BASE_URL = 'https://api.cloudflare.com/client/v4';

/** One entry of an envelope's `errors` or `messages`. */
export interface CloudflareMessage {
  code?: number;
  message?: string;
}

/** Paging details of a list answer (`result_info`). */
export interface ResultInfo {
  page?: number;
  per_page?: number;
  count?: number;
  total_count?: number;
  cursor?: string;
}

/** What every answer of the v4 API is wrapped in. */
interface Envelope {
  success?: boolean;
  errors?: CloudflareMessage[];
  messages?: CloudflareMessage[];
  result?: unknown;
  result_info?: ResultInfo;
}

/** A call the API refused: its HTTP status and the envelope's error codes, in a message naming the call. */
export class CloudflareApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly codes: number[],
  ) {
    super(message);
    this.name = 'CloudflareApiError';
  }
}

/** Options of the client. */
export interface CloudflareApiOptions {
  apiToken: string;
  /** Default `CLOUDFLARE_API_BASE_URL`. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/** A JSON body, or a multipart form (sent with the boundary `fetch` picks). */
export type RequestBody = Record<string, unknown> | FormData;

/** The calls `setupCloudflare` makes, each answering the envelope's `result`. */
export interface CloudflareApi {
  call<T>(method: string, path: string, body?: RequestBody): Promise<T>;
  /** Every item of a list paged by `page` (Cloudflare's `V4PagePaginationArray`), from page 1 on. */
  pages<T>(path: string, query?: Record<string, string>): Promise<T[]>;
  /** Every item of a list paged by `cursor` (`result_info.cursor`); `items` picks them out of a `result`. */
  cursorPages<T>(path: string, items: (result: unknown) => T[], query?: Record<string, string>): Promise<T[]>;
}

/** The most pages a list is followed for: a server that never says "last page" must not loop forever. */
const MAX_PAGES = 1000;

/**
 * A client of Cloudflare's v4 API (`Authorization: Bearer <token>`, JSON bodies). A call whose answer
 * is not 2xx with `success: true` rejects with a `CloudflareApiError` that names the method, the path
 * and Cloudflare's error messages and codes, on one line.
 */
export function cloudflareApi(options: CloudflareApiOptions): CloudflareApi {
  const base = (options.baseUrl || CLOUDFLARE_API_BASE_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;

  async function envelope(method: string, path: string, body?: RequestBody): Promise<Envelope> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiToken}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const what = `${method} ${path.split('?')[0]}`;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${base}${path}`, { method, headers, body: payload });
      text = await res.text();
    } catch (error) {
      throw new Error(`${what}: ${errorLine(error)}`);
    }
    let json: Envelope | undefined;
    try {
      json = JSON.parse(text) as Envelope;
    } catch {
      json = undefined;
    }
    if (res.ok && json?.success === true) return json;
    const errors = Array.isArray(json?.errors) ? json.errors : [];
    const detail = errors.length
      ? errors
          .map((e) => `${e.message ?? 'unknown error'}${e.code !== undefined ? ` [code ${e.code}]` : ''}`)
          .join('; ')
      : json
        ? 'success: false'
        : `not a Cloudflare API answer: ${text.slice(0, 120).replace(/\s+/g, ' ')}`;
    throw new CloudflareApiError(
      `${what} failed: HTTP ${res.status}: ${detail}`,
      res.status,
      errors.map((e) => e.code).filter((c): c is number => typeof c === 'number'),
    );
  }

  const withQuery = (path: string, query: Record<string, string>) => {
    const q = new URLSearchParams(query).toString();
    return q ? `${path}?${q}` : path;
  };

  return {
    async call<T>(method: string, path: string, body?: RequestBody) {
      return (await envelope(method, path, body)).result as T;
    },
    async pages<T>(path: string, query: Record<string, string> = {}) {
      const items: T[] = [];
      const perPage = query.per_page === undefined ? undefined : Number(query.per_page);
      for (let page = 1; page <= MAX_PAGES; page++) {
        const answer = await envelope('GET', withQuery(path, { ...query, page: String(page) }));
        const result = Array.isArray(answer.result) ? (answer.result as T[]) : [];
        items.push(...result);
        if (!result.length || !hasMorePages(answer.result_info, result.length, perPage)) break;
      }
      return items;
    },
    async cursorPages<T>(path: string, pick: (result: unknown) => T[], query: Record<string, string> = {}) {
      const items: T[] = [];
      let cursor: string | undefined;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const answer = await envelope('GET', withQuery(path, cursor ? { ...query, cursor } : query));
        items.push(...pick(answer.result));
        cursor = answer.result_info?.cursor || undefined;
        if (!cursor) break;
      }
      return items;
    },
  };
}

/**
 * Whether a page-numbered list goes on: `page × per_page < total_count` when the answer says so (as
 * wrangler decides), else whether the page came back as full as `requested` asked.
 */
function hasMorePages(info: ResultInfo | undefined, got: number, requested: number | undefined): boolean {
  if (info?.page !== undefined && info.per_page !== undefined && info.total_count !== undefined) {
    return info.page * info.per_page < info.total_count;
  }
  return requested !== undefined && got >= requested;
}
