import type { LiveRole, LiveServer } from '../model/live.js';
import { sameSettings } from '../model/proxy.js';
import type { Role, SiteSystemServer } from '../model/server.js';

/**
 * roleSettings is the live form of a role: its type and the settings sitectl writes for it,
 * which are only the software update point's proxy options (Set-CMSoftwareUpdatePoint).
 * Other role fields, such as connectedCache, are inputs to the rules and are never written.
 */
export function roleSettings(role: Role): LiveRole {
  if (role.type === 'SoftwareUpdatePoint') {
    return { type: role.type, useProxy: role.useProxy, useProxyForAutomaticDeploymentRules: role.useProxyForAutomaticDeploymentRules };
  }
  return { type: role.type };
}

/**
 * desiredServerObject is the live object a server should become: the live one (unknown fields
 * kept) with its site, its proxy when sitectl manages it, and its declared roles' settings.
 * Roles the manifests do not declare are left as they are. A server that already is as it
 * should be gets its live object back, the same object, and unchanged parts are shared, so
 * the planner tells "nothing to do" from identity alone.
 */
export function desiredServerObject(server: SiteSystemServer, live: LiveServer | undefined): LiveServer {
  const effective = server.effectiveProxy;
  const wanted = effective.state === 'managed' ? (effective.proxy.enabled ? effective.proxy.settings : null) : (live?.proxy ?? null);
  // ConfigMgr compares host and account case-insensitively: a proxy equal but for case is the live one.
  const proxy = live && sameSettings(live.proxy, wanted) ? live.proxy : wanted && { ...wanted };
  const roles = withRoleSettings(live?.roles ?? [], server.roles);
  // Server names and site codes match case-insensitively: the live spelling is no change.
  const name = live && live.name.toLowerCase() === server.name ? live.name : server.name;
  const site = live && live.site.toUpperCase() === server.site ? live.site : server.site;
  if (live && live.name === name && live.site === site && live.proxy === proxy && live.roles === roles) return live;
  return { ...live, name, site, proxy, roles };
}

/** withRoleSettings merges the declared roles' settings into the live roles; the live list itself when it already holds them. */
function withRoleSettings(live: readonly LiveRole[], declared: readonly Role[]): LiveRole[] {
  let roles = live as LiveRole[];
  for (const role of declared) {
    const wanted = roleSettings(role);
    const index = roles.findIndex((r) => r.type === role.type);
    if (index !== -1 && holds(roles[index], wanted)) continue;
    if (roles === live) roles = [...live];
    if (index === -1) roles.push(wanted);
    else roles[index] = { ...roles[index], ...wanted };
  }
  return roles;
}

/** holds tells whether an object already has every field of `wanted`, with the same values. */
function holds(object: object, wanted: object): boolean {
  for (const key in wanted) {
    if (!Object.hasOwn(object, key) || (object as Record<string, unknown>)[key] !== (wanted as Record<string, unknown>)[key]) return false;
  }
  return true;
}
