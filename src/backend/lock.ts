import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockTimeoutError } from './errors.js';

/** LockInfo is what a lock file says about its holder. */
export interface LockInfo {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}

/** Lock is a held writer lock; release it when done. */
export interface Lock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

const POLL_MS = 50;
/** A lock file without readable content (its writer died between create and write) counts as abandoned after this long. */
const TORN_LOCK_MS = 2_000;
/** The breaker is held for milliseconds; one older than this was left by a process that died holding it. */
const STALE_BREAKER_MS = 10_000;

/**
 * acquireLock takes the writer lock at `path` (created exclusively, holding pid, host and
 * start time), waiting up to `timeoutMs` while another process holds it. A lock whose holder
 * no longer runs on this host is taken over at once.
 */
export async function acquireLock(path: string, timeoutMs: number): Promise<Lock> {
  const info: LockInfo = { id: randomUUID(), pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await tryCreate(path, JSON.stringify(info))) return { info, release: () => release(path, info.id) };
    const held = await readLock(path);
    if (!held) continue; // released between our attempt and our look
    if (isAbandoned(held)) {
      await breakLock(path, held.raw);
      continue;
    }
    if (Date.now() >= deadline) {
      const id = held.info ? `; if that process is gone for good, remove the lock with --force-unlock ${held.info.id}` : '';
      throw new LockTimeoutError(`state is locked by ${describeHolder(held.info)} (lock file ${path}); waited ${timeoutMs} ms${id}`);
    }
    await sleep(POLL_MS);
  }
}

async function tryCreate(path: string, content: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

interface HeldLock {
  readonly raw: string;
  readonly info: LockInfo | null;
  readonly ageMs: number;
}

async function readLock(path: string): Promise<HeldLock | undefined> {
  try {
    const [raw, stats] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let info: LockInfo | null = null;
    try {
      info = JSON.parse(raw) as LockInfo;
    } catch {
      info = null;
    }
    return { raw, info, ageMs: Date.now() - stats.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isAbandoned(held: HeldLock): boolean {
  if (!held.info || typeof held.info.pid !== 'number') return held.ageMs > TORN_LOCK_MS;
  return held.info.host === hostname() && !processRuns(held.info.pid);
}

/** processRuns tells whether a process with this pid exists on this host. */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * breakLock removes an abandoned lock. Breakers are serialized by a second, short-lived lock,
 * and the lock is removed only if it still holds the abandoned content, so a fresh lock taken
 * meanwhile by another process is never removed.
 */
async function breakLock(path: string, abandoned: string): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker, String(process.pid)))) {
    const stuck = await readLock(breaker);
    if (stuck && stuck.ageMs > STALE_BREAKER_MS) await unlink(breaker).catch(() => undefined);
    await sleep(POLL_MS);
    return;
  }
  try {
    const current = await readLock(path);
    if (current && current.raw === abandoned) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

async function release(path: string, id: string): Promise<void> {
  const held = await readLock(path);
  if (held?.info?.id === id) await unlink(path).catch(() => undefined);
}

function describeHolder(info: LockInfo | null): string {
  if (!info) return 'an unknown process';
  return `pid ${info.pid} on ${info.host} since ${info.startedAt}`;
}

/**
 * forceUnlock removes the lock at `path` only if its id is `id`: a deliberate act that names
 * the lock it breaks, for a holder on another host that will never come back.
 */
export async function forceUnlock(path: string, id: string): Promise<void> {
  const held = await readLock(path);
  if (!held) throw new LockTimeoutError(`no lock to remove at ${path}`);
  if (held.info?.id !== id)
    throw new LockTimeoutError(`the lock at ${path} is ${held.info?.id ?? 'unreadable'}, not ${id}; nothing removed`);
  await unlink(path);
}
