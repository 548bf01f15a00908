import type { Server } from 'node:http';
import { startHealthServer } from '../../reconcile/health.js';
import type { PassRecord, WatchMode } from '../../reconcile/watch-pass.js';
import { Watcher } from '../../reconcile/watcher.js';
import { STDIN } from '../../sources/read-sources.js';
import { parseDuration } from '../duration.js';
import { passOptions, writableState, type ManifestFlags, type StateFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { createLogger, type LogFlags } from '../log.js';

/** WatchFlags are `sitectl watch`'s options. */
export interface WatchFlags extends ManifestFlags, StateFlags, LogFlags {
  readonly interval: string;
  readonly debounce: string;
  readonly mode: WatchMode;
  readonly healthAddr?: string;
}

/** WatchSignals lets the caller say when to stop (SIGINT/SIGTERM in the real process). */
export type WatchSignals = (stop: () => void) => void;

/**
 * runWatch reconciles on start, on every manifest change and every interval until told to
 * stop; then it lets the pass in flight finish, releases the lock and exits 0.
 */
export async function runWatch(flags: WatchFlags, io: Io, onSignal: WatchSignals): Promise<ExitCode> {
  const paths = flags.filename ?? [];
  if (paths.length === 0) throw new UsageError('watch needs at least one -f PATH (a folder of manifests)');
  if (paths.includes(STDIN)) throw new UsageError('watch reads folders and files, not standard input');
  if (flags.live) throw new UsageError('watch writes to the live state; --live snapshots are read-only');
  const intervalMs = parseDuration(flags.interval, '--interval');
  const debounceMs = parseDuration(flags.debounce, '--debounce');
  const log = createLogger(flags, io, 'watch');
  const backend = await writableState(flags, io);
  passOptions(flags, io); // fail fast on a bad SITECTL_NOW before watching

  const watcher = new Watcher({
    paths,
    cwd: io.cwd,
    backend,
    mode: flags.mode,
    intervalMs,
    debounceMs,
    // Re-read per pass: a watcher that runs for months must see today's date.
    options: () => passOptions(flags, io),
    log,
    onPass: (record) => printPass(record, io),
  });
  let health: Server | undefined;
  if (flags.healthAddr) {
    const started = await startHealthServer(flags.healthAddr, () => watcher.status());
    health = started.server;
    log.info({ url: started.url }, 'health endpoints listening');
  }
  const stopped = new Promise<void>((resolve) => onSignal(() => resolve()));
  await watcher.start();
  log.info({ paths, state: backend.location, mode: flags.mode, intervalMs, debounceMs }, 'watching');
  await stopped;
  log.info('stopping: finishing the pass in flight');
  await watcher.stop();
  await backend.close?.();
  await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
  return 0;
}

function printPass(record: PassRecord, io: Io): void {
  if (record.outcome === 'skipped') return;
  const s = record.summary;
  const tally = s ? `: ${s.create} to create, ${s.update} to update, ${s.prune} to prune, ${s.hold} held, ${s.errors} errors, ${s.warnings} warnings` : '';
  const revision = record.revision !== undefined && record.revision !== null ? ` (revision ${record.revision})` : '';
  const error = record.error ? `: ${record.error}` : '';
  io.stdout(`pass ${record.id} ${record.trigger} ${record.outcome}${revision}${tally}${error} [${record.durationMs} ms]\n`);
}
