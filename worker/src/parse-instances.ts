import { EdgeHttpError } from './edge-error.ts';
import type { InputSpec } from './input-spec.ts';

/** Most instances one `{"instances": [...]}` request may carry. */
export const MAX_BATCH = 256;

/** A validated, preprocessed request: `n` rows of `spec.width` float32 values. */
export interface ParsedInstances {
  x: Float32Array;
  n: number;
  /** True when the request used `instances` (the answer is a list). */
  batch: boolean;
}

/** The largest float32: past it (raw or standardized) a value would be Infinity where the model computes. */
export const FLOAT32_MAX = 3.4028234663852886e38;

const bad = (message: string) => new EdgeHttpError(400, 'invalid_request', message);

/**
 * Validates a predict body against a signature's inputs and writes the preprocessed values into one
 * float32 buffer: a numeric value must be finite and within float32's range (`FLOAT32_MAX`), before and
 * after standardization (`null` only where the input has `impute`); a categorical value must be one of its
 * categories (or `null`) and is written one-hot. Accepts `{"features": [..]}`, `{"inputs": {name: value}}` or
 * `{"instances": [[..] | {name: value}, ...]}` (1..maxBatch). Hand-written (no zod) because it is the hot path.
 */
export function parseInstances(body: unknown, spec: InputSpec, maxBatch = MAX_BATCH): ParsedInstances {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('request body must be a JSON object like {"features": [...]}');
  }
  const b = body as Record<string, unknown>;
  const d = spec.names.length;
  const w = spec.width;
  const given = ('features' in b ? 1 : 0) + ('inputs' in b ? 1 : 0) + ('instances' in b ? 1 : 0);
  if (given === 0) throw bad(`missing "features": send {"features": [${d} numbers]}`);
  if (given > 1) throw bad('send exactly one of "features", "inputs" or "instances"');
  if ('instances' in b) {
    const instances = b.instances;
    if (!Array.isArray(instances)) throw bad('"instances" must be an array');
    if (instances.length === 0) throw bad('"instances" must not be empty');
    if (instances.length > maxBatch)
      throw bad(`"instances" holds ${instances.length} items; at most ${maxBatch} are allowed`);
    const x = new Float32Array(instances.length * w);
    for (let r = 0; r < instances.length; r++) {
      const item = instances[r];
      if (Array.isArray(item)) writeVector(item, spec, x, r * w, `instances[${r}]`);
      else writeNamed(item, spec, x, r * w, `instances[${r}]`);
    }
    return { x, n: instances.length, batch: true };
  }
  const x = new Float32Array(w);
  if ('features' in b) {
    if (!Array.isArray(b.features))
      throw bad(`"features" must be an array of ${d} numbers, got ${describe(b.features)}`);
    writeVector(b.features, spec, x, 0, 'features');
  } else {
    writeNamed(b.inputs, spec, x, 0, 'inputs');
  }
  return { x, n: 1, batch: false };
}

function writeVector(values: unknown[], spec: InputSpec, x: Float32Array, at: number, where: string): void {
  const d = spec.names.length;
  if (values.length !== d) throw bad(`"${where}" must hold ${d} numbers, got ${values.length}`);
  for (let i = 0; i < d; i++) write(values[i], spec, i, x, at, `${where}[${i}]`);
}

function writeNamed(obj: unknown, spec: InputSpec, x: Float32Array, at: number, where: string): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw bad(`"${where}" must be an object of ${spec.names.length} named values or an array`);
  }
  let count = 0;
  for (const name in obj) {
    const i = spec.index.get(name);
    if (i === undefined) throw bad(`"${where}" has unknown input "${name}"; expected ${spec.names.join(', ')}`);
    write((obj as Record<string, unknown>)[name], spec, i, x, at, `${where}.${name}`);
    count++;
  }
  if (count !== spec.names.length) {
    const missing = spec.names.filter((name) => !(name in obj));
    throw bad(`"${where}" is missing input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
}

/** Writes input `i`'s value `v` into the row of `x` that starts at `at`. */
function write(v: unknown, spec: InputSpec, i: number, x: Float32Array, at: number, where: string): void {
  const categories = spec.categories[i];
  if (categories) {
    if (v === null) return;
    const k = typeof v === 'string' ? categories.get(v) : undefined;
    if (k === undefined)
      throw bad(`"${where}" (input "${spec.names[i]}") must be ${oneOf(categories)}, got ${describe(v)}`);
    x[at + spec.offset[i]! + k] = 1;
    return;
  }
  x[at + spec.offset[i]!] = value(v === null && spec.impute[i] !== undefined ? spec.impute[i] : v, spec, i, where);
}

function oneOf(categories: Map<string, number>): string {
  const listed = [...categories.keys()].slice(0, 10).map((c) => JSON.stringify(c));
  return `one of ${listed.join(', ')}${categories.size > 10 ? ` (or ${categories.size - 10} more)` : ''} or null`;
}

function value(v: unknown, spec: InputSpec, i: number, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw bad(`"${where}" must be a finite number, got ${describe(v)}`);
  }
  if (Math.abs(v) > FLOAT32_MAX) {
    throw bad(`"${where}" (input "${spec.names[i]}") must be within float32's range (±${FLOAT32_MAX}), got ${v}`);
  }
  if (!spec.mean) return v;
  const x = (v - spec.mean[i]!) / spec.std![i]!;
  if (!(Math.abs(x) <= FLOAT32_MAX)) {
    throw bad(
      `"${where}" (input "${spec.names[i]}") must stay within float32's range (±${FLOAT32_MAX}) once standardized, got ${v} (standardized: ${x})`,
    );
  }
  return x;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  if (typeof v === 'number') return String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
}
