import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT, TODAY } from './cli.js';

/** Running is a sitectl process under test, with its output so far. */
export interface Running {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the first match of `pattern` in the stream, waiting for more output as needed. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/** startSitectl spawns the built CLI and keeps running; the test stops it. */
export function startSitectl(args: readonly string[], cwd = ROOT, env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/sitectl.js'), ...args], {
    cwd,
    env: { ...process.env, SITECTL_NOW: TODAY, NO_COLOR: '1', ...env },
  });
  const running: Running = {
    child,
    stdout: '',
    stderr: '',
    waitFor(pattern, stream = 'stdout', timeoutMs = 45_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = running[stream].match(pattern);
          if (!match) return false;
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          resolve(match);
          return true;
        };
        const timer = setTimeout(() => {
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          reject(new Error(`timed out waiting for ${pattern} in ${stream}:\n${running[stream]}\n--- stderr:\n${running.stderr}`));
        }, timeoutMs);
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        setImmediate(check);
      });
    },
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout.on('data', (chunk: Buffer) => (running.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (running.stderr += chunk.toString()));
  return running;
}

/**
 * eventually polls `check` until it returns a value (or a promise of one), for conditions on
 * files another process writes. A check that throws or rejects, as on a file read half-written,
 * counts as not yet.
 */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await new Promise<T | undefined>((resolve) => resolve(check())).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
