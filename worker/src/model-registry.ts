import { isVersion, modelNameProblem, modelPrefix, type Pointer, versionPrefix } from '../../contracts/index.ts';
import { EdgeHttpError } from './edge-error.ts';
import { type LoadedModel, loadModel } from './load-model.ts';
import { recordLoad } from './metrics.ts';
import { pickCanary } from './pick-canary.ts';
import { PointerCache, type PointerState } from './pointer-cache.ts';
import { type BackendPreference, backendPreference } from './tfjs.ts';
import { edgeVars } from './worker-env.ts';

/** The bindings the registry reads. */
export interface RegistryBindings {
  POINTERS: KVNamespace;
  MODELS: R2Bucket;
}

/** Tuning of a registry. */
export interface RegistryOptions {
  /** How long a version that failed to load is not retried (default 30 s). */
  retryFailedAfterMs: number;
  /**
   * Weight bytes kept loaded across all versions (default 48 MiB). Never evicted: a version that serves,
   * or that a model's current pointer names as live, canary or shadow (those may take the cache over budget).
   */
  cacheBytes: number;
  /** The clock (milliseconds) of pointer TTLs, load retries and the model-existence cache (default `Date.now`). */
  now: () => number;
}

/** A version's failed load, as `/health` reports it. */
export interface Failure {
  version: string;
  message: string;
  /** When it failed, by the registry's clock. */
  at: number;
}

interface Slot {
  /** The last good live version: what answers while the pointer's live version fails to load. */
  serving?: LoadedModel;
  /** The pointer last followed: its live, canary and shadow versions stay cached. */
  pointer?: Pointer;
  failures: Map<string, Failure>;
  loads: number;
  loadFailures: number;
}

/** Where one request for a model goes: the version that answers it and, maybe, a shadow to run after. */
export interface Route {
  /** The version that answers: the live (serving) version or the pointer's canary. */
  model: LoadedModel;
  /** True when `model` is the canary. */
  canary: boolean;
  /** The pointer's shadow version, when loaded; run in the background, its answer discarded. */
  shadow?: LoadedModel;
}

/** What `/health` reports about a model. */
export interface ModelHealth {
  /** The version answering requests, if any. */
  serving?: LoadedModel;
  /** The failure of the version the pointer names, if it failed to load. */
  failure?: Failure;
  loads: number;
  loadFailures: number;
}

/** What a registry holds: every loaded version (with its backend and bytes) and what serves per model. */
export interface RegistrySnapshot {
  loaded: Array<{ name: string; version: string; bytes: number; backend: string }>;
  serving: Array<{ name: string; version: string }>;
  bytes: number;
}

/** Schedules work that must finish even if the request that started it ends (`ExecutionContext.waitUntil`). */
export type WaitUntil = (promise: Promise<unknown>) => void;

const DEFAULTS: RegistryOptions = { retryFailedAfterMs: 30_000, cacheBytes: 48 * 1024 * 1024, now: Date.now };

const keyOf = (name: string, version: string) => `${name}@${version}`;

/**
 * The model versions an isolate holds and the pointers it follows: one per isolate (a deliberate
 * per-isolate cache, created by the worker's entry module), handed to the handlers. Tests create their
 * own, with their own options and clock.
 */
export class ModelRegistry {
  readonly #options: RegistryOptions;
  readonly #pointers: PointerCache;
  readonly #slots = new Map<string, Slot>();
  /** Loaded versions by `name@version`, least recently used first. */
  readonly #loaded = new Map<string, LoadedModel>();
  #loadedBytes = 0;
  readonly #loading = new Map<string, Promise<LoadedModel>>();
  readonly #existence = new Map<string, { exists: boolean; at: number }>();
  /** `EDGEFLOW_BACKEND` as last seen (read when a version loads; the isolate's TFJS backend is fixed at the first load). */
  #preference: BackendPreference = 'auto';

  constructor(options: Partial<RegistryOptions> = {}) {
    this.#options = { ...DEFAULTS, ...options };
    this.#pointers = new PointerCache(this.#options.now);
  }

  /** The pointer of `name` as this registry follows it (see `PointerCache.read`). */
  readPointer(kv: KVNamespace, name: string, ttlMs: number): Promise<PointerState> {
    return this.#pointers.read(kv, name, ttlMs);
  }

