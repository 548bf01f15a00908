import type { Change, Plan } from '../../model/plan.js';
import { describeSettings, sameSettings } from '../../model/proxy.js';
import { formatPosition } from '../../model/diagnostic.js';
import { roleChanges } from '../../model/role-changes.js';
import { summaryLine } from './plan-text.js';

const ICON: Readonly<Record<Change['action'], string>> = { create: '➕', update: '✏️', hold: '⏸️', prune: '➖' };

/** mdCell makes text safe in a Markdown table cell of a pull-request comment: one line, no table breaks, no HTML. */
export function mdCell(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'")
    .trim();
}

/**
 * renderPlanMarkdown prints a plan for a pull-request comment or a CI job summary: a heading
 * with the summary, a table of the servers that change (or are held), and the diagnostics.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const lines: string[] = [`### sitectl: ${mdCell(summaryLine(plan))}`, ''];
  if (plan.changes.length > 0) {
    lines.push('| | Server | Action | Proxy now | Proxy after | Also |', '|---|---|---|---|---|---|');
    for (const change of plan.changes) {
      const before = change.before;
      const after = change.after;
      const now = change.action === 'create' ? '—' : describeSettings(before.proxy ?? null);
      const next = change.action === 'hold' ? 'held: unchanged' : describeSettings(after.proxy ?? null);
      const proxyChanged = change.action === 'create' || !sameSettings(before.proxy ?? null, after.proxy ?? null);
      const roles = change.action === 'update' ? roleChanges(before.roles ?? [], after.roles ?? []).join(', ') : '';
      const also = [change.reason, change.drift ? 'corrects drift made on the site' : undefined, roles].filter(Boolean).join('; ');
      lines.push(
        `| ${ICON[change.action]} | \`${mdCell(change.name)}\` | ${change.action} | ${mdCell(now)} | ${proxyChanged || change.action === 'hold' ? mdCell(next) : 'unchanged'} | ${mdCell(also)} |`,
      );
    }
    lines.push('');
  } else {
    lines.push('No server changes.', '');
  }
  if (plan.diagnostics.length > 0) {
    const counts = `${plan.summary.errors} error${plan.summary.errors === 1 ? '' : 's'}, ${plan.summary.warnings} warning${plan.summary.warnings === 1 ? '' : 's'}`;
    lines.push(`#### Diagnostics (${counts})`, '', '| Severity | Code | Where | Message |', '|---|---|---|---|');
    for (const d of plan.diagnostics) {
      const where = d.source
        ? `\`${mdCell(formatPosition(d.source))}\``
        : d.object
          ? `\`${mdCell(`${d.object.kind}/${d.object.name}`)}\``
          : '';
      lines.push(`| ${d.severity} | ${d.code} | ${where} | ${mdCell(d.message)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
