/** Io is the CLI's whole contact with its process: streams, environment and working folder, so commands can run in tests too. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<Uint8Array>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stdout is a terminal (colour is used only then). */
  readonly stdoutIsTTY: boolean;
  /** Registers what to do on SIGINT/SIGTERM (watch stops cleanly). */
  readonly onStopSignal: (stop: () => void) => void;
}

/** ExitCode is SPEC section 4's closed set: 0 ok, 1 changes pending, 2 invalid input, 3 runtime failure. */
export type ExitCode = 0 | 1 | 2 | 3;

/** UsageError is a mistake in the command line itself; it exits 2 with its message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
