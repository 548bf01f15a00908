import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../src/model/plan.js';
import { sitectl } from './support/cli.js';
import { parseJson } from './support/json.js';

// Each file of test/fixtures/hostile must give exit 2 with one clear line per problem at the
// right place: never a stack trace, a hang or a memory blow-up (the heap is capped at 256 MB).
const CORPUS: [file: string, code: string, line: number, column: number][] = [
  ['alias-bomb.yaml', 'YamlSyntax', 2, 8],
  ['binary.yaml', 'YamlSyntax', 1, 1],
  ['bom-crlf.yaml', 'SchemaViolation', 7, 12],
  ['custom-tag.yaml', 'YamlSyntax', 16, 10],
  ['deep-flow-nesting.yaml', 'YamlSyntax', 1, 70],
  ['deep-nesting.yaml', 'YamlSyntax', 65, 129],
  ['duplicate-keys.yaml', 'YamlSyntax', 8, 3],
  ['invalid-utf8.yaml', 'YamlSyntax', 4, 9],
  ['js-tag.yaml', 'YamlSyntax', 15, 9],
  ['list-document.yaml', 'SchemaViolation', 1, 1],
  ['octal-site-code.yaml', 'SchemaViolation', 4, 9],
  ['tab-indent.yaml', 'YamlSyntax', 6, 1],
  ['trailing-dot.yaml', 'SchemaViolation', 13, 9],
  ['unicode-lookalike.yaml', 'SchemaViolation', 13, 9],
  ['yaml11-booleans.yaml', 'SchemaViolation', 19, 17],
];
const BOUNDED = { NODE_OPTIONS: '--max-old-space-size=256' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectCleanFailure(result: { code: number; stdout: string; stderr: string }): void {
  expect(result.code).toBe(2);
  expect(result.stderr).not.toMatch(/\n\s+at |Error:/);
}

describe('hostile input', () => {
  it.concurrent.each(CORPUS)('%s: exit 2 with %s at %i:%i', async (file, code, line, column) => {
    const result = await sitectl(['validate', '-f', `test/fixtures/hostile/${file}`, '-o', 'json'], { env: BOUNDED });
    expectCleanFailure(result);
    const first = parseJson<Plan>(result.stdout).diagnostics[0];
    expect(first.code).toBe(code);
    if (line) expect(first.source!.line).toBe(line);
    if (column) expect(first.source!.column).toBe(column);
    expect(first.message).not.toMatch(/\n/);
  });

  it('reads a 20 MB manifest file within a 256 MB heap and finds the error after it', async () => {
    const blob = 'x'.repeat(20 * 1024 * 1024);
    const text =
      `apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: big\n  annotations:\n    pasted: ${blob}\nspec:\n  server: proxy.contoso.com\n` +
      `---\napiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: small\nspec:\n  server: proxy.contoso.com\n  port: 0\n`;
    const file = path.join(dir, 'twenty.yaml');
    await writeFile(file, text);
    const result = await sitectl(['validate', '-f', file, '-o', 'json'], { env: BOUNDED });
    expectCleanFailure(result);
    expect(parseJson<Plan>(result.stdout).diagnostics).toEqual([
      expect.objectContaining({ code: 'SchemaViolation', source: { file, line: 16, column: 9 } }),
    ]);
  });

  it('refuses a file over 32 MiB without reading it', async () => {
    const file = path.join(dir, 'huge.yaml');
    await writeFile(file, Buffer.alloc(33 * 1024 * 1024, 0x20));
    const result = await sitectl(['validate', '-f', file], { env: BOUNDED });
    expectCleanFailure(result);
    expect(result.stdout).toContain('more than the 32 MiB a manifest file may have');
  });

  it('refuses a named pipe instead of waiting on it forever', async () => {
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const result = await sitectl(['validate', '-f', fifo]);
    expectCleanFailure(result);
    expect(result.stdout).toContain('not a regular file');
  });

  it('treats a file that vanished after the folder was listed as gone, not as a crash', async () => {
    // A dangling link is what a reader sees when a file is deleted between listing and reading.
    const folder = path.join(dir, 'vanishing');
    await mkdir(folder);
    await writeFile(
      path.join(folder, 'site.yaml'),
      'apiVersion: sitectl/v1\nkind: Site\nmetadata:\n  name: P01\nspec:\n  type: PrimarySite\n  version: 2509\n  siteServer: cm01.contoso.com\n',
    );
    await symlink(path.join(folder, 'deleted.yaml'), path.join(folder, 'ghost.yaml'));
    const listed = await sitectl(['validate', '-f', folder]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('valid: 1 document in 1 file');
    const named = await sitectl(['validate', '-f', path.join(folder, 'ghost.yaml')]);
    expectCleanFailure(named);
    expect(named.stdout).toContain('NoManifests');
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file (skipped as root, who can read anything)', async () => {
    const file = path.join(dir, 'secret.yaml');
    await writeFile(file, 'a: 1\n');
    await chmod(file, 0o000);
    const result = await sitectl(['validate', '-f', file]);
    expectCleanFailure(result);
    expect(result.stdout).toContain('cannot be read (EACCES)');
  });
});
