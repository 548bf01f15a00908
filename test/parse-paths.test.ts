import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSource, type ParsedDocument } from '../src/manifest/parse.js';
import { ROOT } from './support/cli.js';
import { yamlFiles } from './support/files.js';

// The fast path (js-yaml, positions on demand) must agree with the precise path (yaml) on
// every fixture and example: the same documents, the same values, the same positions.

/** Every JSON pointer into a value, so each node's position can be compared. */
function pointers(value: unknown, at = ''): string[] {
  if (value === null || typeof value !== 'object') return [at];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [at, ...entries.flatMap(([k, v]) => pointers(v, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`))];
}

const FILES = [
  ...yamlFiles(path.join(ROOT, 'examples')),
  ...yamlFiles(path.join(ROOT, 'test/fixtures')),
  ...yamlFiles(path.join(ROOT, 'test/golden')),
].map((f) => path.relative(ROOT, f));

describe('fast and precise parsing agree', () => {
  it('covers the examples and fixtures', () => {
    expect(FILES.length).toBeGreaterThan(40);
  });

  it.each(FILES)('%s', (file) => {
    const source = { file, bytes: readFileSync(path.join(ROOT, file)) };
    const fast = parseSource(source, 'fast');
    const precise = parseSource(source, 'precise');
    expect(fast.diagnostics).toEqual(precise.diagnostics);
    expect(fast.documents.map((d) => d.value)).toEqual(precise.documents.map((d) => d.value));
    const positions = (docs: ParsedDocument[]) => docs.map((d) => pointers(d.value).map((p) => [p, d.locate(p), d.locate(p, 'key')]));
    expect(positions(fast.documents)).toEqual(positions(precise.documents));
  });
});
