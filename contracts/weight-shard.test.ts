import { describe, expect, it } from 'vitest';
import { SHARD_PATH_CASES } from './testing/weight-manifests.ts';
import { shardKey } from './weight-shard.ts';

describe('shardKey', () => {
  it.each(SHARD_PATH_CASES.map((c) => [JSON.stringify(c.path), c]))('%s', (_, { path, key }) => {
    const result = shardKey('models/m/1/', path);
    if (key === null) expect(result).toEqual({ invalid: expect.stringContaining(JSON.stringify(path)) });
    else expect(result).toEqual({ key: `models/m/1/${key}` });
  });
});
