import type { LiveRole } from './live.js';

/** roleChanges lists how the settings of roles differ between two role lists, e.g. `SoftwareUpdatePoint.useProxy false → true`. */
export function roleChanges(before: readonly LiveRole[], after: readonly LiveRole[]): string[] {
  const changes: string[] = [];
  for (const role of after) {
    const old = before.find((r) => r.type === role.type);
    for (const [field, value] of Object.entries(role)) {
      if (field !== 'type' && old?.[field] !== value) changes.push(`${role.type}.${field} ${shown(old?.[field])} → ${shown(value)}`);
    }
  }
  return changes;
}

/** shown writes one role setting for a person: absent is `unset`, a list or object as JSON. */
function shown(value: unknown): string {
  if (value === undefined) return 'unset';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
