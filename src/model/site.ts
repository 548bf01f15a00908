import type { SourcePosition } from './diagnostic.js';

/** SiteType is a ConfigMgr site's place in the hierarchy. */
export type SiteType = 'CentralAdministrationSite' | 'PrimarySite' | 'SecondarySite';

/** SiteFeatures are the Entra features that use the service connection point's proxy (2002+). */
export interface SiteFeatures {
  readonly entraUserDiscovery: boolean;
  readonly entraGroupDiscovery: boolean;
  readonly entraCollectionSync: boolean;
}

/** Site is a desired site, normalised: upper-case codes, lower-case site server FQDN. */
export interface Site {
  readonly code: string;
  readonly type: SiteType;
  readonly version: number;
  readonly hotfixes: readonly string[];
  readonly parent: string | null;
  readonly siteServer: string;
  readonly requireProxy: boolean;
  readonly features: SiteFeatures;
  readonly origin: SourcePosition;
  /** Finds a node of the Site document, for diagnostics about one of its fields. */
  readonly at: (pointer: string) => SourcePosition;
}
