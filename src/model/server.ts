import type { SourcePosition } from './diagnostic.js';
import type { Locator, ObjectRef } from './manifest.js';
import type { DesiredProxy, ProxySettings } from './proxy.js';

/** RoleType is the closed set of site system roles sitectl knows. */
export type RoleType =
  | 'AssetIntelligenceSynchronizationPoint'
  | 'CloudDistributionPoint'
  | 'CloudManagementGatewayConnectionPoint'
  | 'DistributionPoint'
  | 'ExchangeServerConnector'
  | 'ManagementPoint'
  | 'ServiceConnectionPoint'
  | 'SoftwareUpdatePoint';

/** SERVER_ROLE_TYPES are the roles a SiteSystemServer hosts: every RoleType but the cloud distribution point, which runs in Azure. */
export const SERVER_ROLE_TYPES: readonly RoleType[] = [
  'AssetIntelligenceSynchronizationPoint',
  'CloudManagementGatewayConnectionPoint',
  'DistributionPoint',
  'ExchangeServerConnector',
  'ManagementPoint',
  'ServiceConnectionPoint',
  'SoftwareUpdatePoint',
];

/** Origin is where something was declared: the document, its file position and JSON pointer. */
export interface Origin {
  readonly document: ObjectRef;
  readonly source: SourcePosition;
  readonly path: string;
  /** Finds other nodes of the same document, for diagnostics about one field. */
  readonly locate: Locator;
}

/** ProxyNeed is a proxy stated by a role or a server, with where it was written. */
export interface ProxyNeed {
  readonly proxy: DesiredProxy;
  readonly origin: Origin;
}

/** Role is one desired role on a server (or, for a cloud distribution point, on a site). */
export interface Role {
  readonly type: RoleType;
  readonly proxy: ProxyNeed | null;
  readonly useProxy: boolean;
  readonly useProxyForAutomaticDeploymentRules: boolean;
  readonly connectedCache: boolean;
  /** Where the role was declared (the role's mapping). */
  readonly origin: Origin;
}

/**
 * EffectiveProxy is the proxy sitectl will hold a server to (SPEC section 2):
 * `managed` from the server's own spec.proxy or the roles' agreement, `held` when roles
 * disagree and no spec.proxy settles it, `unmanaged` when nobody states one.
 */
export type EffectiveProxy =
  | { readonly state: 'managed'; readonly proxy: DesiredProxy; readonly from: 'server' | 'roles' }
  | { readonly state: 'held' }
  | { readonly state: 'unmanaged' };

/** SiteSystemServer is a desired server: its site, its one proxy and the roles it hosts. */
export interface SiteSystemServer {
  readonly name: string;
  readonly site: string;
  /** spec.proxy as declared, or null when the server leaves it to its roles. */
  readonly declaredProxy: ProxyNeed | null;
  readonly roles: readonly Role[];
  readonly effectiveProxy: EffectiveProxy;
  readonly origin: Origin;
}

/** CloudDistributionPoint is a cloud DP: it runs in Azure and is managed by a primary site. */
export interface CloudDistributionPoint {
  readonly name: string;
  readonly site: string;
  readonly role: Role;
}

/** HostProxy is what rules know of a host's proxy: settings, none, held by a conflict, or unknown (unmanaged, no live state read). */
export type HostProxy =
  | { readonly state: 'set'; readonly settings: ProxySettings }
  | { readonly state: 'none' }
  | { readonly state: 'held' }
  | { readonly state: 'unknown' };
