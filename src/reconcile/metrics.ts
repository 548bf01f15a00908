import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SYNC_STATES } from '../plan/sync-state.js';
import type { PassOutcomeCounts } from './pass-outcome.js';
import type { PassRecord } from './watch-pass.js';
import type { SyncView } from './watcher.js';

/**
 * WatchMetrics are a watcher's Prometheus metrics, served at /metrics: how passes go, where
 * the servers stand, what was written. Names follow Prometheus conventions: the sitectl_
 * prefix, base units (seconds), _total on counters. Each watcher has its own registry, so two
 * in one process (the tests) never share counts.
 */
export class WatchMetrics {
  readonly registry = new Registry();
  private readonly passDuration = new Histogram({
    name: 'sitectl_watch_pass_duration_seconds',
    help: 'How long watch passes took, by what triggered them and how they ended.',
    labelNames: ['trigger', 'result'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  private readonly passes = new Counter({
    name: 'sitectl_watch_passes_total',
    help: 'Watch passes that acted (skipped and superseded ones are not counted), by trigger and result.',
    labelNames: ['trigger', 'result'] as const,
    registers: [this.registry],
  });
  private readonly servers = new Gauge({
    name: 'sitectl_servers',
    help: 'Site system servers by sync state: InSync, Pending, Drifted, Held, Failed or Unmanaged.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly applied = new Counter({
    name: 'sitectl_changes_applied_total',
    help: 'Server changes written to the live state, by action (create, update, prune).',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  private readonly failed = new Counter({
    name: 'sitectl_changes_failed_total',
    help: 'Server changes the site refused to write, by action.',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  private readonly lastSuccess = new Gauge({
    name: 'sitectl_last_successful_pass_timestamp_seconds',
    help: 'When the last pass that read valid manifests and did not fail ended, in Unix seconds.',
    registers: [this.registry],
  });
  private readonly drift = new Counter({
    name: 'sitectl_drift_detected_total',
    help: 'Servers found changed on the site since sitectl wrote them; a drift is counted once, not on every pass that still sees it.',
    registers: [this.registry],
  });
  private readonly invalid = new Counter({
    name: 'sitectl_manifests_invalid_total',
    help: 'Passes whose manifests had errors (ManifestsInvalid): the last valid manifests stayed in force.',
    registers: [this.registry],
  });

  constructor() {
    // Unprefixed, as every Node exporter names them, so the usual process dashboards work.
    collectDefaultMetrics({ register: this.registry });
    for (const state of SYNC_STATES) this.servers.set({ state }, 0);
    // Present from the start at zero, so rate() and alerts see a series before the first event.
    for (const action of ['create', 'update', 'prune']) {
      this.applied.inc({ action }, 0);
      this.failed.inc({ action }, 0);
    }
    this.drift.inc(0);
    this.invalid.inc(0);
  }

  /** passEnded counts one pass: what it wrote and failed to write by action, and the drift it found. */
  passEnded(record: PassRecord, outcome: PassOutcomeCounts, endedAt: number): void {
    const labels = { trigger: record.trigger, result: record.outcome };
    this.passDuration.observe(labels, record.durationMs / 1000);
    this.passes.inc(labels);
    for (const [action, n] of Object.entries(outcome.applied)) this.applied.inc({ action }, n);
    for (const [action, n] of Object.entries(outcome.failed)) this.failed.inc({ action }, n);
    if (outcome.drifted > 0) this.drift.inc(outcome.drifted);
    if (record.outcome === 'invalid') this.invalid.inc();
    if (record.outcome !== 'failed' && record.outcome !== 'invalid') this.lastSuccess.set(endedAt / 1000);
  }

  /** syncChanged sets the servers by state: after a pass, and as soon as a pass has planned (Pending while the files settle). */
  syncChanged(sync: SyncView): void {
    for (const state of SYNC_STATES) this.servers.set({ state }, sync.counts[state]);
  }

  /** text is the metrics in the Prometheus text exposition format. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
