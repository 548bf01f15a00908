import { checkManifests } from '../../reconcile/pass.js';
import { palette, useColor } from '../color.js';
import { readManifests, passOptions, type ManifestFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { plural, renderDiagnostics } from '../render/diagnostics-text.js';

/** ValidateFlags are `sitectl validate`'s options after parsing. */
export interface ValidateFlags extends ManifestFlags {
  readonly output: string;
  readonly color: boolean;
}

/** runValidate checks manifests without reading live state: 0 when valid, 2 when any error (or, with --strict, any warning). */
export async function runValidate(flags: ValidateFlags, io: Io): Promise<ExitCode> {
  if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`validate prints -o text or -o json, not ${flags.output}`);
  const input = await readManifests(flags, io, 'validate');
  const { report, loaded, invalid } = checkManifests(input, passOptions(flags, io));
  if (flags.output === 'json') {
    io.stdout(JSON.stringify(report, null, 2) + '\n');
  } else {
    const colors = palette(useColor(flags.color, io.env, io.stdoutIsTTY));
    const body = renderDiagnostics(report.diagnostics, colors);
    const tally = `${plural(report.summary.errors, 'error')}, ${plural(report.summary.warnings, 'warning')}`;
    const verdict = invalid ? colors.red('invalid') : colors.green('valid');
    const counted = `${plural(loaded.documents, 'document')} in ${plural(input.sources.length, 'file')}`;
    io.stdout(`${body}${body ? '\n' : ''}${verdict}: ${counted}, ${tally}\n`);
  }
  return invalid ? 2 : 0;
}
