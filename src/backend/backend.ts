import type { NewEvent } from '../apply/events.js';
import type { SiteEvent } from '../model/event.js';
import type { LiveState } from '../model/live.js';

/** LiveSnapshot is the live state as read, with the fingerprint of the document it came from. */
export interface LiveSnapshot {
  readonly state: LiveState;
  readonly fingerprint: string;
}

/** LiveStateSource is anything sitectl can read the live state from. */
export interface LiveStateSource {
  /** Where the state comes from, for messages. */
  readonly location: string;
  read(): Promise<LiveSnapshot>;
  /** close lets go of what reading holds open (the ConfigMgr backend's PowerShell process). */
  close?(): Promise<void>;
}

/** NotWritten is a server of a transaction's `next` that a real site did not take: skipped (it changed, or is not there) or failed. */
export interface NotWritten {
  readonly server: string;
  readonly outcome: 'skipped' | 'failed';
  readonly message: string;
}

/** Written is how much of a transaction's `next` a backend that writes server by server (a real site) wrote. */
export interface Written {
  /** The live revision after the write: raised by one when any server was applied. */
  readonly revision: number;
  readonly applied: boolean;
  readonly notWritten: readonly NotWritten[];
}

/** Transaction is what a change under the writer lock returns: the state to write (null for none), events to record, and a result. */
export interface Transaction<T> {
  readonly next: LiveState | null;
  readonly events: readonly NewEvent[];
  readonly result: T;
  /** The result when the backend wrote only part of `next`; without it, `result` stands. */
  readonly settled?: (written: Written) => T;
}

/** StateBackend is a live state that sitectl can also change: one writer at a time, each write whole or not at all. */
export interface StateBackend extends LiveStateSource {
  /** True when the backend "plays the site" and keeps the manifests' sites in its state. */
  readonly keepsSites: boolean;
  /** update runs `change` under the writer lock on a fresh read, then writes what it returns and records its events. */
  update<T>(change: (live: LiveSnapshot) => Transaction<T>): Promise<T>;
  /**
   * stage lets a backend prepare the write of a state that an update will probably return
   * (a watcher plans while it waits for the files to settle); it must not change the live state.
   */
  stage?(next: LiveState): void;
  /** unstage drops what stage prepared, when no update wrote it (a watcher that stops). */
  unstage?(): Promise<void>;
  readEvents(): Promise<SiteEvent[]>;
  /** The newest `limit` events, newest first, read cheaply from the end of the log. */
  recentEvents(limit: number): Promise<SiteEvent[]>;
}
