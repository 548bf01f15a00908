import { retryWhileBusy } from './busy-retry.js';

/**
 * writeAtomically writes a file through a temporary file renamed over it (write-file-atomic),
 * so a reader sees the old content or the new, never a part. The library is loaded on the
 * first write: runs that only read (diff, get, validate) never pay for it. On Windows a
 * target another process holds open is tried again briefly (retryWhileBusy).
 */
export async function writeAtomically(file: string, data: string | Buffer, options: { fsync?: boolean } = {}): Promise<void> {
  const { default: write } = await import('write-file-atomic');
  await retryWhileBusy(() => write(file, data, options));
}
