import type { LiveServer } from './live.js';
import type { ManagedRecord } from './plan.js';
import { describeSettings, sameSettings } from './proxy.js';

/**
 * driftOf lists how a live server differs from what sitectl last wrote to it, in words; an
 * empty list means no drift. Only the fields sitectl wrote are compared.
 */
export function driftOf(record: ManagedRecord, live: LiveServer | undefined): string[] {
  if (!live) return ['the server is gone from the site'];
  const found: string[] = [];
  if (record.proxy !== undefined && !sameSettings(record.proxy, live.proxy)) {
    found.push(`proxy is ${describeSettings(live.proxy)}, sitectl set ${describeSettings(record.proxy)}`);
  }
  for (const role of record.roles) {
    const now = live.roles.find((r) => r.type === role.type);
    if (!now) continue; // a role removed on the site is not a proxy setting sitectl can restore
    for (const [field, value] of Object.entries(role)) {
      if (field !== 'type' && now[field] !== value) found.push(`${role.type}.${field} is ${String(now[field])}, sitectl set ${String(value)}`);
    }
  }
  return found;
}
