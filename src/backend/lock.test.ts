import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockTimeoutError } from './errors.js';
import { acquireLock, forceUnlock, processRuns, type LockInfo } from './lock.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sitectl-lock-'));
  file = path.join(dir, 'state.json.lock');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** deadPid is the pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;
const holder = (info: Partial<LockInfo>) =>
  JSON.stringify({ id: 'other-id', pid: process.pid, host: hostname(), startedAt: '2026-12-02T10:00:00.000Z', ...info });
const age = (file: string, ms: number) => utimes(file, new Date(Date.now() - ms), new Date(Date.now() - ms));

describe('acquireLock', () => {
  it('writes who holds it: an id, this pid and host, and when', async () => {
    const lock = await acquireLock(file, 100);
    const info = JSON.parse(await readFile(file, 'utf8')) as LockInfo;
    expect(info).toEqual(lock.info);
    expect(info.id).toMatch(/^[0-9a-f-]{36}$/);
    expect([info.pid, info.host]).toEqual([process.pid, hostname()]);
    expect(Date.now() - Date.parse(info.startedAt)).toBeLessThan(60_000);
    await lock.release();
  });

  it('times out on a live holder, naming it and the id that --force-unlock takes', async () => {
    await writeFile(file, holder({}));
    await expect(acquireLock(file, 120)).rejects.toThrow(
      new LockTimeoutError(
        `state is locked by pid ${process.pid} on ${hostname()} since 2026-12-02T10:00:00.000Z (lock file ${file}); waited 120 ms; if that process is gone for good, remove the lock with --force-unlock other-id`,
      ),
    );
  });

  it('waits on a lock it cannot read while it is young, and says so without an id', async () => {
    await writeFile(file, 'not json');
    await expect(acquireLock(file, 100)).rejects.toThrow(
      new LockTimeoutError(`state is locked by an unknown process (lock file ${file}); waited 100 ms`),
    );
    expect(await readFile(file, 'utf8')).toBe('not json');
  });

  it('takes over at once a lock whose holder no longer runs on this host', async () => {
    await writeFile(file, holder({ pid: deadPid() }));
    const lock = await acquireLock(file, 0);
    expect((JSON.parse(await readFile(file, 'utf8')) as LockInfo).id).toBe(lock.info.id);
    await lock.release();
  });

  it('never takes over a lock held from another host, whose processes it cannot see', async () => {
    await writeFile(file, holder({ pid: deadPid(), host: 'elsewhere.contoso.com' }));
    await expect(acquireLock(file, 100)).rejects.toThrow(LockTimeoutError);
  });

  it('removes a breaker left by a process that died breaking a lock, then takes the lock', async () => {
    await writeFile(file, holder({ pid: deadPid() }));
    await writeFile(`${file}.break`, '1');
    await age(`${file}.break`, 60_000);
    const lock = await acquireLock(file, 0);
    await expect(stat(`${file}.break`)).rejects.toThrow();
    await lock.release();
  });

  it('waits while another process is breaking the abandoned lock, whatever its own timeout', async () => {
    // The timeout bounds the wait for a live holder; a breaker holds for milliseconds (or is stale after 10 s).
    await writeFile(file, holder({ pid: deadPid() }));
    await writeFile(`${file}.break`, '1');
    let taken = false;
    const taking = acquireLock(file, 0).then((lock) => ((taken = true), lock));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(taken).toBe(false);
    } finally {
      await rm(`${file}.break`);
      await (await taking).release();
    }
  });

  it('waits for a live holder that lets go within the timeout, then takes the lock', async () => {
    const first = await acquireLock(file, 100);
    let taken = false;
    const second = acquireLock(file, 30_000).then((lock) => ((taken = true), lock));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(taken).toBe(false);
    await first.release();
    const lock = await second;
    expect((JSON.parse(await readFile(file, 'utf8')) as LockInfo).id).toBe(lock.info.id);
    await lock.release();
  });

  it('takes over a lock without a pid once it is older than a moment, like a torn one', async () => {
    await writeFile(file, JSON.stringify({ id: 'no-pid' }));
    await age(file, 60_000);
    const lock = await acquireLock(file, 0);
    expect((JSON.parse(await readFile(file, 'utf8')) as LockInfo).id).toBe(lock.info.id);
    await lock.release();
  });

  it('fails, rather than waiting, when the lock cannot be created or read', async () => {
    await expect(acquireLock(path.join(dir, 'missing', 'state.json.lock'), 30_000)).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(file);
    await expect(acquireLock(file, 30_000)).rejects.toMatchObject({ code: 'EISDIR' });
  });

  it('releases without a fuss a lock that was removed or replaced by one it cannot read', async () => {
    const removed = await acquireLock(file, 100);
    await rm(file);
    await expect(removed.release()).resolves.toBeUndefined();
    const replaced = await acquireLock(file, 100);
    await writeFile(file, 'not json');
    await expect(replaced.release()).resolves.toBeUndefined();
    expect(await readFile(file, 'utf8')).toBe('not json');
  });

  it('releases only its own lock', async () => {
    const lock = await acquireLock(file, 100);
    await writeFile(file, holder({ id: 'newer' }));
    await lock.release();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ id: 'newer' });
  });
});

describe('forceUnlock', () => {
  it('removes the lock with the id given, and nothing else', async () => {
    await writeFile(file, holder({ id: 'abc' }));
    await expect(forceUnlock(file, 'abd')).rejects.toThrow(new LockTimeoutError(`the lock at ${file} is abc, not abd; nothing removed`));
    await forceUnlock(file, 'abc');
    await expect(stat(file)).rejects.toThrow();
    await expect(forceUnlock(file, 'abc')).rejects.toThrow(new LockTimeoutError(`no lock to remove at ${file}`));
    await writeFile(file, '');
    await expect(forceUnlock(file, 'abc')).rejects.toThrow(
      new LockTimeoutError(`the lock at ${file} is unreadable, not abc; nothing removed`),
    );
  });
});

describe('processRuns', () => {
  it('tells a running process from one that ended', () => {
    expect(processRuns(process.pid)).toBe(true);
    expect(processRuns(deadPid())).toBe(false);
  });
});
