import { diagnostic } from '../model/diagnostic.js';
import type { Rule } from './context.js';
import { isInternetFacing, ROLE_LOGS } from './role-facts.js';
import { at, roleLabel } from './where.js';

/** internetRoleWithoutProxy warns, on sites that require a proxy, about internet-facing roles whose host ends up with none. */
export const internetRoleWithoutProxy: Rule = (ctx) => {
  for (const server of ctx.servers) {
    const site = ctx.siteOf(server);
    // A held host is already a ProxyConflict; an unknown one (validate, unmanaged) cannot be judged.
    if (!site?.requireProxy || !server.roles.some(isInternetFacing) || ctx.hostProxy(server.name).state !== 'none') continue;
    for (const role of server.roles.filter(isInternetFacing)) {
      const message =
        `site ${site.code} requires a proxy for internet access, but ${server.name} has none, so ${roleLabel(role, server)} cannot reach ` +
        `the internet; give the server a proxy (spec.proxy). Failures show in ${ROLE_LOGS[role.type]}.`;
      ctx.report(diagnostic('InternetRoleWithoutProxy', message, at(role.origin)));
    }
  }
  for (const cdp of ctx.cloudDistributionPoints) {
    const site = ctx.desired.sites.get(cdp.site);
    if (!site?.requireProxy || ctx.hostProxy(site.siteServer).state !== 'none') continue;
    const message =
      `site ${site.code} requires a proxy for internet access, but its site server ${site.siteServer}, which manages cloud distribution ` +
      `point '${cdp.name}' in Azure, has none; give that server a proxy. Failures show in ${ROLE_LOGS.CloudDistributionPoint}.`;
    ctx.report(diagnostic('InternetRoleWithoutProxy', message, at(cdp.role.origin)));
  }
};

/** adrDownloadWithoutProxy warns when a site requires a proxy but a software update point's ADR downloads would not use it. */
export const adrDownloadWithoutProxy: Rule = (ctx) => {
  for (const server of ctx.servers) {
    const site = ctx.siteOf(server);
    // Secondary sites do not use the ADR option at all (SettingIgnoredOnSecondarySite covers it).
    if (!site?.requireProxy || site.type === 'SecondarySite') continue;
    for (const role of server.roles) {
      if (role.type !== 'SoftwareUpdatePoint' || role.useProxyForAutomaticDeploymentRules) continue;
      const message =
        `site ${site.code} requires a proxy, but ${roleLabel(role, server)} has useProxyForAutomaticDeploymentRules off: automatic ` +
        `deployment rules then download as the site server's System account, and where that cannot reach the internet ruleengine.log ` +
        `shows "Failed to download the update from internet. Error = 12007." Set useProxyForAutomaticDeploymentRules: true.`;
      ctx.report(diagnostic('AdrDownloadWithoutProxy', message, at(role.origin, 'useProxyForAutomaticDeploymentRules')));
    }
  }
};
