import type { LiveRole, LiveServer } from '../model/live.js';
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
 * Roles the manifests do not declare are left as they are.
 */
export function desiredServerObject(server: SiteSystemServer, live: LiveServer | undefined): LiveServer {
  const effective = server.effectiveProxy;
  const proxy = effective.state === 'managed' ? (effective.proxy.enabled ? { ...effective.proxy.settings } : null) : (live?.proxy ?? null);
  const roles: LiveRole[] = [...(live?.roles ?? [])];
  for (const role of server.roles) {
    const wanted = roleSettings(role);
    const index = roles.findIndex((r) => r.type === role.type);
    if (index === -1) roles.push(wanted);
    else roles[index] = { ...roles[index], ...wanted };
  }
  return { ...live, name: server.name, site: server.site, proxy, roles };
}
