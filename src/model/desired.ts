import type { SiteSystemServer, CloudDistributionPoint } from './server.js';
import type { Site } from './site.js';
import { settingsKey, type ProxySettings } from './proxy.js';

/** DesiredState is everything the manifests ask for, resolved and keyed by normalised name. */
export interface DesiredState {
  readonly sites: ReadonlyMap<string, Site>;
  readonly proxies: ReadonlyMap<string, ProxySettings>;
  readonly servers: ReadonlyMap<string, SiteSystemServer>;
  readonly cloudDistributionPoints: readonly CloudDistributionPoint[];
}

/** proxyNamesBySettings gives, by settingsKey, the names of the Proxy documents that declare those settings. */
export function proxyNamesBySettings(desired: DesiredState): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const [name, settings] of desired.proxies) {
    const key = settingsKey(settings);
    names.set(key, [...(names.get(key) ?? []), name].sort());
  }
  return names;
}
