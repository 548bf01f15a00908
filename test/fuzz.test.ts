import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from '../src/validate.js';
import { ROOT, TODAY } from './support/cli.js';
import { yamlFiles } from './support/files.js';

// Mutates real manifests line by line (delete, duplicate, retype a value, re-indent) or
// repeats their first document, and checks that validation always answers with diagnostics
// or success, and never throws.
const SEEDS = yamlFiles(path.join(ROOT, 'examples')).map((f) => readFileSync(f, 'utf8'));
const TOKENS = [
  '',
  '~',
  'null',
  'yes',
  '0777',
  '-1',
  '1e9',
  '[',
  '{',
  '}',
  ']',
  '&a',
  '*a',
  '!!str',
  '!x',
  "'",
  '"',
  '- x',
  'a: b',
  '|',
  '>',
  '#',
  '\t',
  '---',
  '...',
  '%YAML 1.1',
  '\u2028',
  '\u0000',
];

type Mutation = { op: 'delete' | 'duplicate' | 'retype' | 'indent' | 'dedent' | 'repeat'; line: number; token: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('delete', 'duplicate', 'retype', 'indent', 'dedent', 'repeat'),
  line: fc.nat(),
  token: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })),
});

function mutate(text: string, mutations: readonly Mutation[]): string {
  const lines = text.split('\n');
  for (const m of mutations) {
    if (lines.length === 0) break;
    const i = m.line % lines.length;
    const line = lines[i];
    if (m.op === 'repeat') {
      const end = lines.indexOf('---', 1); // the first document ends at the next separator, or with the file
      lines.push('---', ...lines.slice(0, end === -1 ? lines.length : end));
    } else if (m.op === 'delete') lines.splice(i, 1);
    else if (m.op === 'duplicate') lines.splice(i, 0, line);
    else if (m.op === 'retype') lines[i] = line.includes(':') ? `${line.slice(0, line.indexOf(':') + 1)} ${m.token}` : m.token;
    else if (m.op === 'indent') lines[i] = `  ${line}`;
    else lines[i] = line.replace(/^ {1,2}/, '');
  }
  return lines.join('\n');
}

const mutated = fc.tuple(fc.nat({ max: SEEDS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 8 }));

describe('validate under mutation', () => {
  it('always returns diagnostics or success, never throws', () => {
    fc.assert(
      fc.property(mutated, ([seed, mutations]) => {
        const text = mutate(SEEDS[seed], mutations);
        const result = validate([{ file: 'fuzz.yaml', bytes: new TextEncoder().encode(text) }], { today: TODAY });
        for (const d of result.diagnostics) {
          expect(d.code).toMatch(/^[A-Z][A-Za-z]+$/);
          if (d.source) expect(d.source.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('brings up every code of reading and resolving manifests, each in at least 1% of 1,500 mutated files over a fixed seed', () => {
    // NoManifests is about a folder, not a file's text: the CLI tests hold it.
    const counts = new Map<string, number>();
    for (const [seed, mutations] of fc.sample(mutated, { seed: 20261202, numRuns: 1500 })) {
      const text = mutate(SEEDS[seed], mutations);
      const { diagnostics } = validate([{ file: 'fuzz.yaml', bytes: new TextEncoder().encode(text) }], { today: TODAY });
      for (const code of new Set(diagnostics.map((d) => d.code))) counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    const rare = ['YamlSyntax', 'SchemaViolation', 'DuplicateObject', 'UnknownReference'].filter((code) => (counts.get(code) ?? 0) < 15);
    expect(rare).toEqual([]);
  });

  it('reports, without throwing, a text the two parsers read differently (found by this fuzzer)', () => {
    const text =
      "apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: corp\nspec:\n  server: proxy.contoso.com\n  port: '\n  port: '\n---\nkind: Proxy\n";
    const result = validate([{ file: 'fuzz.yaml', bytes: new TextEncoder().encode(text) }], { today: TODAY });
    expect(result.diagnostics.map((d) => d.code)).toContain('SchemaViolation');
  });
});
