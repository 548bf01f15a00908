import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/cli.js';
import { runInProcess } from '../../test/support/in-process.js';

interface Expected {
  code: string;
  exitCode: number;
  file?: string;
  line?: number;
  column?: number;
  /** What the file says at line:column, so the position is checked against the file itself. */
  text?: string;
  /** What sitectl says, word for word. */
  message: string;
}

const MISTAKES = path.join(ROOT, 'examples/mistakes');
const cases = readdirSync(MISTAKES).sort();

// Every diagnostic code that validate can find without live state (SPEC section 6).
const VALIDATE_CODES = [
  'YamlSyntax',
  'SchemaViolation',
  'DuplicateObject',
  'UnknownReference',
  'DuplicateRole',
  'InvalidHierarchy',
  'ProxyNotConfigurableOnRole',
  'RoleProxyWithoutServerProxy',
  'ConnectedCacheProxyUnsupported',
  'SingletonRoleDuplicated',
  'NoManifests',
  'ProxyConflict',
  'SettingIgnoredOnSecondarySite',
  'RoleDeprecated',
  'FeatureRequiresVersion',
  'InternetRoleWithoutProxy',
  'AdrDownloadWithoutProxy',
  'UnsupportedSiteVersion',
  'ManagementPointIgnoresSiteProxy',
];

describe('examples/mistakes', () => {
  it('has one folder per code that validate can find', () => {
    expect(cases).toEqual([...VALIDATE_CODES].sort());
  });

  it.each(cases)('%s: validate reports it at the right place, in its words, and exits as SPEC says', async (folder) => {
    const dir = path.join(MISTAKES, folder);
    const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    const result = await runInProcess(['validate', '-f', path.relative(ROOT, dir), '-o', 'json']);
    const report = JSON.parse(result.stdout) as {
      diagnostics: { code: string; severity: string; message: string; source?: { file: string; line: number; column: number } }[];
    };

    expect(result.code).toBe(expected.exitCode);
    expect(expected.exitCode).toBe(report.diagnostics.some((d) => d.severity === 'error') ? 2 : 0);
    const hit = report.diagnostics.find((d) => d.code === expected.code);
    expect(hit, `no ${expected.code} in ${JSON.stringify(report.diagnostics)}`).toBeDefined();
    expect(hit!.message).toBe(expected.message);
    // The folder shows one mistake: no other error hides behind it.
    expect(report.diagnostics.filter((d) => d.severity === 'error' && d.code !== expected.code)).toEqual([]);
    if (expected.file === undefined) {
      expect(hit!.source).toBeUndefined();
      return;
    }
    const file = path.relative(ROOT, path.join(dir, expected.file)).split(path.sep).join('/');
    expect(hit!.source).toEqual({ file, line: expected.line, column: expected.column });
    const lineText = readFileSync(path.join(dir, expected.file), 'utf8').split('\n')[expected.line! - 1];
    expect(lineText.slice(expected.column! - 1).startsWith(expected.text!)).toBe(true);
  });
});
