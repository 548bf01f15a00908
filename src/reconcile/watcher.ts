import path from 'node:path';
import type { Logger } from 'pino';
import type { FSWatcher } from 'chokidar';
import type { StateBackend } from '../backend/backend.js';
import { watchManifests } from './file-events.js';
import type { PassOptions } from './pass.js';
import { Settling } from './settling.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { newWatchMemory, watchPass, type PassRecord, type Trigger, type WatchMemory, type WatchMode } from './watch-pass.js';
import type { WatchMetrics } from './metrics.js';
import { NOTHING_COUNTED, type PassOutcomeCounts } from './pass-outcome.js';
import { syncCounts, syncStates, type ServerSync, type SyncInput, type SyncState } from '../plan/sync-state.js';

/** WatcherOptions configure a watcher: what to watch, where to apply, and how often. */
export interface WatcherOptions {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly backend: StateBackend;
  readonly mode: WatchMode;
  readonly intervalMs: number;
  readonly debounceMs: number;
  readonly options: () => PassOptions;
  readonly log: Logger;
  /** Counts passes and servers for /metrics, when the health server is on. */
  readonly metrics?: WatchMetrics;
  /** Called after every pass but those that were skipped or superseded, with the diagnostics it found, e.g. to print them. */
  readonly onPass?: (record: PassRecord, diagnostics: readonly Diagnostic[]) => void;
}

/**
 * SyncView is every server's sync state as the watcher last knew it: counted at once, listed
 * only when asked (the status page), so a pass at 20,000 servers pays for the list only when
 * someone looks.
 */
export interface SyncView {
  readonly counts: Readonly<Record<SyncState, number>>;
  /** When it was worked out: after a pass, or once a pass planned and before it wrote (Pending). */
  readonly at: string;
  /** Every server's sync state, worked out on the first call and kept. */
  servers(): readonly ServerSync[];
}

/** WatchStatus is what the health endpoints report. */
export interface WatchStatus {
  readonly passes: number;
  readonly running: boolean;
  readonly failures: number;
  readonly last: PassRecord | null;
  readonly lastSuccess: PassRecord | null;
  /** Every server's sync state; null until a pass has read the live state. */
  readonly sync: SyncView | null;
}

/**
 * Watcher keeps a site in line with a folder: a pass at start, after manifest changes and
 * every interval (with jitter). Passes never overlap: a trigger during a pass runs one more
 * pass after it. A failed pass (state locked or unreadable) is retried with backoff.
 *
 * Changes are debounced at the write, not at the start: a pass begins at the first change and
 * plans while the files settle, but writes only once they have been quiet for the debounce
 * window and still hold what it planned from. If they do not, it writes nothing and another
 * pass starts over, so a burst of edits (a git pull) still applies once, and a single edit is
 * applied about one window after it, not one window plus a whole pass. When the files have
 * settled is Settling's to say (it gives up on files that change for a whole interval).
 */
export class Watcher {
  private readonly memory: WatchMemory = newWatchMemory();
  private files: FSWatcher | undefined;
  private running: Promise<void> | null = null;
  private pending: Trigger | null = null;
  private readonly settling: Settling;
  private next: NodeJS.Timeout | undefined;
  private stopped = false;
  private passes = 0;
  private failures = 0;
  private last: PassRecord | null = null;
  private lastSuccess: PassRecord | null = null;
  /** The sync states shown: those after the last pass that acted, or a preview of the pass in flight's plan. */
  private sync: SyncView | null = null;
  /** The sync states after the last pass that acted, which a preview is dropped back to when its pass does not write. */
  private settledSync: SyncView | null = null;

  constructor(private readonly config: WatcherOptions) {
    // Files that keep changing are given up on after an interval: interval passes must go on.
    this.settling = new Settling(config.debounceMs, config.intervalMs);
  }

  /** start runs the first pass and begins watching. */
  async start(): Promise<void> {
    this.files = await watchManifests(
      this.config.paths.map((p) => path.resolve(this.config.cwd, p)),
      () => this.changed(),
      (error) => this.config.log.error({ err: error }, 'watching the manifests failed'),
    );
    this.request('start');
  }

