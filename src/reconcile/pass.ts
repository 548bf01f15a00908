import { applyPlan } from '../apply/apply-plan.js';
import type { LiveStateSource, StateBackend } from '../backend/backend.js';
import { StalePlanError } from '../backend/errors.js';
import { compareDiagnostics, countDiagnostics, diagnostic, escalateWarnings, type Diagnostic } from '../model/diagnostic.js';
import type { LiveState } from '../model/live.js';
import { hasChanges, type Plan } from '../model/plan.js';
import type { SourceFile } from '../manifest/source.js';
import { planChanges } from '../plan/plan.js';
import { diagnosticsOnly } from '../plan/report.js';
import { LIVE_RULES, runRules, STATIC_RULES } from '../rules/index.js';
import { loadManifests, type Loaded, type SourceCache } from '../validate.js';

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
}

/** ManifestInput is what `-f` yielded: the files, and problems finding or reading them. */
export interface ManifestInput {
  readonly sources: readonly SourceFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Checked is the manifests loaded and checked without live state, as `validate` reports them. */
export interface Checked {
  readonly loaded: Loaded;
  /** What the static rules found; they need not run again once the live state is read. */
  readonly staticFindings: readonly Diagnostic[];
  /** Problems finding or reading the files, which every later report repeats. */
  readonly sourceDiagnostics: readonly Diagnostic[];
  readonly invalid: boolean;
  /** The report of this check alone: a Plan with no live fields and no changes. */
  readonly report: Plan;
}

/** checkManifests loads the manifests and runs the rules without live state: invalid input is reported before the live state is read. */
export function checkManifests(input: ManifestInput, options: Pick<PassOptions, 'today' | 'strict'>, cache?: SourceCache): Checked {
  const loaded = loadManifests(input.sources, cache);
  const staticFindings = runRules(loaded.desired, { today: options.today, rules: STATIC_RULES });
  const liveFindings = runRules(loaded.desired, { today: options.today, live: null, rules: LIVE_RULES });
  let found: Diagnostic[] = [...input.diagnostics, ...loaded.diagnostics, ...staticFindings, ...liveFindings];
  if (loaded.documents === 0 && countDiagnostics(found).errors === 0) {
    const files = input.sources.map((s) => s.file).join(', ');
    found.push(diagnostic('NoManifests', files ? `no manifests found: ${files} hold only empty documents` : 'no manifests found'));
  }
  found.sort(compareDiagnostics);
  if (options.strict) found = escalateWarnings(found);
  const report = diagnosticsOnly(found);
  return { loaded, staticFindings, sourceDiagnostics: input.diagnostics, invalid: report.summary.errors > 0, report };
}

/** planChecked plans checked manifests against one live state, with the rules that need it. */
export function planChecked(checked: Checked, live: LiveState, fingerprint: string, options: PassOptions): Plan {
  const { loaded } = checked;
  const liveFindings = runRules(loaded.desired, { today: options.today, live, rules: LIVE_RULES });
  const found = [...checked.sourceDiagnostics, ...loaded.diagnostics, ...checked.staticFindings, ...liveFindings].sort(compareDiagnostics);
  return planChanges(loaded.desired, live, found, { prune: options.prune, strict: options.strict, fingerprint });
}

/** planManifests is `diff` and `plan`: check the manifests, read the live state, plan. Nothing is written. */
export async function planManifests(input: ManifestInput, source: LiveStateSource, options: PassOptions): Promise<PassResult> {
  // 1. Invalid manifests stop here, before the live state is read.
  const checked = checkManifests(input, options);
  if (checked.invalid) return { plan: checked.report, invalid: true, applied: false, revision: null };
  // 2. Plan against the live state as it is now.
  const live = await source.read();
  const plan = planChecked(checked, live.state, live.fingerprint, options);
  return { plan, invalid: plan.summary.errors > 0, applied: false, revision: live.state.revision };
}

/** applyManifests is `apply -f`: check, then under the writer lock read, plan, apply and write once. Any error writes nothing. */
export async function applyManifests(input: ManifestInput, backend: StateBackend, options: PassOptions): Promise<PassResult> {
  // 1. Invalid manifests stop here, before the live state is read or locked.
  const checked = checkManifests(input, options);
  if (checked.invalid) return { plan: checked.report, invalid: true, applied: false, revision: null };
  // 2. Plan and apply on one consistent read, holding the lock throughout.
  return applyChecked(checked, backend, options);
}

/** applyChecked plans and applies checked manifests under the writer lock, on one consistent read. Any error writes nothing. */
export function applyChecked(checked: Checked, backend: StateBackend, options: PassOptions): Promise<PassResult> {
  return backend.update<PassResult>(({ state: live, fingerprint }) => {
    const plan = planChecked(checked, live, fingerprint, options);
    if (plan.summary.errors > 0) return { next: null, events: [], result: { plan, invalid: true, applied: false, revision: live.revision } };
    const { next, events } = applyPlan(live, plan, { copySites: backend.keepsSites });
    return { next, events, result: { plan, invalid: false, applied: next !== null, revision: next?.revision ?? live.revision } };
  });
}

/** applySavedPlan is `apply plan.json`: refused when the live state changed since the plan was made; otherwise executed as saved. */
export async function applySavedPlan(plan: Plan, backend: StateBackend): Promise<PassResult> {
  return backend.update<PassResult>(({ state: live, fingerprint: current }) => {
    if (current !== plan.liveFingerprint) {
      throw new StalePlanError(
        `the live state changed since this plan was made (revision ${String(plan.liveRevision)}, now ${live.revision}; fingerprint ` +
          `${String(plan.liveFingerprint)}, now ${current}); run sitectl plan again`,
      );
    }
    const { next, events } = applyPlan(live, plan, { copySites: backend.keepsSites });
    return { next, events, result: { plan, invalid: false, applied: hasChanges(plan) && next !== null, revision: next?.revision ?? live.revision } };
  });
}
