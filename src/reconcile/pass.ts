import { isDeepStrictEqual } from 'node:util';
import { applyPlan } from '../apply/apply-plan.js';
import type { LiveSnapshot, LiveStateSource, NotWritten, StateBackend, Transaction, Written } from '../backend/backend.js';
import { StalePlanError } from '../backend/errors.js';
import { compareDiagnostics, countDiagnostics, diagnostic, escalateWarnings, type Diagnostic } from '../model/diagnostic.js';
import { liveServerIndex, type LiveState } from '../model/live.js';
import { hasChanges, type Plan } from '../model/plan.js';
import type { SourceFile } from '../manifest/source.js';
import { PlanMemo, planChanges } from '../plan/plan.js';
import { diagnosticsOnly } from '../plan/report.js';
import { ResolveMemo } from '../resolve/memo.js';
import { RuleMemo } from '../rules/incremental.js';
import { LIVE_RULES, runRules, STATIC_RULES } from '../rules/index.js';
import { loadManifests, type Loaded, type SourceCache, type SourceStore } from '../validate.js';

/** PassOptions are a pass's settings: today's date, --prune and --strict. */
export interface PassOptions {
  readonly today: string;
  readonly prune: boolean;
  readonly strict: boolean;
}

/** PassResult is what a pass planned, whether the manifests were invalid, and whether it wrote. */
export interface PassResult {
  readonly plan: Plan;
  readonly invalid: boolean;
  readonly applied: boolean;
  /** The live revision after the pass (null when no live state was read). */
  readonly revision: number | null;
  /** A saved plan found already applied: the live state holds every change it makes. */
  readonly alreadyApplied?: boolean;
  /** Servers of the plan that a real site did not take (skipped or failed); absent when all were written. */
  readonly notWritten?: readonly NotWritten[];
  /** The live state the plan was made against, for what the plan does not list (servers left unchanged, servers not in the manifests). */
  readonly live?: LiveState;
}

/** ManifestInput is what `-f` yielded: the files, problems finding or reading them, and where clean files are kept between runs. */
export interface ManifestInput {
  readonly sources: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
  /** The CLI's manifest cache, saved once the files are loaded. */
  readonly store?: SourceStore & { save(): void };
}

/**
 * PassMemo is what a watcher keeps from one pass to the next, so that a pass redoes only what
 * an edit touched: the files as checked, and per document and per server what resolving,
 * the rules and the planner made of them. A pass with a memo reports exactly what one
 * without reports.
 */
export interface PassMemo {
  readonly sources: SourceCache;
  readonly resolved: ResolveMemo;
  readonly staticRules: RuleMemo;
  readonly rulesWithoutLive: RuleMemo;
  readonly rulesWithLive: RuleMemo;
  readonly planned: PlanMemo;
}

/** newPassMemo is an empty memo, for a watcher's first pass. */
export function newPassMemo(): PassMemo {
  return {
    sources: new Map(),
    resolved: new ResolveMemo(),
    staticRules: new RuleMemo(),
    rulesWithoutLive: new RuleMemo(),
    rulesWithLive: new RuleMemo(),
    planned: new PlanMemo(),
  };
}

/** StaticCheck is the manifests loaded and the rules run that need no live state: what planning starts from. */
export interface StaticCheck {
  readonly loaded: Loaded;
  /** What the static rules found; they need not run again once the live state is read. */
  readonly staticFindings: readonly Diagnostic[];
  /** Problems finding or reading the files, which every later report repeats. */
  readonly sourceDiagnostics: readonly Diagnostic[];
}

/** Checked is the manifests loaded and checked without live state, as `validate` reports them. */
export interface Checked extends StaticCheck {
  readonly invalid: boolean;
  /** The report of this check alone: a Plan with no live fields and no changes. */
  readonly report: Plan;
}

/** checkManifests loads the manifests and runs the rules without live state: invalid input is reported before the live state is read. */
export function checkManifests(input: ManifestInput, options: Pick<PassOptions, 'today' | 'strict'>, memo?: PassMemo): Checked {
  return finishCheck(checkStatic(input, options, memo), input, options, memo);
}

/** checkStatic loads the manifests and runs the rules that need no live state, without the report `validate` makes: what planning starts from. */
export function checkStatic(input: ManifestInput, options: Pick<PassOptions, 'today'>, memo?: PassMemo): StaticCheck {
  const loaded = loadManifests(input.sources, { cache: memo?.sources, store: input.store, resolved: memo?.resolved });
  input.store?.save();
  const staticFindings = runRules(loaded.desired, { today: options.today, rules: STATIC_RULES, memo: memo?.staticRules });
  return { loaded, staticFindings, sourceDiagnostics: input.diagnostics };
}

