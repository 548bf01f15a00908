import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, TODAY } from './support/cli.js';

const run = promisify(execFile);
let dir: string;
let tarball: string;

// Packs sitectl as npm would publish it, installs the tarball into an empty project, and runs
// it there on the GitOps template: what an admin gets from `npm install sitectl`.
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(dir, packed!.filename);
  await writeFile(path.join(dir, 'files.json'), JSON.stringify(packed!.files.map((f) => f.path)));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds dist/, schemas/, scripts/, README and LICENSE, and nothing else', async () => {
    const files = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(dir, 'files.json'), 'utf8'))) as string[];
    const outside = files.filter((f) => !/^(dist\/|schemas\/|scripts\/|README\.md$|LICENSE$|package\.json$)/.test(f));
    expect(outside).toEqual([]);
    expect(files).toContain('dist/sitectl.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('scripts/Export-SitectlLiveState.ps1');
    expect(files).toContain('scripts/SitectlSite.ps1');
    expect(files.filter((f) => /\.test\.|\.map$/.test(f))).toEqual([]);
  });

  it('installs into an empty folder and validates and diffs the GitOps template from there', async () => {
    const project = path.join(dir, 'project');
    await cp(path.join(ROOT, 'examples/gitops-repo'), project, { recursive: true });
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], { cwd: project });
    const env = { ...process.env, SITECTL_NOW: TODAY, NO_COLOR: '1' };
    const version = await run('npx', ['sitectl', '--version'], { cwd: project, env });
    expect(version.stdout.trim()).toBe(JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(path.join(ROOT, 'package.json'), 'utf8'))).version);
    const validated = await run('npx', ['sitectl', 'validate', '-f', 'sites', '-f', 'proxies', '--strict'], { cwd: project, env });
    expect(validated.stdout).toMatch(/^valid: \d+ documents/m);
    const diff = await run('npx', ['sitectl', 'diff', '-f', 'sites', '-f', 'proxies', '--live', 'live/export.json', '-o', 'markdown'], { cwd: project, env }).catch((e: { code: number; stdout: string }) => e);
    expect((diff as { code?: number }).code).toBe(1);
    expect(diff.stdout).toContain('| ✏️ | `cm-p01.contoso.com` | update |');
  }, 180_000);
});
