import type { ManagedRecord } from './plan.js';
import type { ProxySettings } from './proxy.js';

/** LiveRole is a role as the live site reports it. */
export interface LiveRole {
  readonly type: string;
  readonly useProxy?: boolean;
  readonly useProxyForAutomaticDeploymentRules?: boolean;
  readonly connectedCache?: boolean;
  readonly [field: string]: unknown;
}

/** LiveServer is a site system server as the live site reports it; `proxy: null` means none. */
export interface LiveServer {
  readonly name: string;
  readonly site: string;
  readonly proxy: ProxySettings | null;
  readonly roles: readonly LiveRole[];
  readonly [field: string]: unknown;
}

/** LiveSite is a site as the live site reports it. */
export interface LiveSite {
  readonly code: string;
  readonly type: string;
  readonly version: number;
  readonly hotfixes?: readonly string[];
  readonly parent?: string | null;
  readonly siteServer: string;
  readonly features?: Readonly<Record<string, boolean>>;
  readonly [field: string]: unknown;
}

/** LiveState is the one JSON document of SPEC.md section 3: what ConfigMgr has now. */
export interface LiveState {
  readonly apiVersion: 'sitectl/v1';
  readonly kind: 'LiveState';
  readonly revision: number;
  readonly sites: readonly LiveSite[];
  readonly servers: readonly LiveServer[];
  /** Known ConfigMgr accounts; absent when unknown, which turns AccountNotFound off. */
  readonly accounts?: readonly string[];
  /** sitectl's bookkeeping: what it last wrote to each server, by server name. */
  readonly managed?: { readonly servers?: Readonly<Record<string, ManagedRecord>> };
  readonly [field: string]: unknown;
}

/** EMPTY_LIVE_STATE is what a state file that does not exist yet reads as. */
export const EMPTY_LIVE_STATE: LiveState = { apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 0, sites: [], servers: [] };

const indexes = new WeakMap<LiveState, ReadonlyMap<string, LiveServer>>();

/** liveServerIndex finds a live state's servers by lower-case name; built once per state, as the rules and the planner both ask. */
export function liveServerIndex(live: LiveState): ReadonlyMap<string, LiveServer> {
  let index = indexes.get(live);
  if (!index) {
    index = new Map(live.servers.map((s) => [s.name.toLowerCase(), s]));
    indexes.set(live, index);
  }
  return index;
}
