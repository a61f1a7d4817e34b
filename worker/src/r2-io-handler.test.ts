import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { MODEL_JSON_FILE, versionPrefix } from '../../contracts/index.ts';
import { SHARD_PATH_CASES } from '../../contracts/testing/weight-manifests.ts';
import { r2IOHandler } from './r2-io-handler.ts';
import { uniqueModel } from './testing/seed-version.ts';

describe('r2IOHandler: weight shard paths', () => {
  // The tracker's promotion check is tested on the same cases (tracker/src/deploy/check-version.test.ts).
  it.each(SHARD_PATH_CASES.map((c) => [JSON.stringify(c.path), c]))(
    '%s: loaded exactly when promotion accepts it',
    async (_, { path, key }) => {
      const prefix = versionPrefix(uniqueModel(), '1');
      const modelJson = {
        modelTopology: {},
        weightsManifest: [{ paths: [path], weights: [{ name: 'w', shape: [1], dtype: 'float32' }] }],
      };
      await env.MODELS.put(prefix + MODEL_JSON_FILE, JSON.stringify(modelJson));
      const weights = new Float32Array([0.5]).buffer;
      // the object the path names literally exists too: a refusal is the rule's, not a missing file
      if (path && !path.endsWith('/')) await env.MODELS.put(prefix + path, weights);
      if (key !== null) await env.MODELS.put(prefix + key, weights);
      const loaded = r2IOHandler(env.MODELS, prefix).load!();
      if (key === null) await expect(loaded).rejects.toThrow(`weight shard path ${JSON.stringify(path)} must be`);
      else expect(new Float32Array((await loaded).weightData as ArrayBuffer)).toEqual(new Float32Array([0.5]));
    },
  );
});
