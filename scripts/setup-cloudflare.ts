/**
 * `npm run setup:cloudflare [-- --config wrangler.toml]`: makes a Cloudflare account ready for
 * `wrangler deploy` and for a tracker on `EDGEFLOW_EDGE=cloudflare`, through Cloudflare's API, from
 * `CLOUDFLARE_ACCOUNT_ID` and `CLOUDFLARE_API_TOKEN`. It creates what wrangler.toml names and the
 * account lacks — the KV namespaces (ids written into wrangler.toml), R2 buckets, queues (dead-letter
 * queues included) — an API token for the tracker (KV write, object read/write on the buckets; its
 * S3 credentials derived as R2 documents) and the worker secret `INGEST_TOKEN`. What exists is found
 * and left alone, so a second run changes nothing. New secrets are printed once, in a marked block.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CloudflareApiError, cloudflareApi } from './lib/cloudflare-api.ts';
import { errorLine } from './lib/error-line.ts';
import { setKvNamespaceId } from './lib/set-kv-namespace-id.ts';

/** What `setupCloudflare` works on. */
export interface SetupCloudflareOptions {
  accountId: string;
  /** The token the setup runs with (see the README for the permissions it needs). */
  apiToken: string;
  /** Cloudflare's API base (default `https://api.cloudflare.com/client/v4`). */
  apiBaseUrl?: string;
  /** The wrangler.toml to read and to write the KV namespace ids into. */
  configPath: string;
  /** Gets each line of the report as it happens. */
  print: (line: string) => void;
  fetch?: typeof fetch;
}

/** What the account has after a run. */
export interface SetupCloudflareResult {
  /** Namespace id by binding. */
  kvNamespaces: Record<string, string>;
  buckets: string[];
  /** Queue id by name. */
  queues: Record<string, string>;
  /** The secrets this run created (none on a run that found everything), by the tracker variable that takes them. */
  secrets: Record<string, string>;
}

/** A step that failed: its name and what went wrong, on one line. */
export class SetupStepError extends Error {
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`${step}: ${errorLine(cause)}`);
    this.name = 'SetupStepError';
  }
}

/** The worker secret the EVENTS consumer posts to the tracker with (the tracker's `EDGEFLOW_INGEST_TOKEN`). */
export const INGEST_SECRET = 'INGEST_TOKEN';
/** The permission groups of the tracker's token, by the scope they are granted on. */
export const TRACKER_PERMISSIONS = {
  bucket: 'Workers R2 Storage Bucket Item Write',
  account: 'Workers KV Storage Write',
} as const;
/** Cloudflare's code for "this Worker does not exist on your account" (what wrangler checks too). */
const WORKER_NOT_FOUND = 10007;

interface WranglerConfig {
  name?: string;
  compatibility_date?: string;
  kv_namespaces: { binding: string; id?: string }[];
  r2_buckets: { binding: string; bucket_name?: string }[];
  queues: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
}

interface Namespace {
  id: string;
  title: string;
}
interface Queue {
  queue_id?: string;
  queue_name?: string;
}
interface Token {
  id?: string;
  name?: string;
  value?: string;
}
interface PermissionGroup {
  id?: string;
  name?: string;
}

/**
 * Runs the setup; rejects with a `SetupStepError` at the first step that fails. wrangler.toml is only
 * rewritten when a namespace id in it changes, once, right after the KV step, through a temporary file
 * in the same folder that is read back by wrangler's own parser before it is renamed over the original:
 * a failure leaves either the old file or the complete new one. Secrets made before a failure are still
 * printed (the API never shows them again).
 */
