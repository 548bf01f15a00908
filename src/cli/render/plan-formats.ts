import { readFileSync } from 'node:fs';
import { yaml } from '../../manifest/yaml-library.js';
import type { Plan } from '../../model/plan.js';
import type { Palette } from '../color.js';
import { packageFile } from '../../package-files.js';
import { VERSION } from '../version.js';
import type { PlanFormat } from './formats.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanText } from './plan-text.js';
import { renderPowerShell } from './powershell.js';

/** renderPlan prints a plan in the chosen format: text for people, json/yaml for tools, patch for RFC 6902 per object, powershell for a real site, markdown for a pull request. */
export function renderPlan(plan: Plan, format: PlanFormat, colors: Palette): string {
  switch (format) {
    case 'text':
      return renderPlanText(plan, colors);
    case 'json':
      return JSON.stringify(plan, null, 2) + '\n';
    case 'yaml':
      // No bookkeeping record (it belongs to saved plans), and every value written out, without anchors.
      return yaml().stringify(
        { ...plan, changes: plan.changes.map(({ record: _record, ...change }) => change) },
        { aliasDuplicateObjects: false },
      );
    case 'patch':
      return (
        JSON.stringify(
          plan.changes.map((c) => ({ object: `${c.kind}/${c.name}`, action: c.action, patch: c.patch })),
          null,
          2,
        ) + '\n'
      );
    case 'powershell':
      return renderPowerShell(plan, VERSION, readFileSync(packageFile('scripts/SitectlSite.ps1'), 'utf8'));
    case 'markdown':
      return renderPlanMarkdown(plan);
  }
}
