import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';
import { ROOT } from './cli.js';

/**
 * POWERSHELL is the PowerShell the tests run scripts with: SITECTL_TEST_POWERSHELL, else the
 * one `.ci/run` installs into `.tools/pwsh`, else `pwsh` on the PATH; undefined when there is none.
 */
export const POWERSHELL = findPowerShell();

function findPowerShell(): string | undefined {
  const exe = process.platform === 'win32' ? 'pwsh.exe' : 'pwsh';
  const candidates = [
    process.env['SITECTL_TEST_POWERSHELL'],
    path.join(ROOT, '.tools/pwsh', exe),
    ...pathEntries().map((dir) => path.join(dir, exe)),
  ];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
}

function pathEntries(): string[] {
  return (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
}

/** MISSING_POWERSHELL says why the PowerShell tests are skipped; test/support/powershell-setup.ts prints it once per run. */
export const MISSING_POWERSHELL =
  'no pwsh found (install it with `dotnet tool install PowerShell --version 7.6.9 --tool-path .tools/pwsh`, or set SITECTL_TEST_POWERSHELL)';

/**
 * describeWithPowerShell is `describe` when PowerShell is here and `describe.skip` when it is
 * not. With SITECTL_REQUIRE_POWERSHELL=1, as CI sets, a missing PowerShell fails the run instead.
 */
export function describeWithPowerShell(name: string, body: () => void): void {
  if (!POWERSHELL && process.env['SITECTL_REQUIRE_POWERSHELL'] === '1')
    throw new Error(`SITECTL_REQUIRE_POWERSHELL=1 but ${MISSING_POWERSHELL}`);
  describe.skipIf(!POWERSHELL)(name, body);
}

export interface PowerShellResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** PowerShellRun: the folder to run in and the environment variables to add. */
export interface PowerShellRun {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** runScript runs a script file with arguments in a fresh PowerShell process, as a user runs `.\script.ps1 -Param value`. */
export function runScript(script: string, args: readonly string[] = [], options: PowerShellRun = {}): Promise<PowerShellResult> {
  return runPowerShell(['-File', script, ...args], options);
}

/** runCommand runs PowerShell code in a fresh process; test code only, never a manifest value. */
export function runCommand(command: string, options: PowerShellRun = {}): Promise<PowerShellResult> {
  return runPowerShell(['-Command', command], options);
}

function runPowerShell(args: readonly string[], options: PowerShellRun): Promise<PowerShellResult> {
  if (!POWERSHELL) throw new Error(MISSING_POWERSHELL);
  const env = { ...process.env, NO_COLOR: '1', POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', ...options.env };
  return new Promise((resolve, reject) => {
    execFile(
      POWERSHELL,
      ['-NoLogo', '-NoProfile', '-NonInteractive', ...args],
      { cwd: options.cwd ?? ROOT, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        // No exit code (not started, killed, too much output): node's own error, an Error though its declared type does not say so.
        if (error && typeof error.code !== 'number')
          return reject(error instanceof Error ? error : new Error(error.message, { cause: error }));
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}
