import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import { liveServerIndex, type LiveServer, type LiveServerIndex, type LiveState } from '../model/live.js';
import type { ProxySettings } from '../model/proxy.js';
import type { CloudDistributionPoint, HostProxy, SiteSystemServer } from '../model/server.js';
import type { Site } from '../model/site.js';

/**
 * Scope is what a run of the rules judges: every server, site and cloud distribution point,
 * or (when only some servers changed) a part of them. Lookups go to the whole desired state.
 */
export interface Scope {
  readonly servers: Iterable<SiteSystemServer>;
  readonly sites: Iterable<Site>;
  readonly cloudDistributionPoints: readonly CloudDistributionPoint[];
}

/** RuleContext is everything a rule may look at, and the one place it reports to. Rules iterate the scope and look things up in `desired`. */
export interface RuleContext extends Scope {
  readonly desired: DesiredState;
  /** Today as YYYY-MM-DD, for support-date rules; passed in so results are reproducible. */
  readonly today: string;
  /** The live state, or null for `validate`, which reads none: proxy rules on unmanaged hosts are then skipped. */
  readonly live: LiveState | null;
  /** hostProxy answers what proxy a host ends up with (SPEC section 4: desired, else live when read). */
  hostProxy(host: string): HostProxy;
  /** liveProxy is the live proxy of a host: settings, null for none, undefined when no live state was read. */
  liveProxy(host: string): ProxySettings | null | undefined;
  /** liveServer finds a server in the live state by its lower-case name. */
  liveServer(host: string): LiveServer | undefined;
  siteOf(server: SiteSystemServer): Site | undefined;
  report(diagnostic: Diagnostic): void;
}

/** Rule is one named domain check: it reads the context and reports diagnostics with its own code. */
export type Rule = (ctx: RuleContext) => void;

/** wholeScope judges everything the manifests declare. */
export function wholeScope(desired: DesiredState): Scope {
  // Iterables, not iterators: every rule walks them again.
  return {
    servers: { [Symbol.iterator]: () => desired.servers.values() },
    sites: { [Symbol.iterator]: () => desired.sites.values() },
    cloudDistributionPoints: desired.cloudDistributionPoints,
  };
}

/** createContext builds the context rules run in, judging `scope` and collecting what they report into `sink`. */
export function createContext(desired: DesiredState, today: string, live: LiveState | null, sink: Diagnostic[], scope: Scope): RuleContext {
  return new Context(desired, today, live, live ? liveServerIndex(live) : NO_SERVERS, sink, scope);
}

const NO_SERVERS: ReadonlyMap<string, LiveServer> = new Map();

// A class, not an object literal: a watcher makes one per server it judges again, and one shape keeps that cheap.
class Context implements RuleContext {
  readonly servers: Iterable<SiteSystemServer>;
  readonly sites: Iterable<Site>;
  readonly cloudDistributionPoints: readonly CloudDistributionPoint[];

  constructor(
    readonly desired: DesiredState,
    readonly today: string,
    readonly live: LiveState | null,
    private readonly liveServers: Pick<LiveServerIndex, 'get'>,
    private readonly sink: Diagnostic[],
    scope: Scope,
  ) {
    this.servers = scope.servers;
    this.sites = scope.sites;
    this.cloudDistributionPoints = scope.cloudDistributionPoints;
  }

  liveProxy(host: string): ProxySettings | null | undefined {
    return this.live ? (this.liveServers.get(host)?.proxy ?? null) : undefined;
  }

  liveServer(host: string): LiveServer | undefined {
    return this.liveServers.get(host);
  }

  hostProxy(host: string): HostProxy {
    const effective = this.desired.servers.get(host)?.effectiveProxy ?? { state: 'unmanaged' };
    if (effective.state === 'held') return { state: 'held' };
    if (effective.state === 'managed') {
      return effective.proxy.enabled ? { state: 'set', settings: effective.proxy.settings } : { state: 'none' };
    }
    const settings = this.liveProxy(host);
    if (settings === undefined) return { state: 'unknown' };
    return settings === null ? { state: 'none' } : { state: 'set', settings };
  }

  siteOf(server: SiteSystemServer): Site | undefined {
    return this.desired.sites.get(server.site);
  }

  report(diagnostic: Diagnostic): void {
    this.sink.push(diagnostic);
  }
}
