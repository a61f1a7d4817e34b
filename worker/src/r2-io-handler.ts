import type { io } from '@tensorflow/tfjs-core';
import { MODEL_JSON_FILE, sha256Hex, shardKey } from '../../contracts/index.ts';
import { tf } from './tfjs.ts';

/** What `r2IOHandler` read besides the model itself. */
export interface R2LoadInfo {
  /** sha256 (hex) of model.json as stored. */
  modelJsonSha256: string;
  /**
   * Bytes the weights take once decoded into tensors (float32/int32: 4 a value, bool: 1): more than the
   * shards hold when the converter quantized them (`--quantize_uint8`, `--quantize_float16`).
   */
  weightBytes: number;
}

/** What `model.json` holds: a Keras-style layers model or a GraphDef (its `format` field). */
export type ModelFormat = 'layers-model' | 'graph-model';

/**
 * A TFJS `io.IOHandler` that loads `model.json` and the weight shards its `weightsManifest` names from an
 * R2 bucket under `prefix` (a version's folder, with trailing slash; shard keys by `shardKey`, the rule
 * promotion checks). `info` is filled once `load` ran.
 * With `expect`, a model.json of the other format is refused (its `format` field, or, when absent, whether
 * `modelTopology` is a GraphDef) before any shard is read.
 */
export function r2IOHandler(
  bucket: R2Bucket,
  prefix: string,
  expect?: ModelFormat,
): io.IOHandler & { info?: R2LoadInfo } {
  const handler: io.IOHandler & { info?: R2LoadInfo } = {
    async load() {
      const bytes = await getBytes(bucket, prefix + MODEL_JSON_FILE);
      let modelJson: io.ModelJSON;
      try {
        modelJson = JSON.parse(new TextDecoder().decode(bytes)) as io.ModelJSON;
      } catch {
        throw new Error(`${MODEL_JSON_FILE} is not valid JSON`);
      }
      if (typeof modelJson !== 'object' || modelJson === null || !modelJson.modelTopology) {
        throw new Error(`${MODEL_JSON_FILE} has no modelTopology`);
      }
      if (expect) {
        const format = formatOf(modelJson);
        if (format !== expect)
          throw new Error(
            `${MODEL_JSON_FILE} is a ${format}, but signature.json says ${expect === 'graph-model' ? 'tfjs-graph' : 'tfjs-layers'}`,
          );
      }
      if (!Array.isArray(modelJson.weightsManifest)) {
        throw new Error(`${MODEL_JSON_FILE} has no weightsManifest`);
      }
      let weightBytes = 0;
      const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const paths = manifest.flatMap((group) => group.paths);
        const shards = await Promise.all(paths.map((path) => getBytes(bucket, shardKeyOf(prefix, path))));
        const weightData = tf.io.concatenateArrayBuffers(shards);
        const specs = tf.io.getWeightSpecs(manifest);
        weightBytes = Math.max(weightData.byteLength, decodedBytes(specs));
        return [specs, weightData];
      });
      handler.info = { modelJsonSha256: await sha256Hex(bytes), weightBytes };
      return artifacts;
    },
  };
  return handler;
}

function decodedBytes(specs: io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of specs) total += spec.shape.reduce((n, d) => n * d, 1) * (spec.dtype === 'bool' ? 1 : 4);
  return total;
}

function formatOf(modelJson: io.ModelJSON): string {
  if (typeof modelJson.format === 'string' && modelJson.format) return modelJson.format;
  return Array.isArray((modelJson.modelTopology as { node?: unknown }).node) ? 'graph-model' : 'layers-model';
}

function shardKeyOf(prefix: string, path: unknown): string {
  const shard =
    typeof path === 'string'
      ? shardKey(prefix, path)
      : { invalid: `${MODEL_JSON_FILE} lists a weight shard path that is not a string` };
  if ('invalid' in shard) throw new Error(shard.invalid);
  return shard.key;
}

async function getObject(bucket: R2Bucket, key: string): Promise<R2ObjectBody> {
  const object = await bucket.get(key);
  if (!object) throw new Error(`${key} is missing`);
  return object;
}

/** Reads an R2 object as text; a missing object is an error naming its key. */
export async function getText(bucket: R2Bucket, key: string): Promise<string> {
  return (await getObject(bucket, key)).text();
}

async function getBytes(bucket: R2Bucket, key: string): Promise<ArrayBuffer> {
  return (await getObject(bucket, key)).arrayBuffer();
}
