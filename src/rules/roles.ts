import { diagnostic } from '../model/diagnostic.js';
import type { Role, RoleType, SiteSystemServer } from '../model/server.js';
import type { Rule } from './context.js';
import { at, declaredAt, roleLabel } from './where.js';

/** duplicateRole errs when one server hosts two roles of the same type (inline or through SiteSystemRole documents). */
export const duplicateRole: Rule = (ctx) => {
  for (const server of ctx.servers) {
    if (server.roles.length < 2) continue;
    const seen = new Map<RoleType, Role>();
    for (const role of server.roles) {
      const first = seen.get(role.type);
      if (!first) {
        seen.set(role.type, role);
        continue;
      }
      const message = `${server.name} already hosts a ${role.type} (${declaredAt(first.origin)}); a server hosts at most one role of each type, so remove one of them.`;
      ctx.report(diagnostic('DuplicateRole', message, at(role.origin, 'type')));
    }
  }
};

const SINGLETONS: readonly RoleType[] = ['ServiceConnectionPoint', 'AssetIntelligenceSynchronizationPoint'];

/** singletonRoleDuplicated errs when the hierarchy has more than one service connection point or Asset Intelligence synchronization point. */
export const singletonRoleDuplicated: Rule = (ctx) => {
  const first = new Map<RoleType, { role: Role; server: SiteSystemServer }>();
  for (const server of ctx.servers) {
    for (const role of server.roles) {
      if (!SINGLETONS.includes(role.type)) continue;
      const seen = first.get(role.type);
      if (!seen) {
        first.set(role.type, { role, server });
        continue;
      }
      if (seen.server === server) continue; // the same host twice is a DuplicateRole
      const message = `a hierarchy has one ${role.type}, and it is already on ${seen.server.name} (${declaredAt(seen.role.origin)}); remove this one.`;
      ctx.report(diagnostic('SingletonRoleDuplicated', message, at(role.origin, 'type')));
    }
  }
};

/** roleDeprecated warns about the Asset Intelligence synchronization point and about cloud distribution points on 2107 and later. */
export const roleDeprecated: Rule = (ctx) => {
  for (const server of ctx.servers) {
    const site = ctx.siteOf(server);
    for (const role of server.roles) {
      if (role.type !== 'AssetIntelligenceSynchronizationPoint') continue;
      const removed = site && site.version >= 2603 ? ' and is no longer offered when adding roles from 2603' : '';
      const message = `${roleLabel(role, server)}: the Asset Intelligence synchronization point is deprecated since November 2021${removed}; plan to remove it.`;
      ctx.report(diagnostic('RoleDeprecated', message, at(role.origin, 'type')));
    }
  }
  for (const cdp of ctx.cloudDistributionPoints) {
    const site = ctx.desired.sites.get(cdp.site);
    if (!site || site.version < 2107) continue;
    const message =
      `cloud distribution point '${cdp.name}': cloud distribution points are deprecated and none can be created on ${site.version} ` +
      `(since 2107); use a content-enabled cloud management gateway instead.`;
    ctx.report(diagnostic('RoleDeprecated', message, at(cdp.role.origin, 'type')));
  }
};

/** settingIgnoredOnSecondarySite warns that a software update point at a secondary site does not use the ADR proxy option. */
export const settingIgnoredOnSecondarySite: Rule = (ctx) => {
  for (const server of ctx.servers) {
    if (ctx.siteOf(server)?.type !== 'SecondarySite') continue;
    for (const role of server.roles) {
      if (role.type !== 'SoftwareUpdatePoint' || !role.useProxyForAutomaticDeploymentRules) continue;
      const message = `${roleLabel(role, server)}: software update points at secondary site ${server.site} do not use useProxyForAutomaticDeploymentRules; the setting has no effect there.`;
      ctx.report(diagnostic('SettingIgnoredOnSecondarySite', message, at(role.origin, 'useProxyForAutomaticDeploymentRules')));
    }
  }
};