  /** stop stops watching, lets the pass in flight finish without waiting for the files to settle (so it writes what it planned and releases its lock), and resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.settling.stop();
    clearTimeout(this.next);
    await this.files?.close();
    await this.running;
    await this.config.backend.unstage?.();
  }

  status(): WatchStatus {
    return {
      passes: this.passes,
      running: this.running !== null,
      failures: this.failures,
      last: this.last,
      lastSuccess: this.lastSuccess,
      sync: this.sync,
    };
  }

  private changed(): void {
    this.settling.changed();
    this.request('change');
  }

  private request(trigger: Trigger): void {
    if (this.stopped) return;
    if (this.running) {
      // One more pass after this one is enough, whatever piled up meanwhile; a change outranks a timer.
      this.pending = this.pending === 'change' ? 'change' : trigger;
      return;
    }
    this.running = this.run(trigger).finally(() => {
      this.running = null;
      const again = this.pending;
      this.pending = null;
      if (again) this.request(again);
    });
  }

  private async run(trigger: Trigger): Promise<void> {
    const id = ++this.passes;
    const started = Date.now();
    const log = this.config.log.child({ pass: id, trigger });
    log.debug('pass started');
    const mark = this.settling.mark();
    let record: PassRecord;
    let diagnostics: readonly Diagnostic[] = [];
    let counts: PassOutcomeCounts | undefined;
    try {
      const settled = () => this.settling.settled();
      const { changed, unchanged } = this.settling.changesSince(mark);
      const planned = (input: SyncInput) => this.showSync(input, 'preview');
      const {
        diagnostics: found,
        sync,
        counts: written,
        ...result
      } = await watchPass(trigger, this.memory, {
        ...this.config,
        options: this.config.options(),
        settled,
        changed,
        unchanged,
        planned,
      });
      diagnostics = found ?? [];
      counts = written;
      if (sync) this.showSync(sync, 'settled');
      record = { id, trigger, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, ...result };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      record = {
        id,
        trigger,
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        outcome: 'failed',
        error: message,
      };
    }
    // A superseded pass planned from files that have changed since: start over on what they hold
    // now. Any other pass acted on settled files, unless they changed again while it ran.
    if (record.outcome === 'superseded') this.pending = 'change';
    else this.settling.acted(mark);
    // A preview of a plan this pass did not write (it started over, found nothing new, or failed
    // before writing) is dropped: the page shows where the servers stand, not what was planned.
    if (this.sync !== this.settledSync) this.showView(this.settledSync);
    if (record.outcome === 'skipped' || record.outcome === 'superseded') {
      // It did nothing: the last pass that did stays the one /status reports, and its retry or interval stands.
      log.debug({ durationMs: record.durationMs, outcome: record.outcome }, 'pass finished without acting');
      return;
    }
    if (record.outcome === 'failed') {
      this.failures++;
      const backoff = Math.min(1000 * 2 ** (this.failures - 1), this.config.intervalMs);
      log.error({ err: record.error, retryInMs: backoff, failures: this.failures }, 'pass failed; will retry');
      this.schedule('retry', backoff);
    } else {
      this.failures = 0;
      this.schedule('interval', jitter(this.config.intervalMs));
      if (record.outcome !== 'invalid') this.lastSuccess = record;
    }
    this.last = record;
    log.info({ durationMs: record.durationMs, outcome: record.outcome, revision: record.revision, ...record.summary }, 'pass finished');
    this.config.metrics?.passEnded(record, counts ?? NOTHING_COUNTED, Date.now());
    this.config.onPass?.(record, diagnostics);
  }

  private showSync(input: SyncInput, kind: 'preview' | 'settled'): void {
    let listed: readonly ServerSync[] | undefined;
    const view: SyncView = { counts: syncCounts(input), at: new Date().toISOString(), servers: () => (listed ??= syncStates(input)) };
    if (kind === 'settled') this.settledSync = view;
    this.showView(view);
  }

  private showView(view: SyncView | null): void {
    this.sync = view;
    if (view) this.config.metrics?.syncChanged(view);
  }

  private schedule(trigger: Trigger, delayMs: number): void {
    clearTimeout(this.next);
    if (!this.stopped) this.next = setTimeout(() => this.request(trigger), delayMs);
  }
}

/** jitter spreads interval passes by ±10%, so many watchers do not hit one site at the same moment. */
function jitter(ms: number): number {
  return Math.round(ms * (0.9 + Math.random() * 0.2));
}
