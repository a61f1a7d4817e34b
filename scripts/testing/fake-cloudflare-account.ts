import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it. */
export interface AccountRequest {
  method: string;
  /** The path under the API base, without the query (`/accounts/acc/queues`). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
}

/** A token as the fake keeps it. */
export interface FakeToken {
  id: string;
  name: string;
  value: string;
  policies: { effect: string; resources: Record<string, string>; permission_groups: { id: string }[] }[];
}

/** An uploaded worker: its metadata, module names and secrets. */
export interface FakeScript {
  metadata: Record<string, unknown>;
  modules: Record<string, { type: string; text: string }>;
  secrets: Map<string, string>;
}

/** Options of the fake. */
export interface FakeCloudflareAccountOptions {
  accountId: string;
  apiToken: string;
  /** The most items a list page holds, whatever `per_page` asks (default 100). */
  pageSize?: number;
}

/** The permission groups the fake offers for account-owned tokens, with the scopes Cloudflare gives them. */
export const PERMISSION_GROUPS = [
  {
    id: '2efd5506f9c8494dacb1fa10a3e7d5b6',
    name: 'Workers R2 Storage Bucket Item Write',
    scopes: ['com.cloudflare.edge.r2.bucket'],
  },
  {
    id: '6a018a9f2fc74eb6b293b0c548f38b39',
    name: 'Workers R2 Storage Bucket Item Read',
    scopes: ['com.cloudflare.edge.r2.bucket'],
  },
  { id: 'f7f0eda5697f475c90846e879bab8666', name: 'Workers KV Storage Write', scopes: ['com.cloudflare.api.account'] },
  { id: '8b47d2786a534c08a1f94ee8f9f599ef', name: 'Workers KV Storage Read', scopes: ['com.cloudflare.api.account'] },
  { id: 'e086da7e2179491d91ee5f35b3ca210a', name: 'Workers Scripts Write', scopes: ['com.cloudflare.api.account'] },
];

interface Injected {
  match: (r: AccountRequest) => boolean;
  status: number;
  body: unknown;
}

const hex32 = () => randomBytes(16).toString('hex');

/**
 * A local stand-in for the account-level parts of Cloudflare's v4 API that `npm run setup:cloudflare`
 * calls — KV namespaces, R2 buckets, queues, account-owned API tokens and their permission groups,
 * worker uploads and secrets — under `/client/v4`. It answers in Cloudflare's envelope
 * (`success`, `errors`, `messages`, `result`, `result_info`), pages lists as Cloudflare does (by
 * `page` with `total_count`, R2 buckets by an opaque `cursor`), refuses what Cloudflare refuses (a
 * second namespace, bucket or queue of one name; a secret for a worker that does not exist, code
 * 10007; a token policy naming an unknown permission group or resource), checks the bearer token and
 * the JSON content type, and records every request.
 */
export class FakeCloudflareAccount {
  readonly requests: AccountRequest[] = [];
  readonly namespaces: { id: string; title: string }[] = [];
  readonly buckets: { name: string; creation_date: string }[] = [];
  readonly queues: { queue_id: string; queue_name: string }[] = [];
  readonly tokens: FakeToken[] = [];
  readonly scripts = new Map<string, FakeScript>();
  private readonly injected: Injected[] = [];
  private server?: Server;
  private origin = '';

  constructor(readonly options: FakeCloudflareAccountOptions) {}

  /** The API base (what `CLOUDFLARE_API_BASE_URL` takes). */
  get apiUrl(): string {
    return `${this.origin}/client/v4`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((e) => (e ? reject(e) : resolve())) ?? resolve());
  }

  /** Answers the next request `match` accepts with `status` and `body` (an object is sent as JSON). */
  inject(match: (r: AccountRequest) => boolean, status: number, body: unknown): void {
    this.injected.push({ match, status, body });
  }