/** finishCheck runs the live rules without live state (they then judge only hosts whose proxy the manifests set) and makes the report. */
function finishCheck(check: StaticCheck, input: ManifestInput, options: Pick<PassOptions, 'today' | 'strict'>, memo?: PassMemo): Checked {
  const { loaded } = check;
  const liveFindings = runRules(loaded.desired, { today: options.today, live: null, rules: LIVE_RULES, memo: memo?.rulesWithoutLive });
  let found: Diagnostic[] = [...check.sourceDiagnostics, ...loaded.diagnostics, ...check.staticFindings, ...liveFindings];
  if (loaded.documents === 0 && countDiagnostics(found).errors === 0) {
    const files = input.sources.map((s) => s.file).join(', ');
    found.push(diagnostic('NoManifests', files ? `no manifests found: ${files} hold only empty documents` : 'no manifests found'));
  }
  found.sort(compareDiagnostics);
  if (options.strict) found = escalateWarnings(found);
  const report = diagnosticsOnly(found);
  return { ...check, invalid: report.summary.errors > 0, report };
}

/**
 * invalidWithoutLive answers the result of a pass whose manifests are invalid before any live
 * state is read, or undefined when they are not. Planning runs the live rules once, with the
 * live state; without it they report only a subset of what they report with it (they skip
 * hosts whose proxy only the live state knows), so this check is made only when the pass has
 * already found an error or could not read the live state: its outcome and report are then
 * exactly those of checking first.
 */
function invalidWithoutLive(check: StaticCheck, input: ManifestInput, options: PassOptions): PassResult | undefined {
  const checked = finishCheck(check, input, options);
  return checked.invalid ? { plan: checked.report, invalid: true, applied: false, revision: null } : undefined;
}

/** mayBeInvalid tells whether a static check already holds an error (or, with --strict, a warning), or found no documents. */
function mayBeInvalid(check: StaticCheck, strict: boolean): boolean {
  const counts = countDiagnostics([...check.sourceDiagnostics, ...check.loaded.diagnostics, ...check.staticFindings]);
  return counts.errors > 0 || (strict && counts.warnings > 0) || check.loaded.documents === 0;
}

/** planChecked plans checked manifests against one live state, with the rules that need it. */
export function planChecked(check: StaticCheck, live: LiveState, fingerprint: string, options: PassOptions, memo?: PassMemo): Plan {
  const { loaded } = check;
  const liveFindings = runRules(loaded.desired, { today: options.today, live, rules: LIVE_RULES, memo: memo?.rulesWithLive });
  const found = [...check.sourceDiagnostics, ...loaded.diagnostics, ...check.staticFindings, ...liveFindings].sort(compareDiagnostics);
  return planChanges(loaded.desired, live, found, { prune: options.prune, strict: options.strict, fingerprint, memo: memo?.planned });
}

/** planManifests is `diff` and `plan`: check the manifests, read the live state, plan. Nothing is written. */
export async function planManifests(input: ManifestInput, source: LiveStateSource, options: PassOptions): Promise<PassResult> {
  const check = checkStatic(input, options);
  return withLiveState(check, input, options, async () => {
    const live = await source.read();
    const plan = planChecked(check, live.state, live.fingerprint, options);
    return { plan, invalid: plan.summary.errors > 0, applied: false, revision: live.state.revision };
  });
}

/** applyManifests is `apply -f`: check, then under the writer lock read, plan, apply and write once. Any error writes nothing. */
export async function applyManifests(input: ManifestInput, backend: StateBackend, options: PassOptions): Promise<PassResult> {
  const check = checkStatic(input, options);
  return withLiveState(check, input, options, () => applyChecked(check, backend, options));
}

/**
 * withLiveState runs the part of a pass that reads the live state, keeping SPEC's precedence:
 * manifests that are invalid without live state stop the pass before the live state is read
 * or locked (exit 2), and win over a live state that cannot be read (exit 3).
 */
async function withLiveState(
  check: StaticCheck,
  input: ManifestInput,
  options: PassOptions,
  pass: () => Promise<PassResult>,
): Promise<PassResult> {
  if (mayBeInvalid(check, options.strict)) {
    const invalid = invalidWithoutLive(check, input, options);
    if (invalid) return invalid;
  }
  let result: PassResult;
  try {
    result = await pass();
  } catch (error) {
    const invalid = invalidWithoutLive(check, input, options);
    if (invalid) return invalid;
    throw error;
  }
  return (result.invalid && invalidWithoutLive(check, input, options)) || result;
}

