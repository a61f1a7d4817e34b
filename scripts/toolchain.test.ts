import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

const script = await readFile(join(ROOT, 'scripts/toolchain.sh'), 'utf8');
const NODE_VERSION = script.match(/^NODE_VERSION=(\d+\.\d+\.\d+)$/m)?.[1] ?? '';
const FLOOR = Number(NODE_VERSION.split('.')[0]);

describe('scripts/toolchain.sh', () => {
  let root: string;
  let toolchainBin: string;
  let onlyDirname: string;

  // A copy of the script in its own root whose .toolchain/ already holds the pinned node (this one),
  // so nothing is downloaded; CI's fresh clone runs the install itself (`.ci/run`).
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'edgeflow-toolchain-'));
    await mkdir(join(root, 'scripts'));
    await copyFile(join(ROOT, 'scripts/toolchain.sh'), join(root, 'scripts/toolchain.sh'));
    toolchainBin = join(root, `.toolchain/node-v${NODE_VERSION}/bin`);
    await mkdir(toolchainBin, { recursive: true });
    await symlink(process.execPath, join(toolchainBin, 'node'));
    // A PATH with no node on it: only what the script needs when the node is in place.
    onlyDirname = join(root, 'utils');
    await mkdir(onlyDirname);
    await symlink((await run('/bin/sh', ['-c', 'command -v dirname'])).stdout.trim(), join(onlyDirname, 'dirname'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const toolchain = (path: string, ...args: string[]) =>
    run('/bin/sh', [join(root, 'scripts/toolchain.sh'), ...args], { env: { PATH: path } });

  it('pins a node whose major is the floor package.json states, with @types/node of the same line', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe(`>=${FLOOR}`);
    expect(pkg.devDependencies['@types/node'].split('.')[0]).toBe(String(FLOOR));
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(FLOOR);
  });

  it('runs a command on the node already on PATH when it meets the floor', async () => {
    const path = `${dirname(process.execPath)}:${onlyDirname}`;
    const { stdout } = await toolchain(path, 'node', '-p', 'process.execPath');
    expect(await realpath(stdout.trim())).toBe(await realpath(process.execPath));
    expect((await toolchain(path)).stdout.trim()).toBe(dirname(process.execPath));
  });

  it('without a node that meets the floor, runs the command on .toolchain/ and puts its bin first on PATH', async () => {
    const { stdout, stderr } = await toolchain(onlyDirname, 'node', '-p', 'process.env.PATH');
    expect(stdout.trim()).toBe(`${toolchainBin}:${onlyDirname}`);
    expect(stderr).toBe('');
    expect((await toolchain(onlyDirname)).stdout.trim()).toBe(toolchainBin);
  });
});
