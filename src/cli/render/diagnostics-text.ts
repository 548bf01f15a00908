import { formatPosition, type Diagnostic, type Severity } from '../../model/diagnostic.js';
import type { Palette } from '../color.js';

/**
 * renderDiagnostics prints one line per diagnostic, `file:line:col  severity  Code  message`,
 * grouped by file with a blank line between files, so each line links in an editor and greps well.
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], colors: Palette): string {
  const lines: string[] = [];
  let currentFile: string | undefined;
  for (const d of diagnostics) {
    const file = d.source?.file ?? '';
    if (currentFile !== undefined && file !== currentFile) lines.push('');
    currentFile = file;
    const where = d.source ? `${formatPosition(d.source)}  ` : '';
    lines.push(`${where}${paint(d.severity, colors)}  ${colors.bold(d.code)}  ${oneLine(d.message)}`);
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function paint(severity: Severity, colors: Palette): string {
  if (severity === 'error') return colors.red(severity);
  if (severity === 'warning') return colors.yellow(severity);
  return colors.cyan(severity);
}

// A message never spans lines: one problem, one line, whatever the input contained.
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ');
}

/** plural writes `1 error` / `2 errors`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
