import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { UsageError, type ExitCode, type Io } from './io.js';

/**
 * runCli runs one sitectl command line and returns its exit code. Usage mistakes exit 2 with
 * a one-line message; anything unexpected exits 3 with its message, never a stack trace
 * (set SITECTL_DEBUG=1 to see one).
 */
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and --version exit 0, every usage mistake 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.stderr(`sitectl: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`sitectl: ${message}\n`);
    if (io.env.SITECTL_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 3;
  }
}
