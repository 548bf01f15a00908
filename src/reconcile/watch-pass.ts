import { createHash } from 'node:crypto';
import { contentHash } from '../manifest/source.js';
import type { NewEvent } from '../apply/events.js';
import type { StateBackend } from '../backend/backend.js';
import { formatPosition, type Diagnostic } from '../model/diagnostic.js';
import { hasChanges, type Change, type Plan } from '../model/plan.js';
import { ApplyFailedError } from '../backend/errors.js';
import type { LiveState } from '../model/live.js';
import type { SyncInput } from '../plan/sync-state.js';
import { afterReport, afterWrite, newWriteMemory, type PassOutcomeCounts, type WriteMemory } from './pass-outcome.js';
import { readSources, type KnownBytes } from '../sources/read-sources.js';
import {
  applyChecked,
  checkManifests,
  newPassMemo,
  planAhead,
  planChecked,
  type Checked,
  type ManifestInput,
  type PassMemo,
  type PassOptions,
  type PassResult as ApplyResult,
} from './pass.js';

/** WatchMode: autocorrect applies what differs; monitor only reports it. */
export type WatchMode = 'autocorrect' | 'monitor';

/** Trigger is why a pass ran. */
export type Trigger = 'start' | 'change' | 'interval' | 'retry';

/** PassOutcome is how a pass ended; a superseded pass saw files that changed again before they settled, wrote nothing, and is followed by another. */
export type PassOutcome = 'applied' | 'unchanged' | 'reported' | 'invalid' | 'skipped' | 'superseded' | 'failed';

/** PassRecord is one watch pass, as logs and /status show it. */
export interface PassRecord {
  readonly id: number;
  readonly trigger: Trigger;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly outcome: PassOutcome;
  readonly summary?: Plan['summary'];
  readonly revision?: number | null;
  readonly error?: string;
}

/** WatchMemory is what passes carry to the next: what a pass can reuse, the last input seen, and the last valid manifests. */
export interface WatchMemory {
  readonly memo: PassMemo;
  lastInput: string | null;
  lastGood: Checked | null;
  /** The files as the last pass read them, which a file that did not change is read back as. */
  lastRead?: KnownBytes;
  /** What the site did not take at the last writes, and the drift found and not yet written back. */
  readonly writes: WriteMemory;
}

/** newWatchMemory is what a watcher starts with: nothing seen yet. */
export function newWatchMemory(): WatchMemory {
  return { memo: newPassMemo(), lastInput: null, lastGood: null, writes: newWriteMemory() };
}

/** PassContext is what one pass needs from the watcher. */
export interface PassContext {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly backend: StateBackend;
  readonly mode: WatchMode;
  readonly options: PassOptions;
  /**
   * settled resolves true once the files have been quiet for the debounce window (or at once
   * when the watcher stops), false when they did not settle in time: the pass then acts on
   * them as it read them, so that a folder that never settles is still reconciled.
   */
  readonly settled: () => Promise<boolean>;
  /** changed tells whether a file change was seen since the pass began, or since it last asked. */
  readonly changed: () => boolean;
  /** unchanged says that the files, read again after the changes `changed` last told of, hold what the pass read: they do not delay settling. */
  readonly unchanged: () => void;
  /** planned tells what the servers' sync states come from once a pass has planned and before it writes: what is Pending while the files settle. */
  readonly planned?: (sync: SyncInput) => void;
}

/**
 * WatchPassResult is what a pass reports: its record's fields, the diagnostics it found and every
 * server's sync state after it (which the record leaves out: they can be many). A pass that
 * read no live state has no sync states.
 */
type WatchPassResult = Pick<PassRecord, 'outcome' | 'summary' | 'revision' | 'error'> & {
  readonly diagnostics?: readonly Diagnostic[];
  /** What the servers' sync states after the pass come from (syncStates lists them, syncCounts counts them). */
  readonly sync?: SyncInput;
  /** What the pass wrote and failed to write, by action, and how many drifted servers it found. */
  readonly counts?: PassOutcomeCounts;
};

const SUPERSEDED: WatchPassResult = { outcome: 'superseded' };

