import type { NotWritten } from '../backend/backend.js';
import type { DesiredState } from '../model/desired.js';
import type { LiveState } from '../model/live.js';
import type { Plan } from '../model/plan.js';
import type { NotTaken, SyncInput } from '../plan/sync-state.js';

/** PassOutcomeCounts is what one pass wrote and failed to write, by action, and how many servers it found newly drifted. */
export interface PassOutcomeCounts {
  readonly applied: Readonly<Record<string, number>>;
  readonly failed: Readonly<Record<string, number>>;
  readonly drifted: number;
}

/** NOTHING_COUNTED is a pass that wrote nothing and found no drift. */
export const NOTHING_COUNTED: PassOutcomeCounts = { applied: {}, failed: {}, drifted: 0 };

/**
 * WriteMemory is what a watcher remembers of its writes from one pass to the next: what the
 * site did not take (shown as Failed, or with the skip's reason, until a write of the server
 * is taken), and the servers found drifted and not yet written back (so that a drift is
 * counted once, not on every pass that still sees it).
 */
export interface WriteMemory {
  notTaken: ReadonlyMap<string, NotTaken>;
  drifted: ReadonlySet<string>;
}

export function newWriteMemory(): WriteMemory {
  return { notTaken: new Map(), drifted: new Set() };
}

/**
 * afterWrite records a write of `plan`, of which the site did not take `notWritten` (null:
 * nothing was written, as when the plan had errors), and gives what the servers' sync states
 * come from now: what was written is in sync, so only holds and what the site did not take
 * keep their change.
 */
export function afterWrite(
  memory: WriteMemory,
  desired: DesiredState,
  live: LiveState,
  plan: Plan,
  notWritten: readonly NotWritten[] | null,
): { sync: SyncInput; counts: PassOutcomeCounts } {
  const drifted = newlyDrifted(memory, plan);
  if (notWritten === null) {
    memory.drifted = driftedIn(plan.changes);
    return { sync: { desired, live, changes: plan.changes, notTaken: memory.notTaken }, counts: { ...NOTHING_COUNTED, drifted } };
  }
  const left = new Map(notWritten.map((o) => [o.server.toLowerCase(), o]));
  const changes = plan.changes.filter((c) => c.action === 'hold' || left.has(c.name.toLowerCase()));
  // A server written now is no longer refused; one the site did not take keeps what it said.
  const notTaken = new Map<string, NotTaken>();
  for (const [name, o] of left) notTaken.set(name, { outcome: o.outcome, message: o.message });
  memory.notTaken = notTaken;
  memory.drifted = driftedIn(changes);
  return { sync: { desired, live, changes, notTaken }, counts: { ...countWrites(plan, left), drifted } };
}

/** afterReport is afterWrite for a pass that only reports (monitor mode): nothing is written, every change stays. */
export function afterReport(memory: WriteMemory, desired: DesiredState, live: LiveState, plan: Plan) {
  return afterWrite(memory, desired, live, plan, null);
}

/** countWrites counts a written plan's changes by action: applied, or failed (the site refused them); holds and skipped servers are neither. */
function countWrites(plan: Plan, notWritten: ReadonlyMap<string, NotWritten>): Pick<PassOutcomeCounts, 'applied' | 'failed'> {
  const applied: Record<string, number> = {};
  const failed: Record<string, number> = {};
  for (const change of plan.changes) {
    if (change.action === 'hold') continue;
    const not = notWritten.get(change.name.toLowerCase())?.outcome;
    if (not === undefined) applied[change.action] = (applied[change.action] ?? 0) + 1;
    else if (not === 'failed') failed[change.action] = (failed[change.action] ?? 0) + 1;
  }
  return { applied, failed };
}

/** newlyDrifted counts the plan's drifted servers that the last pass did not already find drifted and leave so. */
function newlyDrifted(memory: WriteMemory, plan: Plan): number {
  return plan.changes.filter((c) => c.drift && !memory.drifted.has(c.name.toLowerCase())).length;
}

function driftedIn(changes: Plan['changes']): Set<string> {
  return new Set(changes.filter((c) => c.drift).map((c) => c.name.toLowerCase()));
}
