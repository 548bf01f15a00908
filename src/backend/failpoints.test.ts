import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The failpoints as a test sets them (test/failpoints.test.ts crashes the built CLI at each).
// SITECTL_FAILPOINTS is read once per process, so each case loads the module afresh.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-failpoints-'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

async function withFailpoints(spec: string | undefined) {
  if (spec === undefined) vi.stubEnv('SITECTL_FAILPOINTS', undefined);
  else vi.stubEnv('SITECTL_FAILPOINTS', spec);
  vi.resetModules();
  return (await import('./failpoints.js')).failpoint;
}

describe('failpoints', () => {
  it('do nothing when unset, or at a point not named', async () => {
    const unset = await withFailpoints(undefined);
    await expect(unset('state.read')).resolves.toBeUndefined();
    const other = await withFailpoints(`state.renamed=touch(${dir}/renamed)`);
    await other('state.read');
    expect(existsSync(`${dir}/renamed`)).toBe(false);
  });

  it('run their actions in order: touch names the point, wait holds until the file exists, sleep waits at least as long', async () => {
    const failpoint = await withFailpoints(` lock.acquired = touch(${dir}/held)->wait(${dir}/go)->sleep(30)->touch(${dir}/done) ; `);
    let ended = false;
    const running = failpoint('lock.acquired').then(() => (ended = true));
    await vi.waitFor(() => expect(existsSync(`${dir}/held`)).toBe(true));
    expect(readFileSync(`${dir}/held`, 'utf8')).toBe('lock.acquired');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(false); // still waiting for go
    const go = Date.now();
    writeFileSync(`${dir}/go`, '');
    await running;
    expect(Date.now() - go).toBeGreaterThanOrEqual(30);
    expect(existsSync(`${dir}/done`)).toBe(true);
  });

  it('crash with SIGKILL, so that nothing after the point runs, not even cleanup', async () => {
    // The process cannot be killed under the test runner; test/failpoints.test.ts crashes the
    // built CLI at each point. Here the signal itself is held.
    const failpoint = await withFailpoints(`state.read = touch(${dir}/before) -> crash`);
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      await failpoint('state.read');
      expect(kill.mock.calls).toEqual([[process.pid, 'SIGKILL']]);
      expect(existsSync(`${dir}/before`)).toBe(true);
    } finally {
      kill.mockRestore();
    }
  });

  it('set several points apart', async () => {
    const failpoint = await withFailpoints(`state.read=touch(${dir}/read);state.temp-written=touch(${dir}/temp)`);
    await failpoint('state.temp-written');
    expect([existsSync(`${dir}/read`), readFileSync(`${dir}/temp`, 'utf8')]).toEqual([false, 'state.temp-written']);
  });

  it.each([
    [
      'state.reed=crash',
      'SITECTL_FAILPOINTS: state.reed=crash is not NAME=ACTION with NAME one of lock.acquired, state.read, state.temp-written, state.renamed',
    ],
    [
      'state.read',
      'SITECTL_FAILPOINTS: state.read is not NAME=ACTION with NAME one of lock.acquired, state.read, state.temp-written, state.renamed',
    ],
    [
      'state.read=',
      'SITECTL_FAILPOINTS: state.read= is not NAME=ACTION with NAME one of lock.acquired, state.read, state.temp-written, state.renamed',
    ],
    [
      'state.read=sleep(soon)',
      'SITECTL_FAILPOINTS: state.read=sleep(soon): sleep(soon) is not crash, sleep(MS), touch(FILE) or wait(FILE)',
    ],
    ['state.read=crash->halt', 'SITECTL_FAILPOINTS: state.read=crash->halt: halt is not crash, sleep(MS), touch(FILE) or wait(FILE)'],
    ['state.read=touch()', 'SITECTL_FAILPOINTS: state.read=touch(): touch() is not crash, sleep(MS), touch(FILE) or wait(FILE)'],
    ...['xsleep(5)', 'sleep(5)x', 'sleep(5x)', 'sleep(x5)', 'crash()'].map((action) => [
      `state.read=${action}`,
      `SITECTL_FAILPOINTS: state.read=${action}: ${action} is not crash, sleep(MS), touch(FILE) or wait(FILE)`,
    ]),
  ])('refuse %s, so that no test runs without the point it meant to set', async (spec, message) => {
    const failpoint = await withFailpoints(spec);
    await expect(failpoint('lock.acquired')).rejects.toThrow(message);
  });
});
