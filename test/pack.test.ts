import { execFile } from 'node:child_process';
import { copyFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, TODAY } from './support/cli.js';
import { parseJson } from './support/json.js';

const run = promisify(execFile);
let dir: string;
let tarball: string;

// Packs sitectl as npm would publish it, installs the tarball into an empty project, and runs
// it there on the GitOps template: what an admin gets from `npm install sitectl`.
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-pack-'));
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(dir, packed.filename);
  await writeFile(path.join(dir, 'files.json'), JSON.stringify(packed.files.map((f) => f.path)));
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

  it('installs into the GitOps template from vendor/, and the template passes its own CI steps', async () => {
    // As its README says: the package goes to vendor/sitectl.tgz, npm install writes the lock file, CI runs npm ci.
    const project = path.join(dir, 'template');
    await cp(path.join(ROOT, 'examples/gitops-repo'), project, { recursive: true });
    await copyFile(tarball, path.join(project, 'vendor/sitectl.tgz'));
    await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: project });
    const lock = parseJson<{ packages: Record<string, { resolved?: string }> }>(
      await readFile(path.join(project, 'package-lock.json'), 'utf8'),
    );
    expect(lock.packages['node_modules/sitectl'].resolved).toBe('file:vendor/sitectl.tgz');
    expect((await readFile(path.join(project, '.gitignore'), 'utf8')).split('\n')).toEqual(
      expect.arrayContaining(['node_modules/', '.sitectl/', 'plan.json', 'apply-proxies.ps1']),
    );

    const summary = path.join(dir, 'summary.md');
    const env = { ...process.env, SITECTL_NOW: TODAY, NO_COLOR: '1', GITHUB_STEP_SUMMARY: summary };
    const workflow = parse(await readFile(path.join(project, '.github/workflows/sitectl.yml'), 'utf8')) as {
      on: Record<string, { paths: string[] }>;
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    for (const trigger of Object.values(workflow.on)) expect(trigger.paths).toContain('.github/workflows/sitectl.yml');
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ? [step.run] : [])));
    expect(steps[0]).toMatch(/^npm ci\b/);
    for (const script of steps) await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: project, env });
    expect(await readFile(summary, 'utf8')).toContain('| ✏️ | `cm-p01.contoso.com` | update |');
    expect(await readFile(path.join(project, 'apply-proxies.ps1'), 'utf8')).toContain('Set-SitectlServer');

    const pipeline = parse(await readFile(path.join(project, 'azure-pipelines.yml'), 'utf8')) as {
      trigger: { paths: { include: string[] } };
      steps: { script?: string; task?: string; inputs?: { key?: string } }[];
    };
    expect(pipeline.trigger.paths.include).toContain('azure-pipelines.yml');
    // A pattern that starts with ** would hash node_modules too.
    expect(pipeline.steps.find((step) => step.task === 'Cache@2')!.inputs!.key).not.toMatch(/(^|[|,])\s*\*\*\//);
    const staging = await mkdtemp(path.join(dir, 'staging-'));
    for (const step of pipeline.steps.filter((s) => s.script)) {
      const script = step.script!.replace(/\$\((Build\.ArtifactStagingDirectory|Agent\.TempDirectory)\)/g, staging);
      await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: project, env });
    }
    expect(await readFile(path.join(staging, 'apply-proxies.ps1'), 'utf8')).toContain('Set-SitectlServer');
  }, 300_000);

  it('installs into an empty folder and validates and diffs the GitOps template from there', async () => {
    const project = path.join(dir, 'project');
    await cp(path.join(ROOT, 'examples/gitops-repo'), project, { recursive: true });
    await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], { cwd: project });
    const env = { ...process.env, SITECTL_NOW: TODAY, NO_COLOR: '1' };
    const version = await run('npx', ['sitectl', '--version'], { cwd: project, env });
    expect(version.stdout.trim()).toBe(
      parseJson<{ version: string }>(await import('node:fs/promises').then((fs) => fs.readFile(path.join(ROOT, 'package.json'), 'utf8')))
        .version,
    );
    const validated = await run('npx', ['sitectl', 'validate', '-f', 'sites', '-f', 'proxies', '--strict'], { cwd: project, env });
    expect(validated.stdout).toMatch(/^valid: \d+ documents/m);
    const diff = await run('npx', ['sitectl', 'diff', '-f', 'sites', '-f', 'proxies', '--live', 'live/export.json', '-o', 'markdown'], {
      cwd: project,
      env,
    }).catch((e: { code: number; stdout: string }) => e);
    expect((diff as { code?: number }).code).toBe(1);
    expect(diff.stdout).toContain('| ✏️ | `cm-p01.contoso.com` | update |');
  }, 180_000);
});
