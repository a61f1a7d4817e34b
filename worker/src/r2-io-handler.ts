import type { io } from '@tensorflow/tfjs-core';
import { MODEL_JSON_FILE } from '../../contracts/index.ts';
import { tf } from './tfjs.ts';

/** What `r2IOHandler` read besides the model itself. */
export interface R2LoadInfo {
  /** sha256 (hex) of model.json as stored. */
  modelJsonSha256: string;
  /** Bytes of weight data loaded. */
  weightBytes: number;
}

/**
 * A TFJS `io.IOHandler` that loads `model.json` and the weight shards its `weightsManifest` names from an
 * R2 bucket under `prefix` (a version's folder, with trailing slash). `info` is filled once `load` ran.
 */
export function r2IOHandler(bucket: R2Bucket, prefix: string): io.IOHandler & { info?: R2LoadInfo } {
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
      if (!Array.isArray(modelJson.weightsManifest)) {
        throw new Error(`${MODEL_JSON_FILE} has no weightsManifest`);
      }
      let weightBytes = 0;
      const artifacts = await tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const paths = manifest.flatMap((group) => group.paths);
        const shards = await Promise.all(paths.map((path) => getBytes(bucket, prefix + shardPath(path))));
        const weightData = tf.io.concatenateArrayBuffers(shards);
        weightBytes = weightData.byteLength;
        return [tf.io.getWeightSpecs(manifest), weightData];
      });
      handler.info = { modelJsonSha256: await sha256Hex(bytes), weightBytes };
      return artifacts;
    },
  };
  return handler;
}

function shardPath(path: string): string {
  const clean = path.replace(/^\.\//, '');
  if (clean === '' || clean.startsWith('/') || clean.split('/').includes('..') || /^[a-z]+:/i.test(clean)) {
    throw new Error(`weight shard path "${path}" must be relative to ${MODEL_JSON_FILE}`);
  }
  return clean;
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

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
