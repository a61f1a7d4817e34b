/**
 * `npm run build [-- <outdir>]`: the tracker as plain JavaScript in `dist/` (or `<outdir>`), to run with
 * `node dist/tracker.js` where only the production dependencies are installed (`npm ci --omit=dev`):
 * `tracker.js` (the tracker, `tracker/src/main.ts`), `migrate.js` (`npm run migrate`), `backup.js`
 * (`npm run backup`), `migrations/`
 * (drizzle-kit's SQL, which both apply) — the dashboard built into `tracker.js`. Every package is bundled
 * in but `@libsql/client` (native code), which is loaded from `node_modules`; the build fails when the
 * bundles would import at run time a package that is not a production dependency.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { buildDashboard, type DashboardBundle } from '../tracker/ui/build.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages left out of the bundles, loaded from `node_modules` at run time. */
export const EXTERNAL_PACKAGES = ['@libsql/client'] as const;

/** What `buildTracker` made. */
export interface TrackerBuild {
  outdir: string;
  /** `<outdir>/tracker.js`, to run with node. */
  script: string;
  /** Bytes of `tracker.js`, `migrate.js` and `backup.js`. */
  bytes: Record<'tracker' | 'migrate' | 'backup', number>;
  /** The packages the bundles import at run time (each a production dependency). */
  imports: string[];
  ms: number;
}

/**
 * Builds the tracker into `outdir`. Each file is written beside its place and renamed into it, so a
 * tracker starting from `outdir` meanwhile (or a second build at once) never reads half a file.
 */
export async function buildTracker(outdir: string): Promise<TrackerBuild> {
  const t0 = performance.now();
  const dashboard = await buildDashboard();
  const result = await build({
    entryPoints: {
      tracker: join(ROOT, 'tracker/src/main.ts'),
      migrate: join(ROOT, 'scripts/migrate.ts'),
      backup: join(ROOT, 'scripts/backup.ts'),
    },
    outdir,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    external: [...EXTERNAL_PACKAGES],
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [distModules(dashboard)],
  });
  const imports = await checkImports(result.metafile);
  for (const file of result.outputFiles) await writeAtomically(file.path, file.contents);
  const migrations = join(ROOT, 'migrations');
  // What drizzle's migrator reads: the journal and the SQL (drizzle-kit's snapshots stay behind).
  for (const name of await readdir(migrations, { recursive: true })) {
    if (name.endsWith('.sql') || name === join('meta', '_journal.json')) {
      await writeAtomically(join(outdir, 'migrations', name), await readFile(join(migrations, name)));
    }
  }
  const size = (name: string) => result.outputFiles.find((f) => f.path === join(outdir, `${name}.js`))!.contents.length;
  return {
    outdir,
    script: join(outdir, 'tracker.js'),
    bytes: { tracker: size('tracker'), migrate: size('migrate'), backup: size('backup') },
    imports,
    ms: Math.round(performance.now() - t0),
  };
}

async function writeAtomically(path: string, contents: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, contents);
  await rename(temp, path);
}

/**
 * The modules whose `dist/` version differs: the dashboard, built now instead of at start, and the
 * migrations folder, `migrations/` beside the bundle.
 */
function distModules(dashboard: DashboardBundle): Plugin {
  const replaced = new Map([
    [
      join(ROOT, 'tracker/ui/build.ts'),
      `const bundle = ${JSON.stringify({ ...dashboard, buildMs: 0 })};
export function buildDashboard() { return Promise.resolve(bundle); }`,
    ],
    [
      join(ROOT, 'tracker/src/store/migrations-folder.ts'),
      `import { fileURLToPath } from 'node:url';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));`,
    ],
  ]);
  return {
    name: 'edgeflow-dist-modules',
    setup(b) {
      b.onResolve({ filter: /\.ts$/ }, (args) => {
        const path = resolve(args.resolveDir, args.path);
        return replaced.has(path) ? { path, namespace: 'edgeflow-dist' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'edgeflow-dist' }, (args) => ({
        contents: replaced.get(args.path)!,
        loader: 'js',
        resolveDir: ROOT,
      }));
    },
  };
}

/**
 * The packages the bundles import at run time; throws unless each is a production dependency of
 * package.json, so that `npm ci --omit=dev` installs all `dist/` needs. Node's built-ins pass.
 */
async function checkImports(metafile: Metafile): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const builtins = new Set(builtinModules);
  const found = new Map<string, string>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external) continue;
      const name = packageName(imp.path);
      if (imp.path.startsWith('node:') || builtins.has(name)) continue;
      if (!found.has(name)) found.set(name, file);
    }
  }
  const bad = [...found].filter(([name]) => !(name in pkg.dependencies));
  if (bad.length) {
    throw new Error(
      `the build imports packages that are not production dependencies: ${bad.map(([n, f]) => `${n} (${f})`).join(', ')}`,
    );
  }
  return [...found.keys()].sort();
}

/** `@scope/name` or `name` of an import path. */
function packageName(path: string): string {
  const parts = path.split('/');
  return path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outdir = resolve(process.argv.slice(2).find((a) => a !== '--') ?? join(ROOT, 'dist'));
  const b = await buildTracker(outdir);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `tracker built into ${outdir} in ${b.ms} ms: tracker.js ${kib(b.bytes.tracker)}, migrate.js ${kib(b.bytes.migrate)}, backup.js ${kib(b.bytes.backup)}, migrations/; it imports ${b.imports.join(', ')} (npm ci --omit=dev installs them); run: node ${join(outdir, 'tracker.js')}`,
  );
}