  /**
   * The model version that should answer a request for `name` right now: the live version of the KV
   * pointer (cached for `ttlMs`). When it is not loaded yet the request waits for its load (concurrent
   * callers share one load, kept alive by each caller's `waitUntil`); no other version answers meanwhile.
   * Only when it fails to load does the last good version keep answering; the failure is remembered and
   * not retried for `retryFailedAfterMs` (requests get the last good version at once until then).
   * Throws `EdgeHttpError`: 404 unknown model, 503 nothing promoted / nothing loadable.
   */
  async resolveModel(env: RegistryBindings, name: string, ttlMs: number, waitUntil: WaitUntil): Promise<LoadedModel> {
    return (await this.#resolveLive(env, name, ttlMs, waitUntil)).model;
  }

  /**
   * Routes a request for `name` like `resolveModel`, then applies the pointer's canary and shadow: a share
   * `canary.weight` of requests goes to the canary version (by `clientKey` when given, so a client sticks to
   * one side; at random otherwise), and the shadow version is handed back to run in the background. Canary
   * and shadow versions load in the background; until they are ready (or if they fail to load) the live
   * version answers alone — they can never make a request fail.
   */
  async resolveRoute(
    env: RegistryBindings,
    name: string,
    ttlMs: number,
    waitUntil: WaitUntil,
    clientKey?: string | null,
  ): Promise<Route> {
    const { model, pointer } = await this.#resolveLive(env, name, ttlMs, waitUntil);
    if (!pointer.canary && !pointer.shadow) return { model, canary: false };
    const slot = this.#slotFor(name);
    let route: Route = { model, canary: false };
    const { canary, shadow } = pointer;
    if (canary && canary.weight > 0 && canary.version !== model.version) {
      const standby = this.#standbyVersion(env.MODELS, name, canary.version, slot, waitUntil);
      if (standby && pickCanary(name, canary.weight, clientKey)) route = { model: standby, canary: true };
    }
    if (shadow && shadow.version !== route.model.version) {
      const standby = this.#standbyVersion(env.MODELS, name, shadow.version, slot, waitUntil);
      if (standby) route.shadow = standby;
    }
    return route;
  }

  /**
   * A specific version of `name`, loaded from `models/<name>/<version>/` regardless of the pointer.
   * Throws 404 when the version has no files, 503 when it does not load.
   */
  async resolveVersion(bucket: R2Bucket, name: string, version: string): Promise<LoadedModel> {
    assertModelName(name);
    if (!isVersion(version))
      throw new EdgeHttpError(404, 'version_not_found', `model "${name}" has no version "${version}"`);
    const ready = this.#touch(keyOf(name, version));
    if (ready) return ready;
    const slot = this.#slotFor(name);
    const failure = this.#recentFailure(slot, version);
    if (failure) throw unavailable(name, failure);
    const prefix = versionPrefix(name, version);
    if (!this.#loading.has(keyOf(name, version))) {
      const listed = await bucket.list({ prefix, limit: 1 });
      if (listed.objects.length === 0)
        throw new EdgeHttpError(404, 'version_not_found', `model "${name}" has no version ${version}`);
    }
    try {
      return await this.#ensureLoaded(bucket, { model: name, version, artifacts: prefix }, slot);
    } catch {
      throw unavailable(name, slot.failures.get(version)!);
    }
  }

  /** What this registry knows of `name` (no I/O): what serves, and the failure of `pointerVersion` if it failed. */
  modelHealth(name: string, pointerVersion: string | undefined): ModelHealth {
    const slot = this.#slots.get(name);
    return {
      serving: slot?.serving,
      failure: pointerVersion ? slot?.failures.get(pointerVersion) : undefined,
      loads: slot?.loads ?? 0,
      loadFailures: slot?.loadFailures ?? 0,
    };
  }

  /** Every loaded version and what serves per model. */
  snapshot(): RegistrySnapshot {
    return {
      loaded: Array.from(this.#loaded.values(), (m) => ({
        name: m.name,
        version: m.version,
        bytes: m.bytes,
        backend: m.backend,
      })),
      serving: Array.from(this.#slots, ([name, slot]) => ({ name, version: slot.serving?.version ?? '' })).filter(
        (s) => s.version,
      ),
      bytes: this.#loadedBytes,
    };
  }

  async #resolveLive(
    env: RegistryBindings,
    name: string,
    ttlMs: number,
    waitUntil: WaitUntil,
  ): Promise<{ model: LoadedModel; pointer: Pointer }> {
    this.#preference = backendPreference(edgeVars(env).EDGEFLOW_BACKEND);
    assertModelName(name);
    const state = await this.#pointers.read(env.POINTERS, name, ttlMs);
    const pointer = state.pointer;
    if (!pointer) return this.#noPointer(env.MODELS, name, state, ttlMs);
    const slot = this.#slotFor(name);
    slot.pointer = pointer;
    const ready = this.#touch(keyOf(name, pointer.version));
    if (ready) {
      slot.serving = ready;
      return { model: ready, pointer };
    }
    let failure = this.#recentFailure(slot, pointer.version);
    if (!failure) {
      const load = this.#ensureLoaded(env.MODELS, pointer, slot);
      // concurrent requests await this same load: each keeps it alive in case the request that started
      // it ends first (workerd would cancel its I/O, and everyone awaiting it would hang)
      waitUntil(load.catch(() => {}));
      try {
        const model = await load;
        if (slot.pointer.version === pointer.version) slot.serving = model;
        return { model, pointer };
      } catch {
        failure = slot.failures.get(pointer.version)!;
      }
    }
    // the live version failed to load: the last good one answers (and /health says degraded)
    if (slot.serving) return { model: slot.serving, pointer };
    throw unavailable(name, failure);
  }

  /** A canary/shadow version if loaded; otherwise starts its background load (unless it failed lately). */
  #standbyVersion(
    bucket: R2Bucket,
    name: string,
    version: string,
    slot: Slot,
    waitUntil: WaitUntil,
  ): LoadedModel | undefined {
    const ready = this.#touch(keyOf(name, version));
    if (ready) return ready;
    if (this.#recentFailure(slot, version)) return undefined;
    waitUntil(
      this.#ensureLoaded(bucket, { model: name, version, artifacts: versionPrefix(name, version) }, slot).catch(
        () => {},
      ),
    );
    return undefined;
  }

  #slotFor(name: string): Slot {
    let slot = this.#slots.get(name);
    if (!slot) this.#slots.set(name, (slot = { failures: new Map(), loads: 0, loadFailures: 0 }));
    return slot;
  }

  /** The failure of `version`, if it failed to load less than `retryFailedAfterMs` ago. */
  #recentFailure(slot: Slot, version: string): Failure | undefined {
    const failure = slot.failures.get(version);
    return failure && this.#options.now() - failure.at < this.#options.retryFailedAfterMs ? failure : undefined;
  }

  #ensureLoaded(
    bucket: R2Bucket,
    pointer: Pick<Pointer, 'model' | 'version' | 'artifacts'> & { modelJsonSha256?: string },
    slot: Slot,
  ): Promise<LoadedModel> {
    const key = keyOf(pointer.model, pointer.version);
    let promise = this.#loading.get(key);
    if (promise) return promise;
    slot.loads++;
    const started = performance.now();
    promise = loadModel(bucket, pointer, this.#preference).then(
      (model) => {
        recordLoad(pointer.model, pointer.version, true, (performance.now() - started) / 1000);
        this.#loading.delete(key);
        slot.failures.delete(pointer.version);
        this.#remember(key, model);
        return model;
      },
      (error: unknown) => {
        recordLoad(pointer.model, pointer.version, false, (performance.now() - started) / 1000);
        this.#loading.delete(key);
        const message = error instanceof Error ? error.message : String(error);
        slot.loadFailures++;
        slot.failures.set(pointer.version, { version: pointer.version, message, at: this.#options.now() });
        console.error(`edgeflow: version ${pointer.version} of "${pointer.model}" failed to load: ${message}`);
        throw error;
      },
    );
    this.#loading.set(key, promise);
    return promise;
  }

  #touch(key: string): LoadedModel | undefined {
    const model = this.#loaded.get(key);
    if (model) {
      this.#loaded.delete(key);
      this.#loaded.set(key, model);
    }
    return model;
  }

  #remember(key: string, model: LoadedModel): void {
    this.#loaded.set(key, model);
    this.#loadedBytes += model.bytes;
    if (this.#loadedBytes <= this.#options.cacheBytes) return;
    const kept = this.#pinnedKeys();
    kept.add(key);
    for (const [other, candidate] of this.#loaded) {
      if (this.#loadedBytes <= this.#options.cacheBytes) break;
      if (kept.has(other)) continue;
      this.#loaded.delete(other);
      this.#loadedBytes -= candidate.bytes;
      candidate.dispose();
    }
  }

  /** `name@version` of every version the cache must keep: serving ones and those current pointers name. */
  #pinnedKeys(): Set<string> {
    const keys = new Set<string>();
    for (const [name, slot] of this.#slots) {
      if (slot.serving) keys.add(keyOf(name, slot.serving.version));
      const pointer = slot.pointer;
      if (!pointer) continue;
      keys.add(keyOf(name, pointer.version));
      if (pointer.canary) keys.add(keyOf(name, pointer.canary.version));
      if (pointer.shadow) keys.add(keyOf(name, pointer.shadow.version));
    }
    return keys;
  }

  async #noPointer(bucket: R2Bucket, name: string, state: PointerState, ttlMs: number): Promise<never> {
    if (state.invalid) {
      throw new EdgeHttpError(
        503,
        'pointer_invalid',
        `the pointer of model "${name}" is invalid (${state.invalid}); promote a version again`,
      );
    }
    const now = this.#options.now();
    let known = this.#existence.get(name);
    if (!known || now - known.at >= ttlMs) {
      const listed = await bucket.list({ prefix: modelPrefix(name), limit: 1 });
      if (this.#existence.size >= 1000) this.#existence.clear();
      this.#existence.set(name, (known = { exists: listed.objects.length > 0, at: now }));
    }
    if (!known.exists) throw new EdgeHttpError(404, 'model_not_found', `model "${name}" does not exist`);
    throw new EdgeHttpError(
      503,
      'no_version_promoted',
      `model "${name}" has no promoted version yet; promote one with \`npm run promote -- ${name} <version>\``,
    );
  }
}

/** A name the tracker could never register (`modelNameProblem`) names no model: 404. */
function assertModelName(name: string): void {
  const problem = modelNameProblem(name);
  if (problem) throw new EdgeHttpError(404, 'model_not_found', `model "${name}" cannot exist: ${problem}`);
}

function unavailable(name: string, failure: Failure): EdgeHttpError {
  return new EdgeHttpError(
    503,
    'model_unavailable',
    `version ${failure.version} of model "${name}" failed to load (${failure.message}); promote a working version`,
  );
}
