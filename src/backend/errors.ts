/** RuntimeFailure is a problem outside the manifests (state file, lock, saved plan); the CLI exits 3 on it. */
export class RuntimeFailure extends Error {
  override readonly name: string = 'RuntimeFailure';
}

/** StateFileError: the state file (or a --live snapshot) cannot be read or is not a LiveState document. */
export class StateFileError extends RuntimeFailure {
  override readonly name = 'StateFileError';
}

/** LockTimeoutError: another writer held the state lock for longer than --lock-timeout. */
export class LockTimeoutError extends RuntimeFailure {
  override readonly name = 'LockTimeoutError';
}

/** StalePlanError: a saved plan was made against a live state that has changed since. */
export class StalePlanError extends RuntimeFailure {
  override readonly name = 'StalePlanError';
}

/** SiteUnreachableError: the ConfigMgr backend cannot reach the site (PowerShell or its module missing, no site drive, PowerShell died, output that is not the host's). */
export class SiteUnreachableError extends RuntimeFailure {
  override readonly name = 'SiteUnreachableError';
}

/** ApplyFailedError: ConfigMgr refused the writes of some servers; the others were applied and recorded. */
export class ApplyFailedError extends RuntimeFailure {
  override readonly name = 'ApplyFailedError';

  constructor(
    message: string,
    /** The update's result as if it had not failed (what was planned and what the site did not take): a watcher shows the servers as Failed from it. */
    readonly result?: unknown,
  ) {
    super(message);
  }
}