export async function setupCloudflare(options: SetupCloudflareOptions): Promise<SetupCloudflareResult> {
  const { accountId, print } = options;
  const api = cloudflareApi({ apiToken: options.apiToken, baseUrl: options.apiBaseUrl, fetch: options.fetch });
  const account = `/accounts/${encodeURIComponent(accountId)}`;
  const configPath = resolve(options.configPath);
  const secrets: Record<string, string> = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new SetupStepError(name, error);
    }
  };

  try {
    const config = await step(`read ${basename(configPath)}`, () => readWranglerConfig(configPath));
    const worker = config.name;
    if (!worker) throw new SetupStepError(`read ${basename(configPath)}`, new Error('it names no worker (name = …)'));
    print(`Cloudflare account ${accountId}, worker "${worker}", from ${configPath}`);

    const kvNamespaces = await step('KV namespaces', async () => {
      const existing = await api.pages<Namespace>(`${account}/storage/kv/namespaces`, { per_page: '100' });
      const ids: Record<string, string> = {};
      for (const { binding, id } of config.kv_namespaces) {
        const title = `${worker}-${binding}`;
        const named = existing.find((n) => n.id === id);
        const found = named ?? existing.find((n) => n.title === title);
        if (found) {
          print(`KV namespace "${found.title}" (binding ${binding}): exists, id ${found.id}`);
          ids[binding] = found.id;
          continue;
        }
        const made = await api.call<Namespace>('POST', `${account}/storage/kv/namespaces`, { title });
        print(`KV namespace "${title}" (binding ${binding}): created, id ${made.id}`);
        ids[binding] = made.id;
      }
      return ids;
    });

    const changed = config.kv_namespaces.filter((n) => n.id !== kvNamespaces[n.binding]);
    if (changed.length) {
      await step(`write ${basename(configPath)}`, async () => {
        let toml = readFileSync(configPath, 'utf8');
        for (const { binding } of changed) toml = setKvNamespaceId(toml, binding, kvNamespaces[binding]!);
        await writeVerified(configPath, toml, (written) =>
          changed.every(
            (n) => written.kv_namespaces.find((w) => w.binding === n.binding)?.id === kvNamespaces[n.binding],
          ),
        );
      });
      print(`${basename(configPath)}: id of ${changed.map((n) => n.binding).join(', ')} written`);
    } else {
      print(`${basename(configPath)}: unchanged`);
    }

    const buckets = config.r2_buckets.map((b) => b.bucket_name).filter((b): b is string => !!b);
    await step('R2 buckets', async () => {
      const existing = await api.cursorPages<{ name?: string }>(
        `${account}/r2/buckets`,
        (result) => (result as { buckets?: { name?: string }[] } | undefined)?.buckets ?? [],
      );
      for (const name of buckets) {
        if (existing.some((b) => b.name === name)) {
          print(`R2 bucket "${name}": exists`);
          continue;
        }
        await api.call('POST', `${account}/r2/buckets`, { name });
        print(`R2 bucket "${name}": created`);
      }
    });

    const queues = await step('queues', async () => {
      const names = [
        ...new Set([
          ...(config.queues.producers ?? []).map((p) => p.queue),
          ...(config.queues.consumers ?? []).flatMap((c) => [c.queue, c.dead_letter_queue ?? '']),
        ]),
      ].filter(Boolean);
      const existing = await api.pages<Queue>(`${account}/queues`);
      const ids: Record<string, string> = {};
      for (const name of names) {
        const found = existing.find((q) => q.queue_name === name);
        if (found) {
          print(`queue "${name}": exists, id ${found.queue_id}`);
          ids[name] = found.queue_id ?? '';
          continue;
        }
        const made = await api.call<Queue>('POST', `${account}/queues`, { queue_name: name });
        print(`queue "${name}": created, id ${made.queue_id}`);
        ids[name] = made.queue_id ?? '';
      }
      return ids;
    });

    const tokenName = `${worker}-tracker`;
    await step(`API token "${tokenName}"`, async () => {
      const tokens = await api.pages<Token>(`${account}/tokens`, { per_page: '50' });
      const found = tokens.find((t) => t.name === tokenName);
      if (found) {
        print(
          `API token "${tokenName}": exists, id ${found.id} (its value was shown when it was made; for new credentials delete it and run again)`,
        );
        return;
      }
      const groups = await api.call<PermissionGroup[]>('GET', `${account}/tokens/permission_groups`);
      const group = (name: string) => {
        const id = groups.find((g) => g.name === name)?.id;
        if (!id) throw new Error(`Cloudflare lists no permission group named "${name}"`);
        return [{ id }];
      };
      const made = await api.call<Token>('POST', `${account}/tokens`, {
        name: tokenName,
        policies: [
          {
            effect: 'allow',
            resources: Object.fromEntries(
              buckets.map((b) => [`com.cloudflare.edge.r2.bucket.${accountId}_default_${b}`, '*']),
            ),
            permission_groups: group(TRACKER_PERMISSIONS.bucket),
          },
          {
            effect: 'allow',
            resources: { [`com.cloudflare.api.account.${accountId}`]: '*' },
            permission_groups: group(TRACKER_PERMISSIONS.account),
          },
        ],
      });
      if (!made.id || !made.value) throw new Error('the created token came back without its id or value');
      secrets.CLOUDFLARE_API_TOKEN = made.value;
      secrets.R2_ACCESS_KEY_ID = made.id;
      secrets.R2_SECRET_ACCESS_KEY = createHash('sha256').update(made.value).digest('hex');
      print(
        `API token "${tokenName}": created, id ${made.id} (${TRACKER_PERMISSIONS.account}; ${TRACKER_PERMISSIONS.bucket} on ${buckets.join(', ')})`,
      );
    });

    await step(`worker secret ${INGEST_SECRET}`, async () => {
      const script = `${account}/workers/scripts/${encodeURIComponent(worker)}`;
      let names: string[];
      try {
        names = (await api.call<{ name?: string }[]>('GET', `${script}/secrets`)).map((s) => s.name ?? '');
      } catch (error) {
        if (!(error instanceof CloudflareApiError && error.codes.includes(WORKER_NOT_FOUND))) throw error;
        await api.call('PUT', script, placeholderWorker(config.compatibility_date));
        print(
          `worker "${worker}": not deployed yet, so a placeholder that answers 503 was uploaded to hold its secrets (wrangler deploy replaces it)`,
        );
        names = [];
      }
      if (names.includes(INGEST_SECRET)) {
        print(`worker secret ${INGEST_SECRET}: exists (the tracker keeps the EDGEFLOW_INGEST_TOKEN it was given)`);
        return;
      }
      const value = randomBytes(32).toString('base64url');
      await api.call('PUT', `${script}/secrets`, { name: INGEST_SECRET, text: value, type: 'secret_text' });
      secrets.EDGEFLOW_INGEST_TOKEN = value;
      print(`worker secret ${INGEST_SECRET}: set`);
    });

    print('');
    print('Tracker settings (not secret):');
    print('  EDGEFLOW_EDGE=cloudflare');
    print(`  CLOUDFLARE_ACCOUNT_ID=${accountId}`);
    if (kvNamespaces.POINTERS) print(`  EDGEFLOW_KV_NAMESPACE_ID=${kvNamespaces.POINTERS}`);
    const models = config.r2_buckets.find((b) => b.binding === 'MODELS')?.bucket_name;
    if (models) print(`  EDGEFLOW_R2_BUCKET=${models}`);
    return { kvNamespaces, buckets, queues, secrets };
  } finally {
    printSecrets(secrets, print);
  }
}

