import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';

// The pure core reads no files, clock, environment or randomness, and knows nothing of the
// edges: what it needs comes in as arguments (STYLE.md). This test is that rule's linter.
const PURE = ['model', 'manifest', 'resolve', 'rules', 'plan', 'apply', 'import'];
const FORBIDDEN: [RegExp, string][] = [
  [/from '(node:)?(fs|fs\/promises|child_process|http|https|net|dgram|os)'/, 'an I/O module'],
  [/from '(chokidar|write-file-atomic|pino|commander)'/, 'an edge library'],
  [/from '\.\.\/(backend|cli|reconcile|sources)\//, 'an edge folder'],
  [/\bnew Date\(|\bDate\.now\(|\bprocess\.env\b|\bMath\.random\(/, 'the clock, the environment or randomness'],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sources(full) : name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the pure core', () => {
  it.each(PURE)('src/%s does no I/O and reads no clock', (folder) => {
    const files = sources(path.join(ROOT, 'src', folder));
    expect(files.length).toBeGreaterThan(0);
    const found = files.flatMap((file) =>
      FORBIDDEN.filter(([pattern]) => pattern.test(readFileSync(file, 'utf8'))).map(
        ([, what]) => `${path.relative(ROOT, file)} uses ${what}`,
      ),
    );
    expect(found).toEqual([]);
  });
});
