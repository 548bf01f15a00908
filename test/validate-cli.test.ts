import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/model/plan.js';
import { sitectl } from './support/cli.js';
import { parseJson } from './support/json.js';
import { SITE_P01 } from './support/manifests.js';
import { stringContaining } from './support/matchers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return file;
}

/** Lines of the text report that are diagnostics (the rest is blank lines and the summary). */
function problemLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => /(^|\s)(error|warning|info) {2}[A-Z]/.test(l));
}

describe('sitectl validate', () => {
  it('accepts the contoso example with warnings at most', async () => {
    const result = await sitectl(['validate', '-f', 'examples/contoso']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid: 42 documents in 20 files, 0 errors, 1 warning$/m);
  });

  const badInputs: [string, string | Buffer, string, number, number][] = [
    ['tab indentation', 'apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n\tname: x\n', 'YamlSyntax', 4, 1],
    ['an unclosed flow mapping', 'apiVersion: sitectl/v1\nkind: Proxy\nmetadata: {name: x\nspec: {}\n', 'YamlSyntax', 4, 1],
    [
      'a list where a mapping belongs',
      'apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  - name: x\nspec:\n  server: a.b\n',
      'SchemaViolation',
      4,
      3,
    ],
    ['an unknown kind', 'apiVersion: sitectl/v1\nkind: Proxi\nmetadata: {name: x}\nspec: {}\n', 'SchemaViolation', 2, 7],
    ['an unknown apiVersion', 'apiVersion: sitectl/v2\nkind: Proxy\nmetadata: {name: x}\nspec: {}\n', 'SchemaViolation', 1, 13],
    [
      'a duplicated key',
      'apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: x\n  name: y\nspec:\n  server: a.b\n',
      'YamlSyntax',
      5,
      3,
    ],
    ['a 10,000-level nested document', 'spec: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n', 'YamlSyntax', 1, 0],
    [
      'an alias bomb',
      'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n',
      'YamlSyntax',
      2,
      8,
    ],
    ['a binary file', Buffer.from([0x61, 0x3a, 0x20, 0x0a, 0x00, 0xff, 0xfe, 0x01]), 'YamlSyntax', 2, 1],
    ['invalid UTF-8', Buffer.from('apiVersion: sitectl/v1\nkind: \xff\xfe\n', 'latin1'), 'YamlSyntax', 2, 7],
    ['a custom tag', 'apiVersion: sitectl/v1\nkind: !!js/function Proxy\n', 'YamlSyntax', 2, 7],
  ];

  it.concurrent.each(badInputs)(
    'rejects %s with exit 2, one line per problem and no stack trace',
    async (name, content, code, line, column) => {
      const file = await write(`bad/${name.replace(/\W+/g, '-')}.yaml`, content);
      const result = await sitectl(['validate', '-f', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const lines = problemLines(result.stdout);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines[0]).toContain(`  error  ${code}  `);
      const position = new RegExp(`:${line}:${column === 0 ? '\\d+' : column}  error`);
      expect(lines[0]).toMatch(position);
      expect(result.stdout.split('\n').every((l) => l.length === 0 || lines.includes(l) || l.startsWith('invalid:'))).toBe(true);
    },
  );

  describe('messages that name the fix', () => {
    const site =
      'apiVersion: sitectl/v1\nkind: Site\nmetadata: { name: P01 }\nspec: { type: PrimarySite, version: 2509, siteServer: cm01.contoso.com }\n';
    const messages = async (name: string, text: string | Buffer) => {
      const result = await sitectl(['validate', '-f', await write(`fix/${name}`, text), '-o', 'json']);
      expect(result.code).toBe(2);
      return parseJson<Plan>(result.stdout).diagnostics.map((d) => ({
        code: d.code,
        message: d.message,
        at: d.source ? `${d.source.line}:${d.source.column}` : '',
      }));
    };

    it('says how to refer to a Proxy, how to mean System, and which value or name was meant', async () => {
      const found = await messages(
        'mistakes.yaml',
        `${site}---\napiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec:\n  server: proxy.contoso.com\n  account: System\n---\n` +
          'apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata: { name: cm02.contoso.com }\nspec:\n  site: P01\n  proxy: corp\n---\n' +
          'apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata: { name: cm03.contoso.com }\nspec:\n  site: P01\n  roles: [{ type: ManagmentPoint }]\n---\n' +
          'apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata: { name: cm04.contoso.com }\nspec:\n  site: P10\n  proxy: { ref: crop }\n',
      );
      const text = found.map((d) => `${d.code}: ${d.message}`);
      expect(text).toContainEqual(
        expect.stringMatching(/^SchemaViolation: spec\.account: .*; for the computer \(System\) account, leave account out$/),
      );
      expect(text).toContainEqual(
        expect.stringMatching(/^SchemaViolation: spec\.proxy: .*; to use the Proxy document named corp, write proxy: \{ ref: corp \}$/),
      );
      expect(text).toContainEqual(expect.stringMatching(/^SchemaViolation: spec\.roles\[0\]\.type: .*; did you mean 'ManagementPoint'\?$/));
      expect(text).toContainEqual(
        "UnknownReference: site 'P10' is not declared (did you mean 'P01'?); add a Site document for it or fix the site code",
      );
      expect(text).toContainEqual(
        "UnknownReference: proxy 'crop' is not declared (did you mean 'corp'?); add a Proxy document named 'crop' or fix the ref",
      );
    });

    it('gives a misspelt required field one message, not a second about the missing one', async () => {
      const found = await messages(
        'sever.yaml',
        'apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec:\n  sever: proxy.contoso.com\n',
      );
      expect(found).toEqual([{ code: 'SchemaViolation', message: "unknown field 'sever' in spec; did you mean 'server'?", at: '5:3' }]);
    });

    it('gives one line indented wrongly one message, with that line', async () => {
      const server = (indent: string) =>
        `apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata:\n  name: cm02.contoso.com\nspec:\n  site: P01\n${indent}proxy: { ref: corp }\n  roles: []\n`;
      for (const [name, indent, column] of [
        ['more', '   ', 4],
        ['less', ' ', 2],
      ] as const) {
        expect(await messages(`indent-${name}.yaml`, server(indent))).toEqual([
          {
            code: 'YamlSyntax',
            message: 'line 7 is indented differently from the keys around it: keys of one mapping start in the same column',
            at: `7:${column}`,
          },
        ]);
      }
    });

    it('says that apiVersion and kind are case-sensitive, at the key written', async () => {
      const found = await messages(
        'case-keys.yaml',
        'apiVersion: sitectl/v1\nKind: Proxy\nmetadata: { name: corp }\nspec: { server: proxy.contoso.com }\n',
      );
      expect(found).toEqual([
        { code: 'SchemaViolation', message: "'Kind' must be written 'kind': field names are case-sensitive", at: '2:1' },
      ]);
    });

    it("keeps the parser's own message for a key without its colon", async () => {
      const found = await messages(
        'colon.yaml',
        'apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec:\n  server proxy.contoso.com\n  port: 8080\n',
      );
      expect(found).toEqual([{ code: 'YamlSyntax', message: 'Implicit keys need to be on a single line', at: '5:3' }]);
    });

    it('says a UTF-16 file is UTF-16 and to save it as UTF-8', async () => {
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: sitectl/v1\n', 'utf16le')]);
      const found = await messages('utf16.yaml', utf16);
      expect(found).toEqual([{ code: 'YamlSyntax', message: stringContaining('file is UTF-16 text: save it as UTF-8'), at: '1:1' }]);
    });

    it('says to use -f when a folder is given without it', async () => {
      for (const command of ['validate', 'diff', 'plan', 'graph']) {
        const result = await sitectl([command, 'examples/contoso']);
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(`sitectl: ${command} reads manifests named with -f, one -f before each path: -f examples/contoso\n`);
      }
    });
  });

  describe('a Windows account in double quotes', () => {
    const proxy = (account: string) =>
      `apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: corp\nspec:\n  server: proxy.contoso.com\n  account: ${account}\n`;
    const user = `apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata:\n  name: cm02.contoso.com\nspec:\n  site: P01\n  proxy: { ref: corp }\n`;

    it('that YAML cannot read is one error that says how to write it, and the Proxy it declares still counts', async () => {
      const file = await write('dq-escape/all.yaml', `${SITE_P01}---\n${proxy('"CONTOSO\\svc-cmproxy"')}---\n${user}`);
      const result = await sitectl(['validate', '-f', file, '-o', 'json']);
      expect(result.code).toBe(2);
      const diagnostics = parseJson<Plan>(result.stdout).diagnostics;
      expect(diagnostics.map((d) => d.code)).toEqual(['YamlSyntax']);
      expect(diagnostics[0].message).toContain('write DOMAIN\\user without quotes or in single quotes');
      expect(diagnostics[0].source!.line).toBe(16);
    });

    it('that YAML reads as another character (\\N, \\_, \\L, \\P) is refused, saying how to write it', async () => {
      const file = await write('dq-other/all.yaml', `${SITE_P01}---\n${proxy('"CONTOSO\\NetSvc"')}`);
      const result = await sitectl(['validate', '-f', file, '-o', 'json']);
      expect(result.code).toBe(2);
      const [only] = parseJson<Plan>(result.stdout).diagnostics;
      expect(only.message).toContain('without quotes or in single quotes');
    });

    it('that YAML reads as a line break is refused, saying so', async () => {
      const file = await write('dq-newline/all.yaml', `${SITE_P01}---\n${proxy('"CONTOSO\\new-proxy"')}---\n${user}`);
      const result = await sitectl(['validate', '-f', file, '-o', 'json']);
      expect(result.code).toBe(2);
      const diagnostics = parseJson<Plan>(result.stdout).diagnostics;
      expect(diagnostics.map((d) => `${d.code} ${d.path}`)).toEqual(['SchemaViolation /spec/account']);
      expect(diagnostics[0].message).toContain('it holds a line break or another control character');
      expect(diagnostics[0].message).toContain('without quotes or in single quotes');
    });
  });

  describe('a repository with YAML files of its own', () => {
    const pipeline = 'trigger: [main]\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: npx sitectl diff -f .\n';
    const proxy = 'apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: corp }\nspec: { server: proxy.contoso.com }\n';

    it('leaves out, in a folder, a YAML file that holds no sitectl manifest, and says so in one line', async () => {
      const repo = path.join(dir, 'repo-ci');
      await write('repo-ci/azure-pipelines.yml', pipeline);
      await write('repo-ci/proxies/proxies.yaml', proxy);
      const result = await sitectl(['validate', '-f', repo]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('valid: 1 document in 1 file');
      expect(result.stderr).toBe(
        `sitectl: info: left out 1 YAML file that holds no sitectl manifests: ${path.join(repo, 'azure-pipelines.yml')} (list them in .sitectlignore to leave them out quietly)\n`,
      );
      // Named itself, the file is still read, and refused.
      const named = await sitectl(['validate', '-f', path.join(repo, 'azure-pipelines.yml')]);
      expect(named.code).toBe(2);
      expect(named.stdout).toContain('SchemaViolation');
    });

    it('still reads, and refuses, a manifest whose keys and kind are written in the wrong case', async () => {
      await write(
        'repo-case/servers.yaml',
        'apiversion: sitectl/v1\nkind: sitesystemserver\nmetadata: { name: cm02.contoso.com }\nspec: { site: P01 }\n',
      );
      const result = await sitectl(['validate', '-f', path.join(dir, 'repo-case')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('');
    });

    it('leaves out quietly what .sitectlignore lists, and still reads a sitectl manifest with a misspelt kind', async () => {
      const repo = path.join(dir, 'repo-ignore');
      await write('repo-ignore/.sitectlignore', '# not manifests\nazure-pipelines.yml\ndrafts/\n');
      await write('repo-ignore/azure-pipelines.yml', pipeline);
      await write('repo-ignore/drafts/broken.yaml', 'apiVersion: sitectl/v1\nkind: Proxy\nmetadata: { name: x }\nspec: {}\n');
      await write('repo-ignore/proxies.yaml', proxy);
      const clean = await sitectl(['validate', '-f', repo]);
      expect(clean.stderr).toBe('');
      expect(clean.code).toBe(0);
      await write('repo-ignore/typo.yaml', 'apiVersion: sitectl/v1\nkind: Proxi\nmetadata: { name: y }\nspec: {}\n');
      const typo = await sitectl(['validate', '-f', repo]);
      expect(typo.code).toBe(2);
      expect(typo.stdout).toContain('unknown kind "Proxi"');
    });
  });

  it('points an error in the third document of a file at its line in the file', async () => {
    const text = `${SITE_P01}---\n# a comment\n---\napiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: corp\nspec:\n  server: proxy.contoso.com\n  port: 0\n`;
    const file = await write('multi.yaml', text);
    const result = await sitectl(['validate', '-f', file, '-o', 'json']);
    const report = parseJson<Plan>(result.stdout);
    expect(result.code).toBe(2);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({ code: 'SchemaViolation', path: '/spec/port', source: { line: 18, column: 9 } });
    expect(text.split('\n')[17]).toBe('  port: 0');
  });

  it('prints the Plan shape of SPEC section 5 with -o json', async () => {
    const result = await sitectl(['validate', '-f', 'examples/mistakes/ProxyConflict', '-o', 'json']);
    const report = parseJson<Plan>(result.stdout);
    expect(result.code).toBe(0);
    expect(report).toMatchObject({ apiVersion: 'sitectl/v1', kind: 'Plan', liveRevision: null, liveFingerprint: null, changes: [] });
    expect(report.summary).toEqual({ create: 0, update: 0, hold: 0, prune: 0, unchanged: 0, errors: 0, warnings: 1 });
    expect(report.diagnostics[0]).toMatchObject({
      severity: 'warning',
      code: 'ProxyConflict',
      object: { kind: 'SiteSystemServer', name: 'cm02.contoso.com' },
      path: '/spec/roles/1/proxy',
    });
  });

  it('turns warnings into errors with --strict', async () => {
    const result = await sitectl(['validate', '-f', 'examples/mistakes/ProxyConflict', '--strict', '-o', 'json']);
    expect(result.code).toBe(2);
    expect(parseJson<Plan>(result.stdout).diagnostics[0].severity).toBe('error');
  });

  it('reads standard input with -f -', async () => {
    const result = await sitectl(['validate', '-f', '-'], { input: `${SITE_P01}---\n${SITE_P01}` });
    expect(result.code).toBe(2);
    expect(problemLines(result.stdout)).toEqual([
      expect.stringMatching(/^-:13:9 {2}error {2}DuplicateObject {2}Site 'P01' is declared twice: here and at -:4:9/),
    ]);
  });

  it('reports a path that does not exist as NoManifests, exit 2', async () => {
    const result = await sitectl(['validate', '-f', 'no/such/folder']);
    expect(result.code).toBe(2);
    expect(problemLines(result.stdout)).toEqual(['error  NoManifests  no/such/folder does not exist']);
  });

  it('reports a folder whose files hold only empty documents as NoManifests', async () => {
    await write('empty/a.yaml', '# nothing yet\n---\n');
    const result = await sitectl(['validate', '-f', path.join(dir, 'empty')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('NoManifests');
  });

  it('ends on a symlink loop and reads each file once', async () => {
    await write('loop/site.yaml', SITE_P01);
    await symlink(path.join(dir, 'loop'), path.join(dir, 'loop/again'));
    const result = await sitectl(['validate', '-f', path.join(dir, 'loop')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid: 1 document in 1 file');
  });

  it.concurrent.each([
    [['validate']],
    [['validate', '-f', 'examples/contoso', '-o', 'yaml']],
    [['validate', '--no-such-flag']],
    [['no-such-command']],
    [['schema', 'Nope']],
  ])('exits 2 on the usage mistake %j', async (args) => {
    const result = await sitectl(args);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim().length).toBeGreaterThan(0);
  });

  it('rejects a malformed SITECTL_NOW with exit 2', async () => {
    const result = await sitectl(['validate', '-f', 'examples/contoso'], { env: { SITECTL_NOW: 'tomorrow' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SITECTL_NOW');
  });

  it('reports UnsupportedSiteVersion only once SITECTL_NOW passes the end of support', async () => {
    const before = await sitectl(['validate', '-f', 'examples/contoso', '-o', 'json'], { env: { SITECTL_NOW: '2027-05-12' } });
    const after = await sitectl(['validate', '-f', 'examples/contoso', '-o', 'json'], { env: { SITECTL_NOW: '2027-05-13' } });
    const count = (r: { stdout: string }) =>
      parseJson<Plan>(r.stdout).diagnostics.filter((d) => d.code === 'UnsupportedSiteVersion').length;
    expect(count(before)).toBe(0);
    expect(count(after)).toBe(4); // CAS, P01, S11 and S12 run 2509; the 2603 sites stay supported
  });
});

describe('sitectl schema', () => {
  it('prints one kind case-insensitively, with its $id', async () => {
    const result = await sitectl(['schema', 'sitesystemserver']);
    expect(result.code).toBe(0);
    expect(parseJson<{ $id: string }>(result.stdout).$id).toBe('https://sitectl.dev/schemas/v1/sitesystemserver.schema.json');
  });

  it('prints every kind without an argument', async () => {
    const result = await sitectl(['schema']);
    expect(Object.keys(parseJson<Record<string, unknown>>(result.stdout))).toEqual(['Site', 'Proxy', 'SiteSystemServer', 'SiteSystemRole']);
  });
});
