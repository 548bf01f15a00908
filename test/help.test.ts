import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sitectl } from './support/cli.js';

// Every command's --help lists the flags SPEC.md and the README document, with an example.
const FLAGS: Record<string, string[]> = {
  validate: ['--filename', '--output', '--strict', '--no-color'],
  diff: ['--filename', '--output', '--strict', '--prune', '--state', '--live', '--log-level', '--log-format', '--no-color'],
  plan: ['--filename', '--output', '--out', '--strict', '--prune', '--state', '--live'],
  apply: ['--filename', '--output', '--strict', '--prune', '--state', '--lock-timeout', '--force-unlock', '--log-level'],
  watch: ['--filename', '--interval', '--debounce', '--mode', '--health-addr', '--prune', '--state', '--lock-timeout'],
  get: ['--output', '--state', '--live'],
  events: ['--for', '--output', '--state'],
  graph: ['--filename', '--output', '--only-changes', '--state', '--live'],
  import: ['--output', '--force', '--leave-unset', '--live', '--backend', '--site'],
  schema: [],
  explain: [],
  completion: [],
};

describe('--help', () => {
  it.concurrent.each(Object.entries(FLAGS))('%s --help shows its flags and an example', async (command, flags) => {
    const result = await sitectl([command, '--help']);
    expect(result.code).toBe(0);
    for (const flag of flags) expect(result.stdout).toContain(flag);
    expect(result.stdout).toContain('Examples:');
  });
});

describe('sitectl --help', () => {
  it('names the environment variables sitectl reads', async () => {
    const result = await sitectl(['--help']);
    expect(result.code).toBe(0);
    for (const variable of ['SITECTL_STATE', 'SITECTL_CACHE', 'SITECTL_NOW', 'NO_COLOR']) expect(result.stdout).toContain(variable);
  });
});

describe('sitectl explain', () => {
  it('describes a field with its type, default and description', async () => {
    const result = await sitectl(['explain', 'sitesystemserver.spec.roles.useProxy']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('FIELD:    spec.roles.useProxy <boolean>');
    expect(result.stdout).toContain('DEFAULT:  false');
    expect(result.stdout).toContain('wsyncmgr.log');
  });

  it('lists allowed values and the fields below', async () => {
    const result = await sitectl(['explain', 'Site.spec']);
    expect(result.stdout).toMatch(/type\t<string> -required-/);
    expect((await sitectl(['explain', 'Site.spec.type'])).stdout).toContain('ALLOWED:  CentralAdministrationSite, PrimarySite, SecondarySite');
  });

  it('exits 2 on an unknown kind or field', async () => {
    expect((await sitectl(['explain', 'Site.spec.nope'])).code).toBe(2);
    expect((await sitectl(['explain', 'Widget'])).code).toBe(2);
  });
});

describe('sitectl completion', () => {
  it('prints a bash script that bash accepts', async () => {
    const result = await sitectl(['completion', 'bash']);
    expect(result.code).toBe(0);
    expect(() => execFileSync('bash', ['-n'], { input: result.stdout })).not.toThrow();
  });

  it.each(['zsh', 'pwsh'])('prints a %s script', async (shell) => {
    const result = await sitectl(['completion', shell]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sitectl');
  });
});
