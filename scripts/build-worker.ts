/**
 * `npm run build:worker`: builds the worker as `wrangler deploy` would (`--dry-run --outdir`), prints the
 * bundle's size and fails when it is over 1 MB gzip (issue 4's limit; CI runs this).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

/** The gzip size a deployed worker may have. */
export const BUNDLE_LIMIT = 1024 * 1024;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What `buildWorker` made. */
export interface WorkerBundle {
  outdir: string;
  files: string[];
  rawBytes: number;
  gzipBytes: number;
}

/** Builds the worker into `outdir` with wrangler and measures what would be uploaded. */
export async function buildWorker(outdir: string): Promise<WorkerBundle> {
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', outdir],
    { cwd: ROOT, maxBuffer: 1 << 22, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
  );
  const files = (await readdir(outdir)).filter((f) => !f.endsWith('.map') && f !== 'README.md');
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const f of files) {
    const bytes = await readFile(join(outdir, f));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { outdir, files, rawBytes, gzipBytes };
}

/** `1234.5 KiB`. */
export const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outdir = resolve(process.argv[2] ?? join(ROOT, 'dist/worker'));
  const b = await buildWorker(outdir);
  console.log(
    `worker bundle in ${outdir}: ${b.files.join(', ')} — ${kib(b.rawBytes)} raw, ${kib(b.gzipBytes)} gzip (limit ${kib(BUNDLE_LIMIT)})`,
  );
  if (b.gzipBytes > BUNDLE_LIMIT) {
    console.error(`the bundle is over the ${kib(BUNDLE_LIMIT)} gzip limit`);
    process.exit(1);
  }
}
