import { diagnostic } from '../model/diagnostic.js';
import { driftOf } from '../model/drift.js';
import type { LiveSite } from '../model/live.js';
import { DEFAULT_PROXY_PORT, describeSettings, sameSettings, type ProxySettings } from '../model/proxy.js';
import type { Origin, SiteSystemServer } from '../model/server.js';
import type { Site } from '../model/site.js';
import type { Rule } from './context.js';
import { at } from './where.js';

// These rules compare the manifests with the live state; `validate` reads none, so they stay silent there.

/**
 * managedSettings gives the proxy settings sitectl will write to a server and where they were
 * stated: the Proxy document when the server or role refers to one (that is where a port or
 * account is added), else the inline proxy.
 */
function managedSettings(server: SiteSystemServer): { settings: ProxySettings; origin: Origin } | undefined {
  const effective = server.effectiveProxy;
  if (effective.state !== 'managed' || !effective.proxy.enabled) return undefined;
  const origin =
    effective.proxy.document ??
    (effective.from === 'server' ? server.declaredProxy!.origin : server.roles.find((r) => r.proxy)!.proxy!.origin);
  return { settings: effective.proxy.settings, origin };
}

/** proxyResetOnOverwrite warns when writing a proxy resets a port or account the live proxy had (ConfigMgr replaces the whole configuration). */
export const proxyResetOnOverwrite: Rule = (ctx) => {
  if (!ctx.live) return;
  for (const server of ctx.servers) {
    const wanted = managedSettings(server);
    const current = ctx.liveProxy(server.name);
    if (!wanted || !current || sameSettings(wanted.settings, current)) continue;
    const resets: string[] = [];
    if (wanted.settings.port === DEFAULT_PROXY_PORT && current.port !== DEFAULT_PROXY_PORT)
      resets.push(`port ${current.port} becomes ${DEFAULT_PROXY_PORT}`);
    if (wanted.settings.account === null && current.account !== null) resets.push(`account ${current.account} becomes the System account`);
    if (resets.length === 0) continue;
    const message =
      `writing ${describeSettings(wanted.settings)} to ${server.name} replaces its whole proxy configuration: ${resets.join(', and ')}. ` +
      `State the port and account in the manifest to keep them.`;
    ctx.report(diagnostic('ProxyResetOnOverwrite', message, at(wanted.origin)));
  }
};

/** accountNotFound warns once per proxy account that the live site's account list does not have. */
export const accountNotFound: Rule = (ctx) => {
  const accounts = ctx.live?.accounts;
  if (!accounts) return;
  const known = new Set(accounts.map((a) => a.toLowerCase()));
  const missing = new Map<string, { account: string; origin: Origin; servers: number }>();
  for (const server of ctx.servers) {
    const account = managedSettings(server)?.settings.account;
    if (!account || known.has(account.toLowerCase())) continue;
    const seen = missing.get(account.toLowerCase());
    missing.set(account.toLowerCase(), {
      account,
      origin: seen?.origin ?? managedSettings(server)!.origin,
      servers: (seen?.servers ?? 0) + 1,
    });
  }
  for (const { account, origin, servers } of missing.values()) {
    const message =
      `proxy account ${account} (used by ${servers} server${servers === 1 ? '' : 's'}) does not exist in ConfigMgr; create it under ` +
      `Administration > Security > Accounts before applying, or the proxy cannot authenticate (see SMSProv.log and hman.log).`;
    ctx.report(diagnostic('AccountNotFound', message, at(origin, 'account')));
  }
};

/** siteMismatch warns when a live site differs from its manifest; sites are inputs to the rules and are never written. */
export const siteMismatch: Rule = (ctx) => {
  if (!ctx.live) return;
  const liveSites = new Map(ctx.live.sites.map((s) => [s.code.toUpperCase(), s]));
  for (const site of ctx.sites) {
    const live = liveSites.get(site.code);
    if (!live) continue;
    const differences = siteDifferences(site, live);
    if (differences.length === 0) continue;
    const message = `site ${site.code} on the live site differs from its manifest: ${differences.join('; ')}. sitectl never writes sites; update the manifest or the site.`;
    ctx.report(
      diagnostic('SiteMismatch', message, { object: { kind: 'Site', name: site.code }, source: site.origin, path: '/metadata/name' }),
    );
  }
};

function siteDifferences(site: Site, live: LiveSite): string[] {
  const found: string[] = [];
  const compare = (field: string, manifest: unknown, current: unknown) => {
    if (manifest !== current) found.push(`${field} is ${String(current)} live, ${String(manifest)} in the manifest`);
  };
  compare('type', site.type, live.type);
  compare('version', site.version, live.version);
  compare('parent', site.parent ?? 'none', live.parent ? live.parent.toUpperCase() : 'none');
  compare('siteServer', site.siteServer, live.siteServer.toLowerCase());
  // An export may not know hotfixes or features; only what the live state states is compared.
  const hotfixes = (list: readonly string[]) =>
    [...list]
      .map((h) => h.toUpperCase())
      .sort()
      .join(', ') || 'none';
  if (live.hotfixes) compare('hotfixes', hotfixes(site.hotfixes), hotfixes(live.hotfixes));
  if (live.features)
    for (const [feature, on] of Object.entries(site.features)) compare(`features.${feature}`, on, live.features[feature] ?? false);
  return found;
}

/** driftDetected warns when a server sitectl manages was changed on the site since sitectl last wrote it. */
export const driftDetected: Rule = (ctx) => {
  const records = ctx.live?.managed?.servers;
  if (!records) return;
  for (const server of ctx.servers) {
    const record = records[server.name];
    if (!record) continue;
    const drift = driftOf(record, ctx.liveServer(server.name));
    if (drift.length === 0) continue;
    const message = `${server.name} was changed on the site since sitectl applied revision ${record.revision}: ${drift.join('; ')}.`;
    ctx.report(diagnostic('DriftDetected', message, at(server.origin)));
  }
};
