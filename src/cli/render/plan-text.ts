import { yaml } from '../../manifest/yaml-library.js';
import type { Change, Plan } from '../../model/plan.js';
import type { Palette } from '../color.js';
import { renderDiagnostics } from './diagnostics-text.js';
import { diffLines } from './line-diff.js';

const MARK: Readonly<Record<Change['action'], string>> = { create: '+', update: '~', hold: '!', prune: '-' };

/**
 * renderPlanText prints a plan in the manner of `kubectl diff`: per server a header with its
 * action, then the YAML of the live object and of what it becomes, line by line; then the
 * diagnostics and a one-line summary.
 */
export function renderPlanText(plan: Plan, colors: Palette): string {
  const parts: string[] = [];
  for (const change of plan.changes) parts.push(renderChange(change, colors));
  const diagnostics = renderDiagnostics(plan.diagnostics, colors);
  if (diagnostics) parts.push(diagnostics);
  parts.push(summaryLine(plan) + '\n');
  return parts.join('\n');
}

function renderChange(change: Change, colors: Palette): string {
  const header = colors.bold(`${MARK[change.action]} ${change.kind} ${change.name} (${change.action})`);
  const reason = change.reason ? `\n  ${colors.dim('# ' + change.reason)}` : '';
  if (change.action === 'hold') return `${header}${reason}\n`;
  const before = Object.keys(change.before).length === 0 ? '' : yaml().stringify(change.before);
  const lines = diffLines(before, yaml().stringify(change.after)).map(({ op, text }) => {
    const line = `${op} ${text}`;
    return op === '+' ? colors.green(line) : op === '-' ? colors.red(line) : colors.dim(line);
  });
  return `${header}${reason}\n${lines.map((l) => '  ' + l).join('\n')}\n`;
}

/** summaryLine is the one-line tally: `2 to create, 1 to update, 1 held, 40 unchanged`. */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const parts = [`${s.create} to create`, `${s.update} to update`];
  if (s.prune > 0) parts.push(`${s.prune} to prune`);
  parts.push(`${s.hold} held`, `${s.unchanged} unchanged`);
  const problems =
    s.errors > 0 || s.warnings > 0
      ? ` (${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'})`
      : '';
  return parts.join(', ') + problems;
}
