import { existsSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Failpoints are named places in the write path where a test can stop or crash the process
 * exactly there, as storage engines test theirs (etcd's gofail, TiKV's fail-rs). They are for
 * tests only: SITECTL_FAILPOINTS sets them when the process starts, e.g.
 *
 *   SITECTL_FAILPOINTS='state.temp-written=crash'
 *   SITECTL_FAILPOINTS='lock.acquired=touch(/tmp/held)->wait(/tmp/go);state.renamed=sleep(200)'
 *
 * Actions, run in order at the point: `crash` (SIGKILL, as a power cut or the OOM killer
 * would end it: no cleanup runs), `sleep(MS)`, `touch(FILE)` (tell the test the process is
 * there) and `wait(FILE)` (until the test creates it). Unset, a failpoint is one lookup in an
 * empty map.
 */
export type Failpoint =
  /** The writer lock is held, before the live state is read under it. */
  | 'lock.acquired'
  /** The live state was read under the lock, before anything is written. */
  | 'state.read'
  /** The next state is written and flushed to a temporary file beside the state, before the rename. */
  | 'state.temp-written'
  /** The temporary file was renamed over the state, before the events are recorded and the lock released. */
  | 'state.renamed';

const FAILPOINTS: readonly Failpoint[] = ['lock.acquired', 'state.read', 'state.temp-written', 'state.renamed'];

type Action = { kind: 'crash' } | { kind: 'sleep'; ms: number } | { kind: 'touch'; file: string } | { kind: 'wait'; file: string };

let enabled: Map<Failpoint, Action[]> | undefined;

/** failpoint runs what SITECTL_FAILPOINTS set for `name`, if anything. */
export async function failpoint(name: Failpoint): Promise<void> {
  enabled ??= parseFailpoints(process.env['SITECTL_FAILPOINTS']);
  const actions = enabled.get(name);
  if (!actions) return;
  for (const action of actions) {
    if (action.kind === 'crash') process.kill(process.pid, 'SIGKILL');
    else if (action.kind === 'sleep') await sleep(action.ms);
    else if (action.kind === 'touch') writeFileSync(action.file, name);
    else while (!existsSync(action.file)) await sleep(10);
  }
}

/** parseFailpoints reads `name=action->action;name=action`; a mistake in it is an error, so that a test never runs without the point it set. */
function parseFailpoints(text: string | undefined): Map<Failpoint, Action[]> {
  const points = new Map<Failpoint, Action[]>();
  for (const entry of (text ?? '').split(';').filter((e) => e.trim() !== '')) {
    const [name, spec] = entry.split('=', 2).map((s) => s.trim());
    const point = FAILPOINTS.find((p) => p === name);
    if (!point || !spec) throw new Error(`SITECTL_FAILPOINTS: ${entry} is not NAME=ACTION with NAME one of ${FAILPOINTS.join(', ')}`);
    points.set(
      point,
      spec.split('->').map((a) => parseAction(a.trim(), entry)),
    );
  }
  return points;
}

function parseAction(text: string, entry: string): Action {
  if (text === 'crash') return { kind: 'crash' };
  const call = /^(sleep|touch|wait)\((.+)\)$/.exec(text);
  if (call?.[1] === 'sleep' && /^\d+$/.test(call[2])) return { kind: 'sleep', ms: Number(call[2]) };
  if (call?.[1] === 'touch' || call?.[1] === 'wait') return { kind: call[1], file: call[2] };
  throw new Error(`SITECTL_FAILPOINTS: ${entry}: ${text} is not crash, sleep(MS), touch(FILE) or wait(FILE)`);
}
