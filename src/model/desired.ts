import type { SiteSystemServer, CloudDistributionPoint } from './server.js';
import type { Site } from './site.js';
import type { ProxySettings } from './proxy.js';

/** DesiredState is everything the manifests ask for, resolved and keyed by normalised name. */
export interface DesiredState {
  readonly sites: ReadonlyMap<string, Site>;
  readonly proxies: ReadonlyMap<string, ProxySettings>;
  readonly servers: ReadonlyMap<string, SiteSystemServer>;
  readonly cloudDistributionPoints: readonly CloudDistributionPoint[];
}
