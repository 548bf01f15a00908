import { diagnostic } from '../model/diagnostic.js';
import { describeProxy, sameProxy } from '../model/proxy.js';
import type { Rule } from './context.js';
import { CONNECTED_CACHE_AUTH_HOTFIX, ROLE_LOGS } from './role-facts.js';
import { at, declaredAt, roleLabel } from './where.js';

const SEPARATE =
  'A site system server has one proxy, shared by all its roles; place roles that need different proxies on separate site system servers.';

/** proxyConflict warns when a server's roles need different proxies, or a role's proxy differs from the server's spec.proxy (SPEC section 2). */
export const proxyConflict: Rule = (ctx) => {
  for (const server of ctx.servers) {
    if (!server.roles.some((role) => role.proxy)) continue;
    const needs = server.roles.flatMap((role) => (role.proxy ? [{ role, need: role.proxy }] : []));
    const declared = server.declaredProxy;
    if (declared) {
      for (const { role, need } of needs) {
        if (sameProxy(need.proxy, declared.proxy)) continue;
        const message =
          `${roleLabel(role, server)} (${declaredAt(role.origin)}) needs ${describeProxy(need.proxy)}, but the server's spec.proxy ` +
          `(${declaredAt(declared.origin)}) is ${describeProxy(declared.proxy)}; the server's proxy wins and this role will use it. ${SEPARATE}`;
        ctx.report(diagnostic('ProxyConflict', message, at(need.origin)));
      }
      continue;
    }
    if (server.effectiveProxy.state !== 'held') continue;
    const first = needs[0];
    const overruled = needs.find(({ need }) => !sameProxy(need.proxy, first.need.proxy))!;
    const list = needs.map(({ role, need }) => `${role.type} (${declaredAt(role.origin)}) needs ${describeProxy(need.proxy)}`).join('; ');
    const message =
      `roles on ${server.name} need different proxies: ${list}. sitectl holds this server's proxy and writes nothing for it until ` +
      `spec.proxy on the server chooses one. ${SEPARATE}`;
    ctx.report(diagnostic('ProxyConflict', message, at(overruled.need.origin)));
  }
};

/** roleProxyWithoutServerProxy errs when a software update point's proxy options are on but its server has no proxy. */
export const roleProxyWithoutServerProxy: Rule = (ctx) => {
  for (const server of ctx.servers) {
    for (const role of server.roles) {
      if (role.type !== 'SoftwareUpdatePoint' || !(role.useProxy || role.useProxyForAutomaticDeploymentRules)) continue;
      const effective = server.effectiveProxy;
      // A held or unmanaged proxy stays as it is live, so only live state can tell (validate reads none).
      const noProxy = effective.state === 'managed' ? !effective.proxy.enabled : ctx.liveProxy(server.name) === null;
      if (!noProxy) continue;
      const field = role.useProxy ? 'useProxy' : 'useProxyForAutomaticDeploymentRules';
      const why =
        effective.state === 'managed'
          ? `its spec.proxy (${declaredAt(server.declaredProxy!.origin)}) is { enabled: false }`
          : 'it has no proxy on the live site';
      const message =
        `${roleLabel(role, server)} has ${field}: true, but the server has no proxy: ${why}. Configure the server's proxy first or turn ` +
        `the option off; failed synchronizations show in ${ROLE_LOGS.SoftwareUpdatePoint}.`;
      ctx.report(diagnostic('RoleProxyWithoutServerProxy', message, at(role.origin, field)));
    }
  }
};

/** proxyNotConfigurableOnRole errs when a cloud distribution point states a proxy: it runs in Azure; its managing site server needs it. */
export const proxyNotConfigurableOnRole: Rule = (ctx) => {
  for (const cdp of ctx.cloudDistributionPoints) {
    if (!cdp.role.proxy) continue;
    const site = ctx.desired.sites.get(cdp.site);
    const host = site
      ? `${site.siteServer}, the site server of ${site.code} that manages it`
      : `the site server of ${cdp.site}, which manages it`;
    const message =
      `cloud distribution point '${cdp.name}' runs in Microsoft Azure and has no proxy of its own; remove this proxy and set it on ` +
      `${host} (connections show in ${ROLE_LOGS.CloudDistributionPoint}).`;
    ctx.report(diagnostic('ProxyNotConfigurableOnRole', message, at(cdp.role.proxy.origin)));
  }
};

/** connectedCacheProxyUnsupported errs when a Connected Cache distribution point would use a proxy its site's version cannot use. */
export const connectedCacheProxyUnsupported: Rule = (ctx) => {
  for (const server of ctx.servers) {
    const site = ctx.siteOf(server);
    if (!site) continue;
    for (const role of server.roles) {
      if (role.type !== 'DistributionPoint' || !role.connectedCache) continue;
      if (site.version >= 2603) continue; // any proxy works from 2603
      const host = ctx.hostProxy(server.name);
      if (host.state !== 'set') continue;
      let problem: string | undefined;
      if (site.version < 2002) {
        problem = `site ${site.code} runs ${site.version}, and Connected Cache can use a proxy only from 2002; upgrade the site or give this server no proxy`;
      } else if (site.version < 2603 && host.settings.account !== null) {
        const hotfixFits = [2409, 2503, 2509].includes(site.version) && site.hotfixes.includes(CONNECTED_CACHE_AUTH_HOTFIX);
        if (!hotfixFits) {
          problem =
            `site ${site.code} runs ${site.version}, where Connected Cache supports only an unauthenticated proxy, but this server's proxy ` +
            `uses account ${host.settings.account}; remove the account, install ${CONNECTED_CACHE_AUTH_HOTFIX} (2409, 2503 or 2509) ` +
            `and list it in the Site's hotfixes, or upgrade to 2603`;
        }
      }
      if (!problem) continue;
      const message = `Connected Cache on ${server.name} cannot use this proxy: ${problem}. Failures show in ${ROLE_LOGS.DistributionPoint}.`;
      ctx.report(diagnostic('ConnectedCacheProxyUnsupported', message, at(role.origin, 'connectedCache')));
    }
  }
};

/** managementPointIgnoresSiteProxy notes that from 2603 a management point validates Entra tokens without the site system proxy. */
export const managementPointIgnoresSiteProxy: Rule = (ctx) => {
  for (const server of ctx.servers) {
    const site = ctx.siteOf(server);
    if (!site || site.version < 2603 || ctx.hostProxy(server.name).state !== 'set') continue;
    for (const role of server.roles) {
      if (role.type !== 'ManagementPoint') continue;
      const message =
        `the management point on ${server.name} (site ${site.code}, ${site.version}) does not use the site system proxy for Microsoft Entra ` +
        `token validation; set the Local System WinINET proxy in this host's registry and restart SMS_EXECUTIVE.`;
      ctx.report(diagnostic('ManagementPointIgnoresSiteProxy', message, at(role.origin)));
    }
  }
};
