/**
 * `npm run bench`: every benchmark, one after another (they would skew each other on a shared machine),
 * each printing its own table. `npm run bench -- tracker edge` runs only those.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['loop', 'tracker', 'edge', 'ui', 'flood', 'monitor'];
const wanted = process.argv.slice(2).filter((a) => a !== '--');
const names = wanted.length ? wanted : all;

let failed = 0;
for (const name of names) {
  const file = join(here, `bench-${name}.ts`);
  if (!all.includes(name) || !existsSync(file)) {
    console.error(`no benchmark "${name}" (have: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench:${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