  reset(): void {
    this.requests.length = 0;
    this.namespaces.length = 0;
    this.buckets.length = 0;
    this.queues.length = 0;
    this.tokens.length = 0;
    this.scripts.clear();
    this.injected.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const r: AccountRequest = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/client\/v4/, ''),
      query: Object.fromEntries(url.searchParams),
      headers,
      body: Buffer.concat(chunks),
    };
    this.requests.push(r);

    const send = (status: number, body: unknown): void => {
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const i = this.injected.findIndex((x) => x.match(r));
    if (i >= 0) {
      const [x] = this.injected.splice(i, 1);
      return send(x!.status, x!.body);
    }
    if (!url.pathname.startsWith('/client/v4/')) return send(404, failure(7000, 'No route for that URI'));
    if (headers.authorization !== `Bearer ${this.options.apiToken}`)
      return send(400, failure(10000, 'Authentication error'));
    const m = /^\/accounts\/([^/]+)(\/.*)$/.exec(r.path);
    if (!m) return send(404, failure(7003, 'Could not route to the given path'));
    if (decodeURIComponent(m[1]!) !== this.options.accountId) return send(403, failure(10000, 'Authentication error'));
    const answer = await this.route(r, m[2]!);
    send(answer.status, answer.body);
  }

  private async route(r: AccountRequest, rest: string): Promise<{ status: number; body: unknown }> {
    const ok = (result: unknown, result_info?: unknown) => ({
      status: 200,
      body: { success: true, errors: [], messages: [], result, ...(result_info ? { result_info } : {}) },
    });
    const fail = (status: number, code: number, message: string) => ({ status, body: failure(code, message) });
    const json = (): Record<string, unknown> | undefined => {
      if (!/^application\/json\b/.test(r.headers['content-type'] ?? '')) return undefined;
      try {
        const v = JSON.parse(r.body.toString('utf8')) as unknown;
        return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    };
    const notJson = () => fail(400, 10026, 'Request body must be a JSON object sent as application/json');
    const route = `${r.method} ${rest}`;

    if (route === 'GET /storage/kv/namespaces') {
      const perPage = Number(r.query.per_page ?? 20);
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100)
        return fail(400, 10026, 'per_page must be a number from 1 to 100');
      return this.page(this.namespaces, r.query.page, perPage, ok);
    }
    if (route === 'POST /storage/kv/namespaces') {
      const body = json();
      if (!body || typeof body.title !== 'string' || Object.keys(body).length !== 1) return notJson();
      if (this.namespaces.some((n) => n.title === body.title))
        return fail(400, 10014, 'a namespace with this account ID and title already exists');
      const ns = { id: hex32(), title: body.title };
      this.namespaces.push(ns);
      return ok({ ...ns, supports_url_encoding: true });
    }
    if (route === 'GET /r2/buckets') {
      const size = this.options.pageSize ?? 100;
      const start = r.query.cursor ? Number(/^c\+\/(\d+)=$/.exec(r.query.cursor)?.[1] ?? 'NaN') : 0;
      if (!Number.isInteger(start)) return fail(400, 10040, `bad cursor ${r.query.cursor}`);
      const page = this.buckets.slice(start, start + size);
      const more = start + size < this.buckets.length;
      return ok({ buckets: page }, { per_page: size, ...(more ? { cursor: `c+/${start + size}=` } : {}) });
    }
    if (route === 'POST /r2/buckets') {
      const body = json();
      if (!body || typeof body.name !== 'string') return notJson();
      if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(body.name))
        return fail(400, 10005, 'The specified bucket name is not valid.');
      if (this.buckets.some((b) => b.name === body.name))
        return fail(409, 10004, 'The bucket you tried to create already exists, and you own it.');
      const bucket = { name: body.name, creation_date: new Date().toISOString() };
      this.buckets.push(bucket);
      return ok({ ...bucket, location: 'ENAM', storage_class: 'Standard' });
    }
    if (route === 'GET /queues') return this.page(this.queues, r.query.page, Number(r.query.per_page ?? 100), ok);
    if (route === 'POST /queues') {
      const body = json();
      if (!body || typeof body.queue_name !== 'string' || Object.keys(body).length !== 1) return notJson();
      if (this.queues.some((q) => q.queue_name === body.queue_name))
        return fail(409, 11009, 'A queue with this name already exists');
      const queue = { queue_id: hex32(), queue_name: body.queue_name };
      this.queues.push(queue);
      return ok({ ...queue, created_on: new Date().toISOString() });
    }
    if (route === 'GET /tokens/permission_groups') return ok(PERMISSION_GROUPS);
    if (route === 'GET /tokens') {
      const perPage = Number(r.query.per_page ?? 20);
      if (!Number.isInteger(perPage) || perPage < 5 || perPage > 50)
        return fail(400, 10026, 'per_page must be a number from 5 to 50');
      return this.page(
        this.tokens.map(({ value: _, ...t }) => ({ ...t, status: 'active' })),
        r.query.page,
        perPage,
        ok,
      );
    }
    if (route === 'POST /tokens') {
      const body = json();
      if (!body || typeof body.name !== 'string' || !Array.isArray(body.policies)) return notJson();
      const policies = body.policies as FakeToken['policies'];
      for (const p of policies) {
        if (p.effect !== 'allow' && p.effect !== 'deny') return fail(400, 1001, 'policy effect must be allow or deny');
        if (!Array.isArray(p.permission_groups) || !p.permission_groups.length)
          return fail(400, 1001, 'a policy needs permission groups');
        for (const g of p.permission_groups) {
          const group = PERMISSION_GROUPS.find((x) => x.id === g.id);
          if (!group) return fail(400, 1001, `unknown permission group ${g.id}`);
          for (const resource of Object.keys(p.resources ?? {})) {
            if (!this.knownResource(resource, group.scopes[0]!))
              return fail(400, 1001, `resource ${resource} does not fit permission group ${group.name}`);
          }
        }
        if (!Object.keys(p.resources ?? {}).length) return fail(400, 1001, 'a policy needs resources');
      }
      const token = { id: hex32(), name: body.name, value: randomBytes(30).toString('base64url'), policies };
      this.tokens.push(token);
      return ok({ ...token, status: 'active', issued_on: new Date().toISOString() });
    }
    const script = /^\/workers\/scripts\/([^/]+)(\/secrets)?$/.exec(rest);
    if (script) {
      const name = decodeURIComponent(script[1]!);
      if (!script[2] && r.method === 'PUT') return this.upload(r, name, ok, fail);
      const found = this.scripts.get(name);
      if (script[2] && !found) return fail(404, 10007, 'This Worker does not exist on your account.');
      if (script[2] && r.method === 'GET')
        return ok([...found!.secrets.keys()].map((n) => ({ name: n, type: 'secret_text' })));
      if (script[2] && r.method === 'PUT') {
        const body = json();
        if (!body || typeof body.name !== 'string' || typeof body.text !== 'string' || body.type !== 'secret_text')
          return notJson();
        found!.secrets.set(body.name, body.text);
        return ok({ name: body.name, type: 'secret_text' });
      }
    }
    return fail(405, 10405, `no fake for ${route}`);
  }

  private page<T>(
    all: T[],
    pageParam: string | undefined,
    perPage: number,
    ok: (result: unknown, info: unknown) => { status: number; body: unknown },
  ) {
    const size = Math.min(perPage, this.options.pageSize ?? 100);
    const page = Number(pageParam ?? 1);
    const items = all.slice((page - 1) * size, page * size);
    return ok(items, {
      page,
      per_page: size,
      count: items.length,
      total_count: all.length,
      total_pages: Math.ceil(all.length / size),
    });
  }

  private knownResource(resource: string, scope: string): boolean {
    const account = this.options.accountId;
    if (scope === 'com.cloudflare.api.account') return resource === `com.cloudflare.api.account.${account}`;
    const prefix = `com.cloudflare.edge.r2.bucket.${account}_default_`;
    return resource.startsWith(prefix) && this.buckets.some((b) => b.name === resource.slice(prefix.length));
  }

  private async upload(
    r: AccountRequest,
    name: string,
    ok: (result: unknown) => { status: number; body: unknown },
    fail: (status: number, code: number, message: string) => { status: number; body: unknown },
  ) {
    const type = r.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data')) return fail(400, 10021, 'a worker upload must be multipart/form-data');
    const form = await new Response(new Uint8Array(r.body), { headers: { 'content-type': type } }).formData();
    const meta = form.get('metadata');
    if (typeof meta !== 'string') return fail(400, 10021, 'no metadata part');
    const metadata = JSON.parse(meta) as Record<string, unknown>;
    const modules: FakeScript['modules'] = {};
    for (const [key, value] of form) {
      if (key !== 'metadata' && typeof value !== 'string')
        modules[key] = { type: value.type, text: await value.text() };
    }
    if (typeof metadata.main_module !== 'string' || !modules[metadata.main_module])
      return fail(400, 10021, 'main_module names no uploaded part');
    const secrets = this.scripts.get(name)?.secrets ?? new Map<string, string>();
    this.scripts.set(name, { metadata, modules, secrets });
    return ok({ id: name, etag: hex32() });
  }
}

function failure(code: number, message: string) {
  return { success: false, errors: [{ code, message }], messages: [], result: null };
}
