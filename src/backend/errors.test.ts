import { describe, expect, it } from 'vitest';
import { ApplyFailedError, LockTimeoutError, RuntimeFailure, SiteUnreachableError, StalePlanError, StateFileError } from './errors.js';

describe('runtime failures', () => {
  it.each([
    ['StateFileError', () => new StateFileError('m')],
    ['LockTimeoutError', () => new LockTimeoutError('m')],
    ['StalePlanError', () => new StalePlanError('m')],
    ['SiteUnreachableError', () => new SiteUnreachableError('m')],
    ['ApplyFailedError', () => new ApplyFailedError('m', { applied: 1 })],
    ['RuntimeFailure', () => new RuntimeFailure('m')],
  ])('%s says what kind it is where it is printed, and is a runtime failure (exit 3)', (kind, make) => {
    const error = make(); // made in the test, not when the cases are listed
    expect(String(error)).toBe(`${kind}: m`);
    expect(error).toBeInstanceOf(RuntimeFailure);
  });

  it('an apply that failed keeps the result it would have had, for the watcher to show', () => {
    expect(new ApplyFailedError('m', { applied: 1 }).result).toEqual({ applied: 1 });
  });
});
