import type { Kind } from '../model/manifest.js';

/**
 * normaliseName applies SPEC section 1's case rules: site codes upper case, everything else
 * (FQDNs, proxy and role names) lower case, so names match case-insensitively.
 */
export function normaliseName(kind: Kind, name: string): string {
  return kind === 'Site' ? name.toUpperCase() : name.toLowerCase();
}

/** normaliseSiteCode upper-cases a site code wherever it is referenced. */
export function normaliseSiteCode(code: string): string {
  return code.toUpperCase();
}

/** normaliseHost lower-cases a host name (DNS names are case-insensitive) and drops the root's trailing dot. */
export function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}
