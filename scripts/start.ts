/**
 * `npm start`: the whole loop on one machine. Starts the tracker and the worker, trains, registers and
 * promotes the demo model if the registry has none, then prints where to look and how to ask for a
 * prediction, and runs until Ctrl-C, SIGTERM or SIGHUP — which, at any moment, stop whatever has started.
 * A tracker or worker that crashes is started again (a few times, with growing delays) while the other
 * keeps running; the children stop by themselves if this process dies, by a SIGKILL too.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TrackerClient } from '../tracker/client/index.ts';
import { buildTracker } from './build-tracker.ts';
import {
  assertPortsFree,
  type LoopConfig,
  loopConfig,
  type Service,
  type ServiceOptions,
  sleep,
  startTracker,
  startWorker,
} from './services.ts';
import { Supervisor } from './supervisor.ts';
import { trainAndLog } from './train.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The demo model's registered name (the worker's DEFAULT_MODEL in wrangler.toml). */
export const DEMO_MODEL = 'fraud-detector';

/** What `startLoop` gives back. */
export interface Loop {
  tracker: Service;
  worker: Service;
  client: TrackerClient;
  /** The version the worker answered with first. */
  version: string;
  /** A valid request body for `POST /predict`. */
  sampleBody: string;
  stop(): Promise<void>;
}

/** Options of `startLoop`; `running` and `signal` are passed on to the services (see `Supervisor`). */
export interface LoopOptions extends Pick<ServiceOptions, 'running' | 'signal'> {
  log?: (line: string) => void;
  /** Echo the services' own output. */
  verbose?: boolean;
  /** Passed to the demo training when the registry is empty (tests train a smaller model). */
  train?: Parameters<typeof trainAndLog>[1];
}

/** Starts tracker and worker, makes sure the demo model is registered and live, and waits for a prediction. */
export async function startLoop(cfg: LoopConfig, opts: LoopOptions = {}): Promise<Loop> {
  const log = opts.log ?? (() => {});
  const echo = opts.verbose ? log : undefined;
  // One after the other: both open the simulators' SQLite files under the state folder (the tracker at its
  // first call on its local edge), and two workerd processes creating them at once can fail with SQLITE_BUSY.
  const serviceOpts = { log: echo, running: opts.running, signal: opts.signal };
  const tracker = await startTracker(cfg, serviceOpts);
  let worker: Service;
  try {
    worker = await startWorker(cfg, serviceOpts);
  } catch (err) {
    await tracker.stop();
    throw err;
  }
  const stop = async () => {
    await Promise.all([tracker.stop(), worker.stop()]);
  };
  try {
    log(`tracker  ${tracker.url}`);
    log(`worker   ${worker.url}`);
    const client = new TrackerClient({ baseUrl: tracker.url });
    await ensureDemoModelLive(client, log, opts.train);
    const sampleBody = JSON.stringify({ features: await demoSample(tracker.url, client) });
    const version = await waitForPrediction(worker.url, sampleBody);
    return { tracker, worker, client, version, sampleBody, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function ensureDemoModelLive(
  client: TrackerClient,
  log: (line: string) => void,
  train: LoopOptions['train'],
): Promise<void> {
  const model = await client.getRegisteredModel(DEMO_MODEL);
  const latest = model?.latest_versions?.map((v) => Number(v.version)).sort((a, b) => b - a)[0];
  if (latest === undefined) {
    log(`no version of ${DEMO_MODEL} yet: training the demo model`);
    const result = await trainAndLog(client, { ...train, model: DEMO_MODEL, register: true, promote: true, log });
    log(`registered ${DEMO_MODEL} version ${result.version} and promoted it`);
    return;
  }
  // opted in to the edge (a registry from before the opt-in tag gets it; its production version deploys)
  await client.ensureRegisteredModel(DEMO_MODEL, { edge: true });
  const { pointer } = await client.getDeployment(DEMO_MODEL);
  if (!pointer) {
    log(`${DEMO_MODEL} has versions but none is live: promoting version ${latest}`);
    await client.setAlias(DEMO_MODEL, 'production', String(latest));
  } else {
    log(`${DEMO_MODEL} version ${pointer.version} is live`);
  }
}

/** One real input for the demo model: the `sample` of the live version's signature. */
async function demoSample(trackerUrl: string, client: TrackerClient): Promise<number[]> {
  const live = await client.getModelVersionByAlias(DEMO_MODEL, 'production');
  if (!live?.run_id) throw new Error(`${DEMO_MODEL} has no production version with a source run`);
  const run = await client.getRun(live.run_id);
  const prefix = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
  const res = await fetch(`${trackerUrl}/api/2.0/mlflow-artifacts/artifacts/${prefix}/model/signature.json`, {
    headers: client.authHeaders,
  });
  if (!res.ok) throw new Error(`could not read the live version's signature.json (${res.status})`);
  const signature = (await res.json()) as { sample: number[] };
  return signature.sample.map((x) => Math.round(x * 1e4) / 1e4);
}

async function waitForPrediction(workerUrl: string, body: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const res = await fetch(`${workerUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await res.text();
    if (res.ok) return (JSON.parse(text) as { version: string }).version;
    last = `${res.status} ${text}`;
    await sleep(250);
  }
  throw new Error(`the worker did not answer a prediction within ${timeoutMs} ms; last answer: ${last}`);
}

async function main(): Promise<void> {
  const supervisor = new Supervisor((line) => console.log(line));
  const stopAndExit = (code: number) => void supervisor.stop().then(() => process.exit(code));
  // First of all: a signal at any moment, the first seconds included, stops whatever has started.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!supervisor.stopping) console.log(`\n${signal}: stopping edgeflow…`);
      stopAndExit(0);
    });
  }
  try {
    const t0 = performance.now();
    const log = (line: string) => console.log(line);
    const cfg = loopConfig();
    await assertPortsFree(cfg);
    // The tracker runs as plain JavaScript, its dashboard built in: it answers in a fraction of a second.
    const build = await buildTracker(join(ROOT, 'dist'));
    log(`built the tracker into dist/ in ${build.ms} ms`);
    cfg.trackerScript = build.script;
    const verbose = process.env.EDGEFLOW_VERBOSE === '1';
    const loop = await startLoop(cfg, { log, verbose, ...supervisor.options });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`
edgeflow is running (first prediction after ${seconds} s; ${DEMO_MODEL} version ${loop.version} live)

  dashboard  ${loop.tracker.url.replace('127.0.0.1', 'localhost')}/
  tracker    MLFLOW_TRACKING_URI=${loop.tracker.url.replace('127.0.0.1', 'localhost')}
  predict    curl -s -X POST ${loop.worker.url.replace('127.0.0.1', 'localhost')}/predict \\
               -H 'content-type: application/json' \\
               -d '${loop.sampleBody}'

Ctrl-C stops both.`);

    const echo = verbose ? log : undefined;
    const onGiveUp = (reason: string) => {
      console.error(`${reason}: stopping edgeflow`);
      stopAndExit(1);
    };
    supervisor.keep(loop.tracker, {
      start: (opts) => startTracker(cfg, { ...opts, log: echo }),
      onGiveUp,
      meanwhile: 'the worker keeps serving the live model',
    });
    supervisor.keep(loop.worker, {
      start: (opts) => startWorker(cfg, { ...opts, log: echo }),
      onGiveUp,
      meanwhile: 'the tracker keeps running',
    });
  } catch (err) {
    if (supervisor.stopping) return; // stopped by a signal, which said so
    console.error(err instanceof Error ? err.message : err);
    stopAndExit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
