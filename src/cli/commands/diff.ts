import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from '../../backend/write-atomically.js';
import { isManifestFile } from '../../sources/read-sources.js';
import { hasChanges, isPlanDocument } from '../../model/plan.js';
import { planManifests, type ManifestInput } from '../../reconcile/pass.js';
import { palette, useColor } from '../color.js';
import { liveSource, passOptions, readManifests, withSource, type ManifestFlags, type StateFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { createLogger, type LogFlags } from '../log.js';
import type { PlanFormat } from '../render/formats.js';
import { renderPlan } from '../render/plan-formats.js';

/** DiffFlags are the options of `diff` and `plan`. */
export interface DiffFlags extends ManifestFlags, StateFlags, LogFlags {
  readonly output: PlanFormat;
  readonly color: boolean;
  /** plan only: where to save the plan for a later `apply`. */
  readonly out?: string;
  /** plan only: exit 1 when the plan has changes, as diff does. */
  readonly detailedExitcode?: boolean;
}

/**
 * runDiff plans the manifests against the live state and prints the plan; `plan --out` also
 * saves it. diff exits 0 no changes (holds alone are none), 1 changes, 2 invalid input; plan
 * exits 0 once it made a plan, or as diff with --detailed-exitcode.
 */
export async function runDiff(flags: DiffFlags, io: Io, command: 'diff' | 'plan'): Promise<ExitCode> {
  const log = createLogger(flags, io, command);
  if (flags.out && flags.live) {
    throw new UsageError(
      `plan --out saves a plan for apply to write to the live state, and --live ${flags.live} is a snapshot apply cannot write; plan against the state file or the site instead (--backend configmgr), or leave out --out`,
    );
  }
  const input = await readManifests(flags, io, command);
  if (flags.out) await refuseToOverwrite(path.resolve(io.cwd, flags.out), flags.out, input, io);
  const source = await liveSource(flags, io);
  const result = await withSource(source, () => planManifests(input, source, passOptions(flags, io)));
  log.info({ summary: result.plan.summary, live: source.location, revision: result.revision }, 'planned');
  io.stdout(renderPlan(result.plan, flags.output, palette(useColor(flags.color, io.env, io.stdoutIsTTY))));
  if (result.invalid) {
    if (flags.out) io.stderr(`sitectl: plan not saved to ${flags.out}: the manifests have errors\n`);
    return 2;
  }
  if (flags.out) {
    await writeAtomically(path.resolve(io.cwd, flags.out), JSON.stringify(result.plan, null, 2) + '\n');
    log.info({ file: flags.out }, 'plan saved');
  }
  // plan exits 0 once it made a plan, so `plan --out p.json && apply p.json` works; diff, and
  // plan --detailed-exitcode (as Terraform's), exit 1 when there are changes.
  if (command === 'plan' && !flags.detailedExitcode) return 0;
  return hasChanges(result.plan) ? 1 : 0;
}

/**
 * refuseToOverwrite keeps --out from destroying anything but an earlier saved plan: a file
 * that is one of the manifests read, or that exists and is not a plan, is refused.
 */
async function refuseToOverwrite(target: string, given: string, input: ManifestInput, io: Io): Promise<void> {
  const inputs = new Set(input.sources.map((s) => path.resolve(io.cwd, s.file)));
  if (inputs.has(target) || isManifestFile(target)) {
    throw new UsageError(
      `--out ${given}: a saved plan is JSON, and this name is ${inputs.has(target) ? 'one of the manifests being planned' : "a manifest file's"}; save it as plan.json or another .json file`,
    );
  }
  const folder = await stat(path.dirname(target)).catch(() => undefined);
  if (!folder?.isDirectory())
    throw new UsageError(
      `--out ${given}: the folder ${path.dirname(given) || '.'} does not exist; create it first or save the plan elsewhere`,
    );
  if ((await stat(target).catch(() => undefined))?.isDirectory())
    throw new UsageError(`--out ${given} is a folder; name a file in it, such as ${path.join(given, 'plan.json')}`);
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch {
    return; // nothing there yet, or nothing readable to lose
  }
  if (!isSavedPlan(text))
    throw new UsageError(
      `--out ${given} exists and is not a saved plan; sitectl overwrites only an earlier plan: choose another file, such as plan.json`,
    );
}

function isSavedPlan(text: string): boolean {
  try {
    return isPlanDocument(JSON.parse(text));
  } catch {
    return false;
  }
}
