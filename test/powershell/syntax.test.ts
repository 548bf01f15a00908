import fc from 'fast-check';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { psString } from '../../src/cli/render/powershell-literal.js';
import { ROOT, sitectl } from '../support/cli.js';
import { describeWithPowerShell, runScript } from '../support/powershell.js';

// Every script sitectl ships or renders must parse, in PowerShell's own parser, as a script
// Windows PowerShell 5.1 can run (DOMAIN.md, "Running the ConfigurationManager module").
const CHECK = path.join(ROOT, 'test/support/Test-ScriptSyntax.ps1');
const HOSTILE_ACCOUNT = 'CONTOSO\\o\'brien\u2019s\u2018\u201A\u201B$(Stop-Computer)`;"x";-Виктор-müller';

interface Parsed {
  readonly file: string;
  readonly errors: string[];
  readonly newer: string[];
  readonly commands: string[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-syntax-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function parse(...files: string[]): Promise<Parsed[]> {
  const result = await runScript(CHECK, files);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Parsed[];
}

/** renderHostile renders the golden plan with a proxy account that holds every quote, code and non-ASCII. */
async function renderHostile(): Promise<Buffer> {
  const manifests = path.join(dir, 'manifests');
  await rm(manifests, { recursive: true, force: true });
  await cp(path.join(ROOT, 'test/golden/every-action/manifests'), manifests, { recursive: true });
  const site = await readFile(path.join(manifests, 'site.yaml'), 'utf8');
  await writeFile(
    path.join(manifests, 'site.yaml'),
    site.replace('  port: 8080\n', `  port: 8080\n  account: ${JSON.stringify(HOSTILE_ACCOUNT)}\n`),
  );
  const result = await sitectl(['plan', '-f', manifests, '--live', 'test/golden/every-action/live.json', '--prune', '-o', 'powershell']);
  expect(result.stderr).toBe('');
  expect(result.stdout).toContain('-ProxyAccessAccount (Get-SitectlAccount (');
  return Buffer.from(result.stdout, 'utf8');
}

describeWithPowerShell('PowerShell syntax', () => {
  it('the checker finds what Windows PowerShell 5.1 lacks', async () => {
    const newer = path.join(dir, 'newer.ps1');
    await writeFile(
      newer,
      [
        '$a = $b ?? 1',
        '$c ??= 2',
        '$d = $e ? 1 : 2',
        '$f = ${g}?.Name',
        'Get-Item x && Get-Item y',
        '1..3 | ForEach-Object -Parallel { $_ }',
        '$h = $i | ConvertFrom-Json -AsHashtable',
      ].join('\n'),
    );
    const [report] = await parse(newer);
    expect(report.errors).toEqual([]);
    expect(report.newer.map((n) => n.split(' ')[0])).toEqual([
      'QuestionQuestion',
      'QuestionQuestionEquals',
      'QuestionDot',
      'AndAnd',
      'TernaryExpressionAst',
      'PipelineChainAst',
      'ForEach-Object',
      'ConvertFrom-Json',
    ]);
  });

  it('the export script and every rendered script parse, with nothing 5.1 lacks', async () => {
    const rendered = path.join(dir, 'hostile.ps1');
    await writeFile(rendered, await renderHostile());
    const reports = await parse(
      path.join(ROOT, 'scripts/Export-SitectlLiveState.ps1'),
      path.join(ROOT, 'scripts/SitectlSite.ps1'),
      path.join(ROOT, 'test/golden/every-action/expected.ps1'),
      rendered,
    );
    for (const report of reports) {
      expect(report.errors, report.file).toEqual([]);
      expect(report.newer, report.file).toEqual([]);
      expect(report.commands.length, report.file).toBeGreaterThan(10);
    }
  });

  it('a rendered script reads the same in Windows-1252 as in UTF-8: the same commands, and ASCII alone', async () => {
    const bytes = await renderHostile();
    // What Windows PowerShell 5.1 makes of a file without a BOM on a Western European system.
    const asAnsi = new TextDecoder('windows-1252').decode(bytes);
    const utf8 = path.join(dir, 'utf8.ps1');
    const ansi = path.join(dir, 'ansi.ps1');
    await writeFile(utf8, bytes);
    await writeFile(ansi, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(asAnsi, 'utf8')]));
    const [asWritten, asRead] = await parse(utf8, ansi);
    expect(asWritten.commands).toContain(
      'Set-CMSiteSystemServer -SiteSystemServerName -SiteCode -EnableProxy -ProxyServerName -ProxyServerPort -ProxyAccessAccount (13 elements)',
    );
    expect(asRead.errors).toEqual([]);
    expect(asRead.commands).toEqual(asWritten.commands);
    // The reason it holds in every code page, not only this one.
    expect([...bytes].every((b) => b === 0x0a || (b >= 0x20 && b <= 0x7e))).toBe(true);
  });

  it('psString gives back every string exactly, in PowerShell itself', async () => {
    const texts = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc
          .array(
            fc.constantFrom(
              "'",
              '\u2018',
              '\u2019',
              '\u201A',
              '\u201B',
              '`',
              '$(',
              ')',
              '"',
              ';',
              '#>',
              '\n',
              '\r',
              '\0',
              'é',
              'Ж',
              '\u{1F600}',
              '\uD800',
              'a',
            ),
            { maxLength: 12 },
          )
          .map((parts) => parts.join('')),
      ),
      { numRuns: 400, seed: 14 },
    );
    const script = path.join(dir, 'strings.ps1');
    const lines = texts.map((text) => `$values.Add(${psString(text)}) | Out-Null`);
    // Code units as numbers, so that lone surrogates and NULs survive the trip back.
    await writeFile(
      script,
      [
        '$values = New-Object System.Collections.Generic.List[string]',
        ...lines,
        "$values | ForEach-Object { ([int[]][char[]]$_) -join ',' }",
      ].join('\n'),
    );
    const result = await runScript(script);
    expect(result.stderr).toBe('');
    const units = result.stdout.split(/\r?\n/).slice(0, texts.length);
    expect(units).toEqual(texts.map((text) => [...Array(text.length).keys()].map((i) => text.charCodeAt(i)).join(',')));
  });
});
