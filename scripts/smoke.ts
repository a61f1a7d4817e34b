/**
 * `npm run smoke -- --url <worker URL> --model <name> [--api-key-env NAME] [--timeout-ms N]`: one real
 * prediction against a deployed worker. Reads the model's signature (`GET /v1/models/:name`), posts its
 * `sample` input to `POST /v1/models/:name/predict` and checks for a 200 with finite numbers and an
 * `x-model-version` header; prints the version and the latency, or exits 1 with one line saying what was
 * wrong. The API key (for `REQUIRE_API_KEY`) is read from the environment variable `--api-key-env` names.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Prediction, Signature } from '../contracts/index.ts';
import { errorLine } from './lib/error-line.ts';

/** The request timeout when `--timeout-ms` is not given. */
export const SMOKE_TIMEOUT_MS = 10_000;

/** What `smoke` checks. */
export interface SmokeOptions {
  /** The worker's base URL (`https://edgeflow.example.workers.dev`). */
  url: string;
  model: string;
  /** Sent as `authorization: Bearer <key>`. */
  apiKey?: string;
  /** How long each of the two requests may take (default `SMOKE_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** A prediction that passed. */
export interface SmokeResult {
  /** The version that answered (`x-model-version`). */
  version: string;
  /** The predict request, from sending to the last byte of the answer. */
  latencyMs: number;
  prediction: Prediction;
}

/** Makes one prediction with the model's own sample input; rejects with what was wrong. */
export async function smoke(options: SmokeOptions): Promise<SmokeResult> {
  const timeoutMs = options.timeoutMs ?? SMOKE_TIMEOUT_MS;
  const modelUrl = `${options.url.replace(/\/+$/, '')}/v1/models/${encodeURIComponent(options.model)}`;
  const auth: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};

  const info = await request(`GET ${modelUrl}`, modelUrl, { headers: auth }, timeoutMs);
  const signature = Signature.safeParse((info.body as { signature?: unknown } | undefined)?.signature);
  if (!signature.success) throw new Error(`GET ${modelUrl} gave no valid signature for "${options.model}"`);

  const predictUrl = `${modelUrl}/predict`;
  const started = performance.now();
  const answer = await request(
    `POST ${predictUrl}`,
    predictUrl,
    {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ features: signature.data.sample }),
    },
    timeoutMs,
  );
  const latencyMs = performance.now() - started;
  const version = answer.headers.get('x-model-version');
  if (!version) throw new Error(`POST ${predictUrl} answered without an x-model-version header`);
  const prediction = Prediction.safeParse(answer.body);
  if (!prediction.success)
    throw new Error(`POST ${predictUrl} answered ${JSON.stringify(answer.body)}, not a prediction`);
  const { prediction: value, probability } = prediction.data;
  if (!Number.isFinite(value) || (probability !== undefined && !Number.isFinite(probability))) {
    throw new Error(
      `POST ${predictUrl} answered a prediction that is not a finite number: ${JSON.stringify(answer.body)}`,
    );
  }
  return { version, latencyMs, prediction: prediction.data };
}

/** Sends one request within `timeoutMs`; anything but a 200 with a JSON body is an error naming `what`. */
async function request(
  what: string,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ headers: Headers; body: unknown }> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await res.text();
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') throw new Error(`${what}: no answer within ${timeoutMs} ms`);
    throw new Error(`${what}: ${errorLine(error)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status !== 200) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    const detail = error ? `${error.code}: ${error.message}` : text.slice(0, 200);
    throw new Error(`${what} answered ${res.status} ${detail}`);
  }
  if (body === undefined) throw new Error(`${what} answered 200 with no JSON body`);
  return { headers: res.headers, body };
}

const USAGE = 'npm run smoke -- --url <worker URL> --model <name> [--api-key-env NAME] [--timeout-ms N]';

/** The options of the command line `args`, or an error saying what is wrong with them. */
export function smokeOptions(args: string[], env: Record<string, string | undefined>): SmokeOptions {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      model: { type: 'string' },
      'api-key-env': { type: 'string' },
      'timeout-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.url || !values.model) throw new Error('--url and --model are required');
  if (!/^https?:\/\//.test(values.url)) throw new Error(`--url must be an http(s) URL, got "${values.url}"`);
  const keyEnv = values['api-key-env'];
  const apiKey = keyEnv ? env[keyEnv] : undefined;
  if (keyEnv && !apiKey) throw new Error(`--api-key-env names ${keyEnv}, which is not set`);
  const timeoutMs = values['timeout-ms'] === undefined ? SMOKE_TIMEOUT_MS : Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new Error('--timeout-ms must be a whole number of ms');
  return { url: values.url, model: values.model, apiKey, timeoutMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let options: SmokeOptions | undefined;
  try {
    options = smokeOptions(
      process.argv.slice(2).filter((a) => a !== '--'),
      process.env,
    );
  } catch (error) {
    console.error(`${errorLine(error)}\nusage: ${USAGE}`);
    process.exitCode = 2;
  }
  if (options) {
    try {
      const { version, latencyMs, prediction } = await smoke(options);
      const p = prediction.probability === undefined ? '' : `, probability ${prediction.probability.toFixed(4)}`;
      console.log(
        `smoke passed: ${options.model} version ${version} answered in ${latencyMs.toFixed(0)} ms (prediction ${prediction.prediction}${p})`,
      );
    } catch (error) {
      console.error(`smoke failed: ${errorLine(error)}`);
      process.exitCode = 1;
    }
  }
}
