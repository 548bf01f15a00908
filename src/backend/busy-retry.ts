/**
 * What Windows answers when another process (a reader, an editor, a virus scanner) has open
 * the file that a rename would replace. Elsewhere these mean a real permission problem.
 */
const BUSY = new Set(['EPERM', 'EBUSY', 'EACCES']);

/** RetryOptions: how often and how long to try again, and on which platform (a parameter so tests can take Windows's branch). */
export interface RetryOptions {
  readonly tries?: number;
  readonly delayMs?: number;
  readonly platform?: NodeJS.Platform;
}

/**
 * retryWhileBusy runs a write that ends in a rename, and on Windows runs it again, with a
 * growing pause (50, 100, 200 ms ...), while the target is busy: Windows refuses to replace a
 * file another process has open, which a scanner or a `sitectl get` may do for a moment.
 */
export async function retryWhileBusy<T>(write: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { tries = 6, delayMs = 50, platform = process.platform } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (platform !== 'win32' || !BUSY.has(code) || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (attempt - 1)));
    }
  }
}
