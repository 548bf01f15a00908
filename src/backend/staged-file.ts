import { randomBytes } from 'node:crypto';
import { chmod, chown, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { retryWhileBusy } from './busy-retry.js';
import path from 'node:path';
import { processRuns } from './lock.js';

// A staged file is named `<target>.<pid>.<8 hex digits>.staged`, so that what a process
// that no longer runs left behind can be told from what a running one is about to rename.
const SUFFIX = '.staged';
const STAGER = /^(\d+)\.[0-9a-f]{8}\.staged$/;

/**
 * StagedFile is a file's next content, written and flushed to a temporary file beside it, to
 * be renamed over the file later: writeAtomically in two steps, so that the slow part (write
 * and flush) can happen before the moment of the write. As write-file-atomic does, the
 * temporary file takes the mode and owner of the file it will replace, and a symbolic link
 * is followed to the file it points to.
 */
export class StagedFile {
  private constructor(
    private readonly temporary: string,
    private readonly target: string,
  ) {}

  /** prepare writes and flushes `bytes` beside `file`; undefined when it cannot, and the caller then writes the usual way. */
  static async prepare(file: string, bytes: Uint8Array): Promise<StagedFile | undefined> {
    const target = await realpath(file).catch(() => file); // not there yet: created where named
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}${SUFFIX}`;
    try {
      const existing = await stat(target).catch(() => undefined);
      const handle = await open(temporary, 'wx', existing?.mode);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      if (existing) {
        // Only root can give a file away; for anyone else the file is already theirs.
        if (process.getuid?.() === 0) await chown(temporary, existing.uid, existing.gid);
        await chmod(temporary, existing.mode); // open's mode went through the umask
      }
      return new StagedFile(temporary, target);
    } catch {
      await unlink(temporary).catch(() => undefined);
      return undefined;
    }
  }

  /**
   * removeAbandoned removes the staged files beside `file` of processes that no longer run
   * (a watcher killed with SIGKILL while the files settled). Those of running processes stay:
   * they may be about to be renamed.
   */
  static async removeAbandoned(file: string): Promise<void> {
    const target = await realpath(file).catch(() => file);
    const folder = path.dirname(target);
    const prefix = `${path.basename(target)}.`;
    for (const name of await readdir(folder).catch(() => [] as string[])) {
      const pid = name.startsWith(prefix) ? STAGER.exec(name.slice(prefix.length))?.[1] : undefined;
      if (pid && !processRuns(Number(pid))) await unlink(path.join(folder, name)).catch(() => undefined);
    }
  }

  /** commit renames the staged file over its target: a reader sees the old content or the new, never a part. */
  commit(): Promise<void> {
    return retryWhileBusy(() => rename(this.temporary, this.target));
  }

  /** discard removes the staged file. */
  discard(): Promise<void> {
    return unlink(this.temporary).catch(() => undefined);
  }
}
