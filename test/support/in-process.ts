import type { Io } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/run.js';
import { ROOT, TODAY } from './cli.js';

/**
 * runInProcess runs one sitectl command line in this process, from the project's root, as
 * the built CLI would run it: for tests the mutation tests (npm run mutate) must reach, since
 * they change src/ and never dist/. Commands that read standard input or watch do not belong here.
 */
export async function runInProcess(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readStdin: () => Promise.resolve(new Uint8Array()),
    env: { SITECTL_NOW: TODAY, NO_COLOR: '1' }, // as the built CLI's tests run it: support dates pinned
    cwd: ROOT,
    stdoutIsTTY: false,
    onStopSignal: () => {},
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
