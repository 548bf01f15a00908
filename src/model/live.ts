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

/**
 * LiveServerIndex finds a live state's servers by lower-case name. It keeps positions, not
 * servers, so that a state made from another by changing servers in place can share its
 * predecessor's positions instead of indexing 20,000 servers again.
 */
export class LiveServerIndex {
  constructor(
    private readonly servers: readonly LiveServer[],
    private readonly positions: ReadonlyMap<string, number>,
  ) {}

  get(name: string): LiveServer | undefined {
    const at = this.positions.get(name);
    return at === undefined ? undefined : this.servers[at];
  }

  /** lowerNames lists the servers' names in lower case, as the index keys them, with each one's position. */
  lowerNames(): IterableIterator<[string, number]> {
    return this.positions.entries();
  }

  /** position is where the server of that name is in the state's list. */
  position(name: string): number | undefined {
    return this.positions.get(name);
  }

  /** withServers indexes a list that holds, at every position, a server of the same name as this one's, plus any appended. */
  withServers(servers: readonly LiveServer[], appended: number): LiveServerIndex {
    if (appended === 0) return new LiveServerIndex(servers, this.positions);
    const positions = new Map(this.positions);
    for (let at = servers.length - appended; at < servers.length; at++) positions.set(servers[at].name.toLowerCase(), at);
    return new LiveServerIndex(servers, positions);
  }
}

const indexes = new WeakMap<LiveState, LiveServerIndex>();

/** liveServerIndex is a live state's index of servers by name; built once per state, as the rules and the planner both ask. */
export function liveServerIndex(live: LiveState): LiveServerIndex {
  let index = indexes.get(live);
  if (!index) {
    index = new LiveServerIndex(live.servers, new Map(live.servers.map((s, at) => [s.name.toLowerCase(), at])));
    indexes.set(live, index);
  }
  return index;
}

/** keepIndex gives a state the index its maker already worked out. */
export function keepIndex(live: LiveState, index: LiveServerIndex): void {
  indexes.set(live, index);
}

/** A state made from another by changing some servers: which one, and the names of the servers whose live object or bookkeeping record changed. */
interface Derivation {
  readonly from: LiveState;
  readonly changed: ReadonlySet<string>;
}

const derivations = new WeakMap<LiveState, Derivation>();

/** keepDerivation records that `next` is `from` with only the servers named in `changed` (lower case) written. */
export function keepDerivation(next: LiveState, from: LiveState, changed: ReadonlySet<string>): void {
  derivations.set(next, { from, changed });
}

const NOTHING: ReadonlySet<string> = new Set();

/** writtenIn names the servers (lower case) that applying a plan wrote to make `next`; undefined for a state not made that way. */
export function writtenIn(next: LiveState): ReadonlySet<string> | undefined {
  return derivations.get(next)?.changed;
}

/**
 * changedSince names the servers whose live object or bookkeeping record may differ between
 * `before` and `live`: none when they are the same state, those written when `live` was made
 * from `before` by applying a plan, and undefined (any of them) otherwise. Every other server
 * has the same objects in both, so a watcher need not look them up again.
 */
export function changedSince(live: LiveState, before: LiveState): ReadonlySet<string> | undefined {
  if (live === before) return NOTHING;
  const derivation = derivations.get(live);
  return derivation?.from === before ? derivation.changed : undefined;
}
