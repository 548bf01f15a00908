import path from 'node:path';
import { writeAtomically } from '../../backend/write-atomically.js';
import { hasChanges } from '../../model/plan.js';
import { planManifests } from '../../reconcile/pass.js';
import { palette, useColor } from '../color.js';
import { liveSource, passOptions, readManifests, withSource, type ManifestFlags, type StateFlags } from '../inputs.js';
import type { ExitCode, Io } from '../io.js';
import { createLogger, type LogFlags } from '../log.js';
import type { PlanFormat } from '../render/formats.js';
import { renderPlan } from '../render/plan-formats.js';

/** DiffFlags are the options of `diff` and `plan`. */
export interface DiffFlags extends ManifestFlags, StateFlags, LogFlags {
  readonly output: PlanFormat;
  readonly color: boolean;
  /** plan only: where to save the plan for a later `apply`. */
  readonly out?: string;
}

/**
 * runDiff plans the manifests against the live state and prints the plan; `plan --out` also
 * saves it. Exit 0 no changes (holds alone are none), 1 changes, 2 invalid input.
 */
export async function runDiff(flags: DiffFlags, io: Io, command: 'diff' | 'plan'): Promise<ExitCode> {
  const log = createLogger(flags, io, command);
  const input = await readManifests(flags, io, command);
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
  return hasChanges(result.plan) ? 1 : 0;
}
