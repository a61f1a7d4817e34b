// What actionlint cannot know about .github/workflows (it lints them in `.ci/run`): that the npm scripts and
// the npx commands they run exist here, and that no shell script has a `${{ }}` expression pasted into it.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKFLOWS = join(ROOT, '.github/workflows');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The workflows and `.ci/run` (which ci.yml runs), by name. */
const files: [string, string][] = [
  ...readdirSync(WORKFLOWS)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f): [string, string] => [f, readFileSync(join(WORKFLOWS, f), 'utf8')]),
  ['.ci/run', readFileSync(join(ROOT, '.ci/run'), 'utf8')],
];

/** The npm scripts `text` runs (`npm run <name>`) that `scripts` lacks. */
function missingScripts(text: string, scripts: Record<string, string>): string[] {
  return [...text.matchAll(/\bnpm run(?: -s)? ([\w:.-]+)/g)].map((m) => m[1]!).filter((name) => !(name in scripts));
}

/** The commands `text` runs with npx that are not a dependency (npx would download them at run time). */
function undeclaredNpx(text: string, deps: Record<string, string>): string[] {
  return [...text.matchAll(/\bnpx ([\w@/.-]+)/g)].map((m) => m[1]!).filter((name) => !(name in deps));
}

/** The `run:` scripts of a workflow, block scalars (`run: |`) included. */
function runScripts(yaml: string): string[] {
  const lines = yaml.split('\n');
  const scripts: string[] = [];
  lines.forEach((line, i) => {
    const m = line.match(/^(\s*)(?:- )?run:\s*(.*)$/);
    if (!m) return;
    if (!/^[|>]/.test(m[2]!)) return void scripts.push(m[2]!);
    const indent = m[1]!.length + (line.trimStart().startsWith('- ') ? 2 : 0);
    const body: string[] = [];
    for (const next of lines.slice(i + 1)) {
      if (next.trim() && next.search(/\S/) <= indent) break;
      body.push(next);
    }
    scripts.push(body.join('\n'));
  });
  return scripts;
}

describe('the workflows', () => {
  it('are there: ci, deploy and promote', () => {
    expect(files.map(([name]) => name)).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml', 'promote.yml']));
  });

  it.each(files)('%s runs only npm scripts that package.json has', (_, text) => {
    expect(missingScripts(text, pkg.scripts)).toEqual([]);
  });

  it.each(files)('%s runs with npx only what package.json installs', (_, text) => {
    expect(undeclaredNpx(text, { ...pkg.dependencies, ...pkg.devDependencies })).toEqual([]);
  });

  it.each(files.filter(([name]) => name.endsWith('.yml')))(`%s pastes no \${{ }} into a shell script`, (_, text) => {
    const scripts = runScripts(text);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => s.includes('${{'))).toEqual([]);
  });

  it('deploy.yml stops before anything changes when a setting is missing, naming each', async () => {
    const deploy = files.find(([name]) => name === 'deploy.yml')![1];
    const check = runScripts(deploy).find((s) => s.includes('missing='))!;
    // as GitHub runs a step's script on Linux: bash -e -o pipefail
    const bash = (env: Record<string, string>) =>
      promisify(execFile)('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', check], { env });
    await expect(bash({ CLOUDFLARE_API_TOKEN: 't', EDGE_URL: '' })).rejects.toMatchObject({
      code: 1,
      stdout: '::error::not set in the production environment: CLOUDFLARE_ACCOUNT_ID EDGEFLOW_DB_URL EDGE_URL\n',
    });
    const all = {
      CLOUDFLARE_API_TOKEN: 't',
      CLOUDFLARE_ACCOUNT_ID: 'a',
      EDGEFLOW_DB_URL: 'libsql://db',
      EDGE_URL: 'https://w',
    };
    expect(await bash(all)).toMatchObject({ stdout: '' });
  });

  it('the checks find what is wrong', () => {
    const yaml = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - run: npm run lint && npm run -s no-such-script',
      '      - name: multi-line',
      '        run: |',
      '          npx wrangler deploy',
      `          npx cowsay "\${{ inputs.model }}"`,
      '        env:',
      `          X: \${{ inputs.x }}`,
    ].join('\n');
    expect(missingScripts(yaml, pkg.scripts)).toEqual(['no-such-script']);
    expect(undeclaredNpx(yaml, pkg.devDependencies)).toEqual(['cowsay']);
    expect(runScripts(yaml)).toEqual([
      'npm run lint && npm run -s no-such-script',
      `          npx wrangler deploy\n          npx cowsay "\${{ inputs.model }}"`,
    ]);
  });
});
