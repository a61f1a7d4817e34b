/**
 * Weight shard paths as a model.json `weightsManifest` may list them, with the key under the version
 * folder each one is read from, or null when it must be refused. The tracker's promotion check and the
 * worker's loader are tested on these same cases.
 */
export const SHARD_PATH_CASES: ReadonlyArray<{ path: string; key: string | null }> = [
  { path: 'group1-shard1of1.bin', key: 'group1-shard1of1.bin' },
  { path: './group1-shard1of1.bin', key: 'group1-shard1of1.bin' },
  { path: 'weights/shard 1.bin', key: 'weights/shard 1.bin' },
  { path: '../x.bin', key: null },
  { path: './../x.bin', key: null },
  { path: 'a/../../x.bin', key: null },
  { path: '/abs.bin', key: null },
  { path: 'a//b.bin', key: null },
  { path: 'a/./b.bin', key: null },
  { path: '././a.bin', key: null },
  { path: 'a\\b.bin', key: null },
  { path: 'http://host/a.bin', key: null },
  { path: 'data:a.bin', key: null },
  { path: 'a\u0000.bin', key: null },
  { path: '', key: null },
  { path: './', key: null },
];