/** applyChecked plans and applies checked manifests under the writer lock, on one consistent read. Any error writes nothing. */
export function applyChecked(
  check: StaticCheck,
  backend: StateBackend,
  options: PassOptions,
  memo?: PassMemo,
  ahead?: PlannedAhead,
): Promise<PassResult> {
  return backend.update<PassResult>((live) =>
    // A plan made ahead holds only for the live state it was made from, as a saved plan does.
    ahead?.check === check && ahead.fingerprint === live.fingerprint
      ? ahead.transaction
      : applyTransaction(check, live, options, backend.keepsSites, memo),
  );
}

/** PlannedAhead is what applying checked manifests to one live state would write, worked out before taking the writer lock. */
export interface PlannedAhead {
  readonly check: StaticCheck;
  readonly fingerprint: string;
  readonly transaction: Transaction<PassResult>;
}

/**
 * planAhead works out, without the writer lock, what applyChecked would write to the live
 * state as it is now: a watcher does this while it waits for the files to settle, so that
 * only the write is left once they have. The backend may render the state to write ahead too.
 */
export async function planAhead(check: StaticCheck, backend: StateBackend, options: PassOptions, memo?: PassMemo): Promise<PlannedAhead> {
  const live = await backend.read();
  const transaction = applyTransaction(check, live, options, backend.keepsSites, memo);
  if (transaction.next) backend.stage?.(transaction.next);
  return { check, fingerprint: live.fingerprint, transaction };
}

/** applyTransaction is apply's decision on one live snapshot: the plan, and unless it has errors, the state and events it leads to. */
function applyTransaction(
  check: StaticCheck,
  { state: live, fingerprint }: LiveSnapshot,
  options: PassOptions,
  copySites: boolean,
  memo?: PassMemo,
): Transaction<PassResult> {
  const plan = planChecked(check, live, fingerprint, options, memo);
  if (plan.summary.errors > 0)
    return { next: null, events: [], result: { plan, invalid: true, applied: false, revision: live.revision, live } };
  const { next, events } = applyPlan(live, plan, { copySites });
  const result: PassResult = { plan, invalid: false, applied: next !== null, revision: next?.revision ?? live.revision, live };
  return { next, events, result, settled: settledResult(result) };
}

/** settledResult is a pass's result once a real site took only part of its plan. */
function settledResult(result: PassResult): (written: Written) => PassResult {
  return (written) => ({ ...result, applied: written.applied, revision: written.revision, notWritten: written.notWritten });
}

/**
 * alreadyHolds tells whether every server a plan changes already is what the plan makes of it:
 * the plan was applied (or someone made the same changes), and applying it again is nothing to do.
 */
function alreadyHolds(live: LiveState, plan: Plan): boolean {
  const changes = plan.changes.filter((c) => c.action !== 'hold');
  if (changes.length === 0) return false;
  const index = liveServerIndex(live);
  return changes.every((change) => {
    const server = index.get(change.name.toLowerCase());
    if (!server) return false;
    return Object.entries(change.after).every(([field, value]) => isDeepStrictEqual(server[field], value));
  });
}

/** applySavedPlan is `apply plan.json`: nothing to do when the live state already holds it, refused when the live state changed since the plan was made; otherwise executed as saved. */
export async function applySavedPlan(plan: Plan, backend: StateBackend): Promise<PassResult> {
  return backend.update<PassResult>(({ state: live, fingerprint: current }) => {
    if (current !== plan.liveFingerprint && alreadyHolds(live, plan)) {
      return { next: null, events: [], result: { plan, invalid: false, applied: false, alreadyApplied: true, revision: live.revision } };
    }
    if (current !== plan.liveFingerprint) {
      throw new StalePlanError(
        `the live state changed since this plan was made (revision ${String(plan.liveRevision)}, now ${live.revision}; fingerprint ` +
          `${String(plan.liveFingerprint)}, now ${current}); run sitectl plan again`,
      );
    }
    const { next, events } = applyPlan(live, plan, { copySites: backend.keepsSites });
    const result: PassResult = {
      plan,
      invalid: false,
      applied: hasChanges(plan) && next !== null,
      revision: next?.revision ?? live.revision,
    };
    return { next, events, result, settled: settledResult(result) };
  });
}