const noStdin = (): Promise<Uint8Array> => Promise.reject(new Error('watch does not read standard input'));

/**
 * watchPass is one level-based reconcile: whatever triggered it, it re-reads the manifests
 * and the whole live state. Invalid manifests never reach the site: the pass records
 * ManifestsInvalid and carries on with the last valid manifests. It works out what to write
 * while the files settle, and writes only what the files still hold once they have.
 */
export async function watchPass(trigger: Trigger, memory: WatchMemory, ctx: PassContext): Promise<WatchPassResult> {
  // 1. Re-read the files; a save that changed no content is not a change.
  const input = await readSources(ctx.paths, noStdin, ctx.cwd, memory.lastRead);
  const read: KnownBytes = new Map(input.sources.map((source) => [source.file, source.bytes]));
  memory.lastRead = read;
  const readAgain = () => readSources(ctx.paths, noStdin, ctx.cwd, read);
  const key = inputKey(input);
  if (trigger === 'change' && key === memory.lastInput) return { outcome: 'skipped' };

  // The files may have been read in the middle of a save (an editor truncates, then writes,
  // and the first event can come before the write). A change seen since makes the pass look
  // again, so that it starts over at once rather than after the debounce window; a change
  // that left the bytes as read (a save reported twice, a touch) does not delay settling.
  const readMidSave = async () => {
    if (!ctx.changed()) return false;
    if (!sameInput(input, await readAgain())) return true;
    ctx.unchanged();
    return false;
  };

  // 2. Check them; when they are invalid, the last valid manifests stay in force.
  const current = checkManifests(input, ctx.options, memory.memo);
  const checked = current.invalid ? memory.lastGood : current;
  if (await readMidSave()) return SUPERSEDED;

  // 3. Plan against the live state as it is now, while the files settle.
  const ahead = checked && ctx.mode === 'autocorrect' ? await planAhead(checked, ctx.backend, ctx.options, memory.memo) : undefined;
  const aheadResult = ahead?.transaction.result;
  if (checked && aheadResult?.live && hasChanges(aheadResult.plan)) {
    const { desired } = checked.loaded;
    ctx.planned?.({ desired, live: aheadResult.live, changes: aheadResult.plan.changes, notTaken: memory.writes.notTaken });
  }
  const monitored = checked && ctx.mode === 'monitor' ? await monitor(checked, ctx, memory.memo) : undefined;
  // A pass that started over leaves nothing staged for the write it will not make.
  const startOver = async () => {
    await ctx.backend.unstage?.();
    return SUPERSEDED;
  };
  if (await readMidSave()) return startOver();
  const settled = await ctx.settled();
  // The plan holds only if the files still hold what it was made from: file events can come
  // early or be lost (chokidar drops some of a burst), so they are read once more.
  if (settled && !sameInput(input, await readAgain())) return startOver();

  // 4. The files settled as read: record them as the input, then report or apply what they hold.
  memory.lastInput = key;
  if (current.invalid) {
    await ctx.backend.update(() => ({ next: null, events: [manifestsInvalid(current, ctx.paths)], result: null }));
  } else {
    memory.lastGood = current;
  }
  if (!checked) return { outcome: 'invalid', summary: current.report.summary, diagnostics: current.report.diagnostics };
  // An invalid edit is reported with its own errors, though the last valid manifests were planned.
  const found = (plan: Plan) => (current.invalid ? current.report : plan);
  const desired = checked.loaded.desired;
  if (ahead) {
    let result: ApplyResult;
    try {
      result = await applyChecked(checked, ctx.backend, ctx.options, memory.memo, ahead);
    } catch (error) {
      // The site refused some servers: the pass failed, and they are Failed until a write of them is taken.
      const refused = error instanceof ApplyFailedError ? (error.result as ApplyResult | undefined) : undefined;
      if (!refused?.live) throw error;
      const { sync, counts } = afterWrite(memory.writes, desired, refused.live, refused.plan, refused.notWritten ?? []);
      return { outcome: 'failed', error: (error as Error).message, revision: refused.revision, sync, counts };
    }
    const outcome = current.invalid || result.invalid ? 'invalid' : result.applied ? 'applied' : 'unchanged';
    const notWritten = result.applied ? (result.notWritten ?? []) : null;
    const after = result.live && afterWrite(memory.writes, desired, result.live, result.plan, notWritten);
    return {
      outcome,
      summary: withFindings(result.plan, found(result.plan)),
      revision: result.revision,
      diagnostics: found(result.plan).diagnostics,
      ...after,
    };
  }
  const { plan, revision, events, live } = monitored!;
  if (events.length > 0) await ctx.backend.update(() => ({ next: null, events, result: null }));
  const outcome = current.invalid || plan.summary.errors > 0 ? 'invalid' : events.length > 0 ? 'reported' : 'unchanged';
  const { sync, counts } = afterReport(memory.writes, desired, live, plan);
  return { outcome, summary: withFindings(plan, found(plan)), revision, diagnostics: found(plan).diagnostics, sync, counts };
}

