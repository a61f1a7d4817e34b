import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertV4MiniflareOptions, type MiniflareOptions } from 'miniflare';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The pids of the processes named `name` whose parent is `parent` (default: this process). */
export function childPids(name: string, parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === name && ppid === parent) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident memory of a process in MiB (VmRSS). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1] ?? 0);
  return kb / 1024;
}

/**
 * Miniflare options for the worker bundle built by `buildWorker(outdir)` (`index.js` and its WASM as compiled
 * modules), on `wrangler.toml`'s compatibility date and flags, with the worker's KV and R2 bindings and
 * `bindings` as vars, on a free loopback port. Written in Miniflare 4's flat shape, which
 * `convertV4MiniflareOptions` turns into Miniflare 5's (as wrangler does); it takes the modules listed.
 */
export function bundleOptions(outdir: string, bindings: Record<string, string>): MiniflareOptions {
  const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
  const date = toml.match(/^compatibility_date = "(.+)"$/m)?.[1];
  if (!date) throw new Error('wrangler.toml has no compatibility_date');
  const flags = toml.match(/^compatibility_flags = (\[.*\])$/m)?.[1];
  const wasm = readdirSync(outdir).filter((f) => f.endsWith('.wasm'));
  return convertV4MiniflareOptions({
    modules: [
      { type: 'ESModule', path: join(outdir, 'index.js') },
      ...wasm.map((f) => ({ type: 'CompiledWasm' as const, path: join(outdir, f) })),
    ],
    modulesRoot: outdir,
    compatibilityDate: date,
    compatibilityFlags: flags ? (JSON.parse(flags) as string[]) : [],
    kvNamespaces: ['POINTERS'],
    r2Buckets: ['MODELS'],
    bindings,
    host: '127.0.0.1',
    port: 0,
  });
}
