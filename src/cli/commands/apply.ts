import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isPlanDocument, type Plan } from '../../model/plan.js';
import { isManifestFile } from '../../sources/read-sources.js';
import { applyManifests, applySavedPlan, type PassResult } from '../../reconcile/pass.js';
import { palette, useColor } from '../color.js';
import { passOptions, readManifests, withSource, writableState, type ManifestFlags, type StateFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { createLogger, type LogFlags } from '../log.js';
import { renderPlan } from '../render/plan-formats.js';

/** ApplyFlags are `sitectl apply`'s options. */
export interface ApplyFlags extends ManifestFlags, StateFlags, LogFlags {
  readonly output: 'text' | 'json' | 'yaml';
  readonly color: boolean;
}

/**
 * runApply applies manifests (`-f`) or a saved plan (`apply plan.json`) to the live state (the state file, or a real site).
 * Exit 0 applied or nothing to do, 2 invalid input (nothing written), 3 runtime failure.
 */
export async function runApply(planFile: string | undefined, flags: ApplyFlags, io: Io): Promise<ExitCode> {
  if (flags.live) throw new UsageError('apply writes to the live state; --live snapshots are read-only (use diff --live)');
  if (planFile && flags.filename?.length) throw new UsageError('apply takes either -f PATH or a saved plan file, not both');
  const log = createLogger(flags, io, 'apply');
  const plan = planFile ? await readPlan(planFile, io) : undefined;
  const input = plan ? undefined : await readManifests(flags, io, 'apply');
  const backend = await writableState(flags, io);
  const result: PassResult = await withSource(backend, () =>
    plan ? applySavedPlan(plan, backend) : applyManifests(input!, backend, passOptions(flags, io)),
  );
  log.info({ summary: result.plan.summary, applied: result.applied, revision: result.revision, state: backend.location }, 'apply finished');
  print(result, flags, io);
  return result.invalid ? 2 : 0;
}

function print(result: PassResult, flags: ApplyFlags, io: Io): void {
  if (flags.output !== 'text') {
    const document = {
      ...result.plan,
      applied: result.applied,
      revision: result.revision,
      ...(result.notWritten ? { notWritten: result.notWritten } : {}),
    };
    io.stdout(flags.output === 'json' ? JSON.stringify(document, null, 2) + '\n' : renderPlan(document, 'yaml', palette(false)));
    return;
  }
  io.stdout(renderPlan(result.plan, 'text', palette(useColor(flags.color, io.env, io.stdoutIsTTY))));
  for (const server of result.notWritten ?? []) io.stdout(`${server.outcome}: ${server.server}: ${server.message}\n`);
  if (result.invalid) io.stdout('nothing applied: the manifests have errors\n');
  else if (result.alreadyApplied)
    io.stdout(`nothing to do: this plan was already applied; live state stays at revision ${String(result.revision)}\n`);
  else if (result.applied) io.stdout(`applied: live state is now at revision ${String(result.revision)}\n`);
  else io.stdout(`nothing to do: live state stays at revision ${String(result.revision)}\n`);
}

/** readPlan loads a plan saved by `plan --out`; anything else is refused as invalid input, manifests with a pointer to -f. */
async function readPlan(file: string, io: Io): Promise<Plan> {
  const manifests = `to apply manifests, name them with -f: sitectl apply -f ${file}`;
  let text: string;
  try {
    text = await readFile(path.resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new UsageError(`${file} is a folder, not a saved plan; ${manifests}`);
    throw new UsageError(`plan file ${file} cannot be read (${code ?? String(error)})`);
  }
  let plan: Partial<Plan>;
  try {
    plan = JSON.parse(text) as Partial<Plan>;
  } catch {
    if (isManifestFile(file) || /^\s*apiVersion:/m.test(text))
      throw new UsageError(`${file} holds manifests, not a saved plan; ${manifests}`);
    throw new UsageError(`${file} is not a plan saved by sitectl plan --out (it is not JSON)`);
  }
  if (!isPlanDocument(plan) || typeof plan.liveFingerprint !== 'string' || !Array.isArray(plan.changes)) {
    throw new UsageError(`${file} is not a plan saved by sitectl plan --out`);
  }
  if ((plan.summary?.errors ?? 0) > 0) throw new UsageError(`${file} holds a plan with errors; fix the manifests and plan again`);
  return plan as Plan;
}
