import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/cli.js';
import type { Io } from './io.js';
import { runCli } from './run.js';

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

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: () => Promise.resolve(new Uint8Array()),
    env: {},
    cwd: ROOT,
    stdoutIsTTY: false,
    onStopSignal: () => {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe.each(readdirSync(GOLDEN))('golden %s, in process', (name) => {
  const dir = path.join('test/golden', name);
  it.each(CASES)('prints expected.%s', async (extension, [command, ...format]) => {
    const flags = command === 'plan' ? ['--prune', '--detailed-exitcode'] : [];
    const result = await run([command, '-f', `${dir}/manifests`, '--live', `${dir}/live.json`, ...flags, ...format]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(command === 'plan' ? 1 : 0);
    expect(result.stdout).toBe(readFileSync(path.join(GOLDEN, name, `expected.${extension}`), 'utf8'));
  });
});
