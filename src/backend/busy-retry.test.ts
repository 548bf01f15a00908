import { describe, expect, it } from 'vitest';
import { retryWhileBusy } from './busy-retry.js';

/** failing is a write that fails with `code` the first `times` calls, then succeeds; it counts its calls. */
function failing(code: string, times: number) {
  const write = () => {
    write.calls++;
    if (write.calls <= times) return Promise.reject(Object.assign(new Error(`${code}: rename`), { code }));
    return Promise.resolve('written');
  };
  write.calls = 0;
  return write;
}

describe('retryWhileBusy', () => {
  it.each(['EPERM', 'EBUSY', 'EACCES'])('on Windows, tries again while the target is busy (%s)', async (code) => {
    const write = failing(code, 2);
    await expect(retryWhileBusy(write, { platform: 'win32', delayMs: 1 })).resolves.toBe('written');
    expect(write.calls).toBe(3);
  });

  it('on Windows, gives up after the last try with the error it got', async () => {
    const write = failing('EBUSY', 10);
    await expect(retryWhileBusy(write, { platform: 'win32', delayMs: 1, tries: 4 })).rejects.toThrow('EBUSY: rename');
    expect(write.calls).toBe(4);
  });

  it('elsewhere, and for any other error, fails at once', async () => {
    const posix = failing('EPERM', 1);
    await expect(retryWhileBusy(posix, { platform: 'linux', delayMs: 1 })).rejects.toThrow('EPERM');
    expect(posix.calls).toBe(1);
    const other = failing('ENOSPC', 1);
    await expect(retryWhileBusy(other, { platform: 'win32', delayMs: 1 })).rejects.toThrow('ENOSPC');
    expect(other.calls).toBe(1);
  });
});
