import { randomBytes } from 'node:crypto';
import { chmod, chown, open, realpath, rename, stat, unlink } from 'node:fs/promises';

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
    const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.staged`;
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

  /** commit renames the staged file over its target: a reader sees the old content or the new, never a part. */
  commit(): Promise<void> {
    return rename(this.temporary, this.target);
  }

  /** discard removes the staged file. */
  discard(): Promise<void> {
    return unlink(this.temporary).catch(() => undefined);
  }
}
