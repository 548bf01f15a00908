import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/cli.js';
import { runInProcess } from '../../test/support/in-process.js';

// The golden cases of test/golden.test.ts, run in this process instead of through the built
// CLI, so that the mutation tests (npm run mutate), which change src/ and never dist/, see
// every format the plan and graph commands print.
const GOLDEN = path.join(ROOT, 'test/golden');
const CASES: [string, string[]][] = [
  ['txt', ['plan', '-o', 'text']],
  ['json', ['plan', '-o', 'json']],
  ['patch.json', ['plan', '-o', 'patch']],
  ['ps1', ['plan', '-o', 'powershell']],
  ['md', ['plan', '-o', 'markdown']],
  ['mmd', ['graph', '-o', 'mermaid']],
  ['dot', ['graph', '-o', 'dot']],
];

describe.each(readdirSync(GOLDEN))('golden %s, in process', (name) => {
  const dir = path.join('test/golden', name);
  it.each(CASES)('prints expected.%s', async (extension, [command, ...format]) => {
    const flags = command === 'plan' ? ['--prune', '--detailed-exitcode'] : [];
    const result = await runInProcess([command, '-f', `${dir}/manifests`, '--live', `${dir}/live.json`, ...flags, ...format]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(command === 'plan' ? 1 : 0);
    expect(result.stdout).toBe(readFileSync(path.join(GOLDEN, name, `expected.${extension}`), 'utf8'));
  });
});
