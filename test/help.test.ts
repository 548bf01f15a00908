import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import { ROOT, sitectl } from './support/cli.js';
import { describeWithPowerShell, runCommand } from './support/powershell.js';

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
    expect((await sitectl(['explain', 'Site.spec.type'])).stdout).toContain(
      'ALLOWED:  CentralAdministrationSite, PrimarySite, SecondarySite',
    );
  });

  it('exits 2 on an unknown kind or field', async () => {
    expect((await sitectl(['explain', 'Site.spec.nope'])).code).toBe(2);
    expect((await sitectl(['explain', 'Widget'])).code).toBe(2);
  });
});

describe('sitectl explain and schema', () => {
  it('suggest the field or kind that was meant', async () => {
    const field = await sitectl(['explain', 'SiteSystemServer.spec.rols']);
    expect(field.code).toBe(2);
    expect(field.stderr).toContain('did you mean SiteSystemServer.spec.roles?');
    const kind = await sitectl(['schema', 'SiteSystemServr']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('did you mean SiteSystemServer?');
  });
});

describe('sitectl completion', () => {
  // What the scripts must offer, read from the program's definitions: every command, every flag, every fixed value.
  const program = buildProgram(
    {
      stdout: () => {},
      stderr: () => {},
      readStdin: () => Promise.resolve(new Uint8Array()),
      env: {},
      cwd: ROOT,
      stdoutIsTTY: false,
      onStopSignal: () => {},
    },
    () => {},
  );
  const expected = program.commands.flatMap((c) => [c.name(), ...c.options.flatMap((o) => [o.long!, ...(o.argChoices ?? [])])]);

  it.each(['bash', 'zsh', 'pwsh'])('offers in %s every command, flag and allowed value that sitectl has', async (shell) => {
    const result = await sitectl(['completion', shell]);
    expect(result.code).toBe(0);
    const missing = expected.filter(
      (word) => !new RegExp(`(^|[\\s'"(|])${word.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}($|[\\s'")|;])`, 'm').test(result.stdout),
    );
    expect(missing).toEqual([]);
  });

  it("completes in bash: commands, a command's flags, and a flag's values", async () => {
    const script = (await sitectl(['completion', 'bash'])).stdout;
    expect(() => execFileSync('bash', ['-n'], { input: script })).not.toThrow();
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=(${words.map((w) => `"${w}"`).join(' ')}); COMP_CWORD=${words.length - 1}; _sitectl; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split(' ');
    expect(complete('sitectl', 'gr')).toEqual(['graph']);
    expect(complete('sitectl', 'im')).toEqual(['import']);
    expect(complete('sitectl', 'graph', '--only')).toEqual(['--only-changes']);
    expect(complete('sitectl', 'graph', '-o', '')).toEqual(['mermaid', 'dot']);
    expect(complete('sitectl', 'diff', '-o', 'm')).toEqual(['markdown']);
    expect(complete('sitectl', 'plan', '--det')).toEqual(['--detailed-exitcode']);
    expect(complete('sitectl', 'get', 's')).toEqual(['servers', 'sites']);
    // apply's saved plan is a file (the test runs in the repository root).
    expect(complete('sitectl', 'apply', 'package.j')).toEqual(['package.json']);
  });
});

describeWithPowerShell('sitectl completion pwsh', () => {
  it("completes in PowerShell: commands, a flag's values and a command's flags", async () => {
    const script = (await sitectl(['completion', 'pwsh'])).stdout;
    const complete = async (line: string) => {
      const result = await runCommand(
        `${script}\n(TabExpansion2 -inputScript '${line}' -cursorColumn ${line.length}).CompletionMatches.CompletionText -join ' '`,
      );
      expect(result.stderr).toBe('');
      return result.stdout.trim().split(' ');
    };
    expect(await complete('sitectl gr')).toEqual(['graph']);
    expect(await complete('sitectl graph -o ')).toEqual(['mermaid', 'dot']);
    expect(await complete('sitectl diff --pr')).toEqual(['--provider', '--prune']);
  });
});
