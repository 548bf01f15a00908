import type { DesiredState } from '../model/desired.js';
import { settingsKey } from '../model/proxy.js';

/** KeptSite is what a Site document says that a live state cannot: requireProxy, hotfixes, and the features that are on. */
export interface KeptSite {
  readonly requireProxy: boolean;
  readonly hotfixes: readonly string[];
  readonly features: Readonly<Record<string, boolean>>;
}

/**
 * Kept is what the manifests already in a folder say that a live state cannot, carried into a
 * re-import there so that the administrator's answers to the review are not undone: site
 * facts, which distribution points run Connected Cache, and the names of Proxy documents.
 */
export interface Kept {
  /** By site code, upper case. */
  readonly sites: ReadonlyMap<string, KeptSite>;
  /** Proxy document names by settingsKey. */
  readonly proxyNames: ReadonlyMap<string, string>;
  /** Servers (lower case) whose distribution point has `connectedCache: true`. */
  readonly connectedCache: ReadonlySet<string>;
}

/** NOTHING_KEPT is a first import's: no manifests were there. */
export const NOTHING_KEPT: Kept = { sites: new Map(), proxyNames: new Map(), connectedCache: new Set() };

/** keptFrom reads what to keep out of the desired state that a folder's manifests describe. */
export function keptFrom(desired: DesiredState): Kept {
  const sites = new Map<string, KeptSite>();
  for (const [code, site] of desired.sites) {
    const features = Object.fromEntries(Object.entries(site.features).filter(([, on]) => on));
    sites.set(code, { requireProxy: site.requireProxy, hotfixes: site.hotfixes, features });
  }
  const proxyNames = new Map<string, string>();
  for (const [name, settings] of [...desired.proxies].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!proxyNames.has(settingsKey(settings))) proxyNames.set(settingsKey(settings), name);
  }
  const connectedCache = new Set<string>();
  for (const server of desired.servers.values()) {
    if (server.roles.some((r) => r.type === 'DistributionPoint' && r.connectedCache)) connectedCache.add(server.name);
  }
  return { sites, proxyNames, connectedCache };
}
