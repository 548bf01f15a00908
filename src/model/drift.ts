import type { LiveServer } from './live.js';
import type { ManagedRecord } from './plan.js';
import { describeSettings, sameSettings } from './proxy.js';

const SUP_PROXY_OPTIONS = ['useProxy', 'useProxyForAutomaticDeploymentRules'] as const;

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
    if (role.type !== 'SoftwareUpdatePoint') continue; // the only role settings sitectl writes
    const now = live.roles.find((r) => r.type === role.type);
    if (!now) continue; // a role removed on the site is not a proxy setting sitectl can restore
    for (const field of SUP_PROXY_OPTIONS) {
      if (now[field] !== role[field]) found.push(`${role.type}.${field} is ${String(now[field])}, sitectl set ${String(role[field])}`);
    }
  }
  return found;
}
