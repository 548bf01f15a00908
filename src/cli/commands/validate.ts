import { diagnostic, type Diagnostic } from '../../model/diagnostic.js';
import { readSources } from '../../sources/read-sources.js';
import { validate } from '../../validate.js';
import { palette, useColor } from '../color.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { countDiagnostics, plural, renderDiagnostics } from '../render/diagnostics-text.js';
import { validationReport } from '../render/plan-json.js';
import { today } from '../today.js';

/** ValidateFlags are `sitectl validate`'s options after parsing. */
export interface ValidateFlags {
  readonly filename?: readonly string[];
  readonly output: string;
  readonly strict: boolean;
  readonly color: boolean;
}

/** runValidate checks manifests without reading live state: 0 when valid, 2 when any error (or, with --strict, any warning). */
export async function runValidate(flags: ValidateFlags, io: Io): Promise<ExitCode> {
  if (flags.output !== 'text' && flags.output !== 'json') throw new UsageError(`validate prints -o text or -o json, not ${flags.output}`);
  const paths = flags.filename ?? [];
  if (paths.length === 0) throw new UsageError('validate needs at least one -f PATH (a manifest file, a folder, or - for standard input)');
  const found = await readSources(paths, io.readStdin, io.cwd);
  const result = validate(found.sources, { today: today(io.env) });
  let diagnostics: Diagnostic[] = [...found.diagnostics, ...result.diagnostics];
  if (result.documents === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(diagnostic('NoManifests', `no manifests found in ${paths.join(', ')}`));
  }
  if (flags.strict) diagnostics = diagnostics.map((d) => (d.severity === 'warning' ? { ...d, severity: 'error' } : d));
  const counts = countDiagnostics(diagnostics);

  if (flags.output === 'json') {
    io.stdout(JSON.stringify(validationReport(diagnostics), null, 2) + '\n');
  } else {
    const colors = palette(useColor(flags.color, io.env, io.stdoutIsTTY));
    const body = renderDiagnostics(diagnostics, colors);
    const files = plural(found.sources.length, 'file');
    const tally = `${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}`;
    const verdict = counts.errors > 0 ? colors.red('invalid') : colors.green('valid');
    io.stdout(`${body}${body ? '\n' : ''}${verdict}: ${plural(result.documents, 'document')} in ${files}, ${tally}\n`);
  }
  return counts.errors > 0 ? 2 : 0;
}