/** withFindings is a plan's summary with the errors and warnings of the report that found them. */
function withFindings(plan: Plan, report: Plan): Plan['summary'] {
  return { ...plan.summary, errors: report.summary.errors, warnings: report.summary.warnings };
}

/** monitor plans against the live state without writing it: what monitor mode reports as drift. */
async function monitor(
  checked: Checked,
  ctx: PassContext,
  memo: PassMemo,
): Promise<{ plan: Plan; revision: number; events: NewEvent[]; live: LiveState }> {
  const { state: live, fingerprint } = await ctx.backend.read();
  const plan = planChecked(checked, live, fingerprint, ctx.options, memo);
  return { plan, revision: live.revision, events: plan.changes.map(driftDetected), live };
}

/** manifestsInvalid is the event of a pass whose manifests have errors; its message lists the first few. */
function manifestsInvalid(checked: Checked, paths: readonly string[]): NewEvent {
  const errors = checked.report.diagnostics.filter((d) => d.severity === 'error');
  const listed = errors.slice(0, 5).map((d) => `${d.source ? formatPosition(d.source) + ' ' : ''}${d.code}: ${d.message}`);
  const more = errors.length > listed.length ? `; and ${errors.length - listed.length} more` : '';
  const message = `${errors.length} error${errors.length === 1 ? '' : 's'} in the manifests; nothing from this edit is applied: ${listed.join('; ')}${more}`;
  return { type: 'Warning', reason: 'ManifestsInvalid', message, object: { kind: 'Manifests', name: paths.join(',') } };
}

/** driftDetected is monitor mode's event for a server that differs from the manifests. */
function driftDetected(change: Change): NewEvent {
  if (change.action === 'hold') {
    return {
      type: 'Warning',
      reason: 'ProxyConflict',
      message: `proxy held: ${change.reason ?? 'roles need different proxies'}`,
      object: { kind: change.kind, name: change.name },
    };
  }
  const ops = change.patch.map((op) => `${op.op} ${op.path}${'value' in op ? ' ' + JSON.stringify(op.value) : ''}`).join(', ');
  return {
    type: 'Warning',
    reason: 'DriftDetected',
    message: `differs from the manifests (would ${change.action}): ${ops}`,
    object: { kind: change.kind, name: change.name },
  };
}

/** sameInput tells whether two reads of the manifests found the same files with the same bytes and the same problems. */
function sameInput(a: ManifestInput, b: ManifestInput): boolean {
  return (
    a.sources.length === b.sources.length &&
    a.sources.every(
      (source, i) =>
        source.file === b.sources[i].file &&
        (source.bytes === b.sources[i].bytes || Buffer.compare(source.bytes, b.sources[i].bytes) === 0),
    ) &&
    JSON.stringify(a.diagnostics) === JSON.stringify(b.diagnostics)
  );
}

/** inputKey identifies the manifests as read: which files, their content, and any problem reading them. */
function inputKey(input: ManifestInput): string {
  const hash = createHash('sha256');
  for (const source of input.sources) hash.update(`${source.file}\0${contentHash(source.bytes)}\n`);
  hash.update(JSON.stringify(input.diagnostics));
  return hash.digest('hex');
}
