import type { Server } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../../model/diagnostic.js';
import { parseHealthAddress, startHealthServer } from '../../reconcile/health.js';
import type { PassRecord, WatchMode } from '../../reconcile/watch-pass.js';
import { Watcher } from '../../reconcile/watcher.js';
import { WatchMetrics } from '../../reconcile/metrics.js';
import { STDIN } from '../../sources/read-sources.js';
import { parseDuration } from '../duration.js';
import { passOptions, writableState, type ManifestFlags, type StateFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { createLogger, type LogFlags } from '../log.js';
import { palette } from '../color.js';
import { plural, renderDiagnostics } from '../render/diagnostics-text.js';

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
  // Everything a watcher can be told wrong is refused before it starts, not after a pass.
  const missing = paths.filter((p) => !existsSync(path.resolve(io.cwd, p)));
  if (missing.length > 0) throw new UsageError(`watch -f ${missing.join(', ')}: no such file or folder`);
  const intervalMs = parseDuration(flags.interval, '--interval');
  if (intervalMs < 1000) throw new UsageError(`--interval ${flags.interval} is too short: a resync reads the whole site; give 1s or more`);
  const debounceMs = parseDuration(flags.debounce, '--debounce');
  if (flags.healthAddr !== undefined && !parseHealthAddress(flags.healthAddr)) {
    throw new UsageError(`--health-addr takes HOST:PORT, e.g. 127.0.0.1:9090 (got ${flags.healthAddr})`);
  }
  const log = createLogger(flags, io, 'watch');
  const backend = await writableState(flags, io);
  passOptions(flags, io); // fail fast on a bad SITECTL_NOW before watching

  let printed: ReadonlySet<string> = new Set();
  // Metrics are kept only when something can read them.
  const metrics = flags.healthAddr ? new WatchMetrics() : undefined;
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
    metrics,
    onPass: (record, diagnostics) => {
      printed = printNew(diagnostics, printed, io);
      printPass(record, io);
    },
  });
  let health: Server | undefined;
  if (flags.healthAddr) {
    const started = await startHealthServer(flags.healthAddr, {
      status: () => watcher.status(),
      events: (limit) => backend.recentEvents(limit),
      metrics,
      log,
    });
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
  const tally = s
    ? `: ${s.create} to create, ${s.update} to update, ${s.prune} to prune, ${s.hold} held, ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`
    : '';
  const revision = record.revision !== undefined && record.revision !== null ? ` (revision ${record.revision})` : '';
  const error = record.error ? `: ${record.error}` : '';
  io.stdout(`pass ${record.id} ${record.trigger} ${record.outcome}${revision}${tally}${error} [${record.durationMs} ms]\n`);
}

/**
 * printNew writes on stderr the diagnostics of a pass that the pass before did not have, so
 * that a watcher says once why an edit was refused or what it warns about, not every interval.
 * It gives back what this pass found, for the next to compare with.
 */
function printNew(diagnostics: readonly Diagnostic[], before: ReadonlySet<string>, io: Io): ReadonlySet<string> {
  const now = new Set<string>();
  const fresh = diagnostics.filter((d) => {
    const key = JSON.stringify([d.code, d.source, d.message]);
    now.add(key);
    return !before.has(key);
  });
  if (fresh.length > 0) io.stderr(renderDiagnostics(fresh, palette(false)));
  return now;
}
