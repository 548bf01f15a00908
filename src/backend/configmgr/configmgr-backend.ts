import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { EMPTY_LIVE_STATE, type LiveState } from '../../model/live.js';
import type { SiteEvent } from '../../model/event.js';
import type { LiveSnapshot, NotWritten, StateBackend, Transaction } from '../backend.js';
import { ApplyFailedError, SiteUnreachableError, StateFileError } from '../errors.js';
import { EventLog, readEvents, readRecentEvents } from '../event-log.js';
import { acquireLock } from '../lock.js';
import { decodeLiveState, parseLiveState, serializeLiveState } from '../state-document.js';
import { writeAtomically } from '../write-atomically.js';
import { outcomeOf, siteFingerprint, siteRead, type SiteRead } from './host-answers.js';
import { PowerShellHost, type HostOptions } from './powershell-host.js';
import { settle, siteWrites, type Settled, type WriteOutcome } from './site-writes.js';

/** ConfigMgrOptions: how to reach the site, and where the bookkeeping the site cannot hold is kept. */
export interface ConfigMgrOptions extends HostOptions {
  /** The state file that keeps the bookkeeping (revision, what sitectl last wrote per server) and, beside it, events.jsonl. */
  readonly state: string;
  readonly lockTimeoutMs: number;
  readonly now?: () => Date;
}

/**
 * ConfigMgrBackend is a real site behind PowerShell (SPEC section 3, "The ConfigMgr
 * backend"). Reading asks the site itself, in one bulk read; writing sends the servers of a
 * plan to the site one by one, each checked against what the plan saw, and keeps in the state
 * file only what the site took. One PowerShell process serves every request, and a new one
 * is started when it has died.
 */
export class ConfigMgrBackend implements StateBackend {
  readonly keepsSites = false;
  readonly location: string;
  private host: Promise<PowerShellHost> | undefined;
  /** The host once it has started, to tell without waiting whether it still runs. */
  private started: PowerShellHost | undefined;
  private readonly events: EventLog;

  constructor(private readonly options: ConfigMgrOptions) {
    this.location = `ConfigMgr site ${options.siteCode} (bookkeeping in ${options.state})`;
    this.events = new EventLog(path.join(path.dirname(options.state), 'events.jsonl'));
  }

  /** read is the site as it is now, with sitectl's revision and bookkeeping; the fingerprint is the site's alone. */
  async read(): Promise<LiveSnapshot> {
    const [site, book] = await Promise.all([this.readSite(), this.readBookkeeping()]);
    return {
      state: { ...site, revision: book.revision, ...(book.managed ? { managed: book.managed } : {}) },
      fingerprint: siteFingerprint(site),
    };
  }

  /**
   * update decides on a fresh read under the bookkeeping lock, writes what it decided server
   * by server, and records the servers the site took. A failed server fails the update
   * (ApplyFailedError) after the others are recorded.
   */
  async update<T>(change: (live: LiveSnapshot) => Transaction<T>): Promise<T> {
    await mkdir(path.dirname(this.options.state), { recursive: true });
    const lock = await acquireLock(`${this.options.state}.lock`, this.options.lockTimeoutMs);
    try {
      const live = await this.read();
      const transaction = change(live);
      if (!transaction.next) {
        await this.record(transaction.events);
        return transaction.result;
      }
      // 1. Write server by server; a host that dies leaves the outcomes it reported.
      const { writes, ended } = siteWrites(live.state, transaction.next);
      const outcomes: WriteOutcome[] = [...ended];
      let interrupted: unknown;
      if (writes.length > 0) {
        try {
          const host = await this.connect();
          await host.request('apply', { changes: writes }, (message) => outcomes.push(outcomeOf(message)));
        } catch (error) {
          interrupted = error;
        }
      }
      // 2. Keep exactly what the site took.
      const settled = settle(live.state, transaction.next, transaction.events, outcomes);
      if (settled.bookkeeping) await this.writeBookkeeping(settled.bookkeeping);
      await this.record(settled.events);
      const revision = settled.bookkeeping?.revision ?? live.state.revision;
      if (interrupted)
        throw new SiteUnreachableError(
          `${message(interrupted)} (${settled.applied} of ${writes.length} servers were written and recorded; revision ${revision})`,
        );
      // 3. Say what the site did not take.
      const notWritten = outcomes.filter((o): o is NotWritten => o.outcome !== 'applied');
      const written = { revision, applied: settled.applied > 0, notWritten };
      const result = notWritten.length > 0 && transaction.settled ? transaction.settled(written) : transaction.result;
      const failed = notWritten.filter((o) => o.outcome === 'failed');
      if (failed.length > 0) {
        const list = failed.map((o) => `${o.server}: ${o.message}`).join('; ');
        throw new ApplyFailedError(
          `${failed.length} of ${writes.length + ended.length} servers failed (${list}); ${settled.applied} applied (revision ${revision})`,
          result,
        );
      }
      return result;
    } finally {
      await lock.release();
    }
  }

  readEvents(): Promise<SiteEvent[]> {
    return readEvents(this.events.path);
  }

  recentEvents(limit: number): Promise<SiteEvent[]> {
    return readRecentEvents(this.events.path, limit);
  }

  /** close ends the PowerShell process, if one runs. */
  async close(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    this.started = undefined;
    await (await host?.catch(() => undefined))?.close();
  }

  /**
   * connect is the PowerShell host, started on first use and again after it died or could not
   * start. It decides without waiting, so that requests made together share one host.
   */
  private connect(): Promise<PowerShellHost> {
    if (this.started && !this.started.alive) {
      this.host = undefined;
      this.started = undefined;
    }
    this.host ??= PowerShellHost.start(this.options).then(
      (host) => (this.started = host),
      (error: unknown) => {
        this.host = undefined;
        throw error;
      },
    );
    return this.host;
  }

  private async readSite(): Promise<SiteRead> {
    const host = await this.connect();
    const answer = await host.request('read');
    return siteRead(answer);
  }

  private async readBookkeeping(): Promise<LiveState> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.options.state);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_LIVE_STATE;
      throw new StateFileError(`${this.options.state}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    return parseLiveState(decodeLiveState(bytes), this.options.state);
  }

  /** writeBookkeeping replaces the revision and records in the state file, keeping whatever else it holds. */
  private async writeBookkeeping(bookkeeping: NonNullable<Settled['bookkeeping']>): Promise<void> {
    const book = await this.readBookkeeping();
    const next: LiveState = { ...book, revision: bookkeeping.revision, managed: { ...book.managed, servers: bookkeeping.servers } };
    await writeAtomically(this.options.state, serializeLiveState(next), { fsync: true });
  }

  private record(events: Parameters<EventLog['record']>[0]): Promise<void> {
    return this.events.record(events, (this.options.now?.() ?? new Date()).toISOString());
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
