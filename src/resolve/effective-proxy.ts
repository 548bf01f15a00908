import { sameProxy } from '../model/proxy.js';
import type { EffectiveProxy, ProxyNeed, Role } from '../model/server.js';

/**
 * effectiveProxy applies SPEC section 2: the server's own spec.proxy wins; otherwise the one
 * proxy all roles that state one agree on; roles that disagree hold the host; nobody
 * stating one leaves it unmanaged.
 */
export function effectiveProxy(declared: ProxyNeed | null, roles: readonly Role[]): EffectiveProxy {
  if (declared) return { state: 'managed', proxy: declared.proxy, from: 'server' };
  const needs = roles.flatMap((r) => (r.proxy ? [r.proxy] : []));
  const first = needs[0];
  if (!first) return { state: 'unmanaged' };
  if (needs.every((n) => sameProxy(n.proxy, first.proxy))) return { state: 'managed', proxy: first.proxy, from: 'roles' };
  return { state: 'held' };
}
