import type { LiveRole } from './live.js';

/** roleChanges lists how the settings of roles differ between two role lists, e.g. `SoftwareUpdatePoint.useProxy false → true`. */
export function roleChanges(before: readonly LiveRole[], after: readonly LiveRole[]): string[] {
  const changes: string[] = [];
  for (const role of after) {
    const old = before.find((r) => r.type === role.type);
    for (const [field, value] of Object.entries(role)) {
      if (field !== 'type' && old?.[field] !== value) changes.push(`${role.type}.${field} ${String(old?.[field] ?? 'unset')} → ${String(value)}`);
    }
  }
  return changes;
}