/** The block that shows new secrets, the one place they are printed. */
function printSecrets(secrets: Record<string, string>, print: (line: string) => void): void {
  const entries = Object.entries(secrets);
  if (!entries.length) return;
  print('');
  print(
    "==== SECRETS, shown this once: put them in the tracker's environment now (Cloudflare never shows them again) ====",
  );
  for (const [name, value] of entries) print(`  ${name}=${value}`);
  print('==== end of secrets ====');
}

/** wrangler.toml as wrangler itself reads it. */
async function readWranglerConfig(path: string): Promise<WranglerConfig> {
  const { unstable_readConfig } = await import('wrangler');
  return unstable_readConfig({ config: path }, { hideWarnings: true }) as unknown as WranglerConfig;
}

/** Writes `text` to a temporary file beside `path`, checks it with wrangler's parser, then renames it over `path`. */
async function writeVerified(path: string, text: string, holds: (config: WranglerConfig) => boolean): Promise<void> {
  const temp = join(dirname(path), `.${basename(path, '.toml')}.${process.pid}.${randomBytes(4).toString('hex')}.toml`);
  try {
    writeFileSync(temp, text);
    if (!holds(await readWranglerConfig(temp)))
      throw new Error('the rewritten file does not read back with the new ids');
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * The upload (`PUT /accounts/{id}/workers/scripts/{name}`, multipart) of a worker that answers 503
 * until `wrangler deploy` replaces it: secrets need a worker to belong to, and a deploy keeps them.
 */
function placeholderWorker(compatibilityDate: string | undefined): FormData {
  const form = new FormData();
  form.set(
    'metadata',
    JSON.stringify({
      main_module: 'placeholder.mjs',
      bindings: [],
      ...(compatibilityDate ? { compatibility_date: compatibilityDate } : {}),
    }),
  );
  form.set(
    'placeholder.mjs',
    new File(
      [
        'export default { fetch() { return new Response("not deployed yet: run wrangler deploy", { status: 503 }); } };',
      ],
      'placeholder.mjs',
      { type: 'application/javascript+module' },
    ),
  );
  return form;
}

const USAGE = 'CLOUDFLARE_ACCOUNT_ID=… CLOUDFLARE_API_TOKEN=… npm run setup:cloudflare [-- --config wrangler.toml]';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let config = 'wrangler.toml';
  let missing: string[] = [];
  try {
    const { values } = parseArgs({
      args: process.argv.slice(2).filter((a) => a !== '--'),
      options: { config: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    config = values.config ?? config;
    missing = ['CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_TOKEN'].filter((n) => !process.env[n]?.trim());
    if (missing.length) throw new Error(`${missing.join(' and ')} must be set (from the environment, never the repo)`);
  } catch (error) {
    console.error(`${errorLine(error)}\nusage: ${USAGE}`);
    process.exitCode = 2;
  }
  if (!process.exitCode) {
    setupCloudflare({
      accountId: process.env.CLOUDFLARE_ACCOUNT_ID!.trim(),
      apiToken: process.env.CLOUDFLARE_API_TOKEN!.trim(),
      apiBaseUrl: process.env.CLOUDFLARE_API_BASE_URL?.trim() || undefined,
      configPath: config,
      print: (line) => console.log(line),
    }).then(
      () => {},
      (error: unknown) => {
        console.error(`setup:cloudflare failed at ${errorLine(error)}`);
        process.exitCode = 1;
      },
    );
  }
}
