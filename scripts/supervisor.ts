import { setTimeout as delay } from 'node:timers/promises';
import { RestartPolicy } from './restart-policy.ts';
import { describeExit, type Service, type ServiceOptions } from './services.ts';

/** Options of `Supervisor.keep`. */
export interface KeepOptions {
  /** Starts the service again, with the options given (pass them on to `startTracker`/`startWorker`). */
  start: (opts: ServiceOptions) => Promise<Service>;
  /** Called when the service crashed too often to be started again. */
  onGiveUp: (reason: string) => void;
  /** What goes on meanwhile, for the message ("the worker keeps serving"). */
  meanwhile?: string;
  policy?: RestartPolicy;
}

/**
 * The processes of the running loop. Whatever is started with `options` is known from its spawn on,
 * so `stop()` ends every process started so far at any moment, mid-start too, and makes later starts
 * fail. `keep()` starts a service again when its process exits on its own, as a `RestartPolicy` says.
 */
export class Supervisor {
  readonly #running = new Set<Service>();
  readonly #abort = new AbortController();
  readonly #log: (line: string) => void;
  #stopped: Promise<void> | undefined;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  /** What a start under this supervisor passes to `startTracker`/`startWorker`. */
  get options(): ServiceOptions {
    return { running: this.#running, signal: this.#abort.signal };
  }

  /** Whether `stop()` was called. */
  get stopping(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Stops every process started so far (each with its process group); later starts fail. Idempotent. */
  stop(): Promise<void> {
    if (!this.#stopped) {
      this.#abort.abort(new Error('edgeflow is stopping'));
      this.#stopped = Promise.all([...this.#running].map((s) => s.stop())).then(() => {});
    }
    return this.#stopped;
  }

  /** Watches `service`: when its process exits while the supervisor is not stopping, starts it again. */
  keep(service: Service, opts: KeepOptions): void {
    const policy = opts.policy ?? new RestartPolicy();
    void service.exited.then((exit) => {
      if (this.stopping) return;
      const tail = lastLines(service.output(), 10);
      return this.#restart(`${service.name} ${describeExit(exit)}${tail}`, service.name, { ...opts, policy });
    });
  }

  async #restart(why: string, name: string, opts: KeepOptions & { policy: RestartPolicy }): Promise<void> {
    const { policy } = opts;
    for (;;) {
      const decision = policy.crashed();
      if (!decision.restart) {
        opts.onGiveUp(
          `${why}\n${name} stopped ${decision.crashes} times within ${minutes(decision.windowMs)}; not starting it again`,
        );
        return;
      }
      this.#log(
        `${why}\n${name}: starting it again in ${decision.delayMs / 1000} s (restart ${decision.attempt} of at most ` +
          `${policy.maxRestarts} within ${minutes(policy.windowMs)})${opts.meanwhile ? `; ${opts.meanwhile}` : ''}`,
      );
      try {
        await delay(decision.delayMs, undefined, { signal: this.#abort.signal });
      } catch {
        return; // stopping
      }
      try {
        const next = await opts.start(this.options);
        this.#log(`${name} is running again at ${next.url}`);
        this.keep(next, opts);
        return;
      } catch (err) {
        if (this.stopping) return;
        why = `${name} did not start again: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      }
    }
  }
}

function lastLines(output: string, n: number): string {
  const lines = output
    .split('\n')
    .filter((l) => l.trim())
    .slice(-n)
    .map((l) => `  | ${l}`);
  return lines.length ? `; its last output:\n${lines.join('\n')}` : '';
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}
