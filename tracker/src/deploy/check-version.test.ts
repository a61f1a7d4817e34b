import { describe, expect, it } from 'vitest';
import { MODEL_JSON_FILE, SIGNATURE_FILE, versionPrefix } from '../../../contracts/index.ts';
import { SHARD_PATH_CASES } from '../../../contracts/testing/weight-manifests.ts';
import { SIGNATURE } from '../testing/model-files.ts';
import { useTrackerFixture } from '../testing/tracker-fixture.ts';
import { checkVersionFiles } from './check-version.ts';

describe('checkVersionFiles: weight shard paths', () => {
  const t = useTrackerFixture();

  // The worker's loader is tested on the same cases (worker/src/r2-io-handler.test.ts): same verdicts.
  it.each(SHARD_PATH_CASES.map((c, i) => [JSON.stringify(c.path), c, i]))(
    '%s: accepted exactly when the worker loads it',
    async (_, { path, key }, i) => {
      const version = String(i + 1);
      const prefix = versionPrefix('shards', version);
      const modelJson = { modelTopology: {}, weightsManifest: [{ paths: [path], weights: [] }] };
      await t.edge.blobs.put(prefix + MODEL_JSON_FILE, JSON.stringify(modelJson));
      await t.edge.blobs.put(prefix + SIGNATURE_FILE, JSON.stringify(SIGNATURE));
      // the object the path names literally exists too: a refusal is the rule's, not a missing file
      if (path && !path.endsWith('/')) await t.edge.blobs.put(prefix + path, new Uint8Array([1]));
      if (key !== null) await t.edge.blobs.put(prefix + key, new Uint8Array([1]));
      const checked = checkVersionFiles(t.edge.blobs, 'shards', version);
      if (key === null) await expect(checked).rejects.toThrow(`weight shard path ${JSON.stringify(path)} must be`);
      else await expect(checked).resolves.toMatchObject({ modelJson: expect.any(Uint8Array) });
    },
  );

  it('names every missing shard by its key', async () => {
    const prefix = versionPrefix('shards', '100');
    const modelJson = { modelTopology: {}, weightsManifest: [{ paths: ['./a.bin', 'sub/b.bin'], weights: [] }] };
    await t.edge.blobs.put(prefix + MODEL_JSON_FILE, JSON.stringify(modelJson));
    await t.edge.blobs.put(prefix + SIGNATURE_FILE, JSON.stringify(SIGNATURE));
    await expect(checkVersionFiles(t.edge.blobs, 'shards', '100')).rejects.toThrow(
      `weight shards missing: ${prefix}a.bin, ${prefix}sub/b.bin`,
    );
  });
});
