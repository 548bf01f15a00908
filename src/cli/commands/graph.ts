import { checkManifests, planChecked } from '../../reconcile/pass.js';
import { passOptions, readLive, readManifests, type ManifestFlags, type StateFlags } from '../inputs.js';
import type { ExitCode, Io } from '../io.js';
import { palette } from '../color.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { buildGraph, renderGraph, type GraphFormat } from '../render/graph.js';

/** GraphFlags are `sitectl graph`'s options. */
export interface GraphFlags extends ManifestFlags, StateFlags {
  readonly output: GraphFormat;
  readonly onlyChanges?: boolean;
}

/**
 * runGraph draws sites, servers, roles and proxies, with held servers and pending changes
 * marked (from a plan against the live state). Invalid manifests exit 2 with their diagnostics.
 */
export async function runGraph(flags: GraphFlags, io: Io): Promise<ExitCode> {
  const input = await readManifests(flags, io, 'graph');
  const options = passOptions(flags, io);
  const checked = checkManifests(input, options);
  if (checked.invalid) {
    io.stderr(
      renderDiagnostics(
        checked.report.diagnostics.filter((d) => d.severity === 'error'),
        palette(false),
      ),
    );
    return 2;
  }
  const live = await readLive(flags, io);
  const plan = planChecked(checked, live.state, live.fingerprint, options);
  io.stdout(renderGraph(buildGraph(checked.loaded.desired, plan, live.state, flags.onlyChanges === true), flags.output));
  return 0;
}
