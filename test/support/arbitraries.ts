import fc from 'fast-check';
import type { DesiredState } from '../../src/model/desired.js';
import type { LiveRole, LiveServer, LiveState } from '../../src/model/live.js';
import type { DesiredProxy, ProxySettings } from '../../src/model/proxy.js';
import type { Origin, Role, RoleType, SiteSystemServer } from '../../src/model/server.js';
import type { Site } from '../../src/model/site.js';
import { effectiveProxy } from '../../src/resolve/effective-proxy.js';

// Random desired and live objects built straight from the model, for property tests: every
// shape the planner and the rules can meet is reached, not only those a handful of manifests show.

const where = { file: 'x.yaml', line: 1, column: 1 };
export const origin: Origin = { document: { kind: 'SiteSystemServer', name: 'x' }, source: where, path: '', locate: () => where };
export const NAMES = ['a.contoso.com', 'b.contoso.com', 'c.contoso.com', 'd.contoso.com', 'e.contoso.com'];
export const ROLE_TYPES: RoleType[] = ['SoftwareUpdatePoint', 'DistributionPoint', 'ExchangeServerConnector', 'ManagementPoint'];

export const settings: fc.Arbitrary<ProxySettings> = fc.record({
  server: fc.constantFrom('p1.contoso.com', 'p2.contoso.com', '10.0.0.8'),
  port: fc.constantFrom(80, 3128, 8080),
  account: fc.constantFrom(null, 'CONTOSO\\svc-a', 'CONTOSO\\svc-b'),
});
const desiredProxy: fc.Arbitrary<DesiredProxy> = fc.oneof(
  settings.map((s) => ({ enabled: true as const, settings: s })),
  fc.constant({ enabled: false as const }),
);

const role = (type: RoleType): fc.Arbitrary<Role> =>
  fc
    .record({
      proxy: fc.option(
        settings.map((s) => ({ proxy: { enabled: true as const, settings: s }, origin })),
        { nil: null, freq: 2 },
      ),
      useProxy: fc.boolean(),
      useProxyForAutomaticDeploymentRules: fc.boolean(),
      connectedCache: fc.boolean(),
    })
    .map((r) => ({ ...r, type, origin }));

/** desiredServer is a resolved server of site P01 or P02 with any mix of roles and proxies. */
export const desiredServer = (name: string, roleTypes: readonly RoleType[] = ROLE_TYPES): fc.Arbitrary<SiteSystemServer> =>
  fc
    .record({
      site: fc.constantFrom('P01', 'P02'),
      declared: fc.option(
        desiredProxy.map((proxy) => ({ proxy, origin })),
        { nil: null, freq: 2 },
      ),
      roles: fc.subarray([...roleTypes]).chain((types) => (types.length ? fc.tuple(...types.map(role)) : fc.constant([] as Role[]))),
    })
    .map(({ site, declared, roles }) => ({
      name,
      site,
      declaredProxy: declared,
      roles,
      origin,
      effectiveProxy: effectiveProxy(declared, roles),
    }));

const liveRole: fc.Arbitrary<LiveRole> = fc.record({
  type: fc.constantFrom(...ROLE_TYPES),
  useProxy: fc.boolean(),
  extra: fc.constantFrom('kept', 42),
});

/** liveServer is a server as a live state may hold it, unknown fields included. */
export const liveServer = (name: string): fc.Arbitrary<LiveServer> =>
  fc
    .record({
      site: fc.constantFrom('P01', 'P02'),
      proxy: fc.option(settings, { nil: null }),
      roles: fc.uniqueArray(liveRole, { selector: (r) => r.type, maxLength: 3 }),
      note: fc.string(),
    })
    .map((s) => ({ name, ...s }));

/** site is a primary site of any supported or unsupported version, with or without a required proxy. */
export const site = (code: string): fc.Arbitrary<Site> =>
  fc
    .record({
      version: fc.constantFrom(1902, 2002, 2409, 2509, 2603),
      requireProxy: fc.boolean(),
      hotfixes: fc.subarray(['KB33247081']),
    })
    .map(({ version, requireProxy, hotfixes }) => ({
      code,
      type: 'PrimarySite' as const,
      version,
      hotfixes,
      parent: null,
      siteServer: `cm-${code.toLowerCase()}.contoso.com`,
      requireProxy,
      features: { entraUserDiscovery: false, entraGroupDiscovery: false, entraCollectionSync: false },
      origin: where,
      at: () => where,
    }));

/** World is a desired state and a live state, as one pass of sitectl sees them. */
export interface World {
  readonly desired: DesiredState;
  readonly state: LiveState;
}

/**
 * world is sites P01 and P02, some servers with roles of `roleTypes`, a live state holding
 * some of them (and perhaps an account list), and bookkeeping records for some: what the
 * rules judge.
 */
export const world = (roleTypes: readonly RoleType[]): fc.Arbitrary<World> =>
  fc
    .record({ desiredNames: fc.subarray(NAMES, { minLength: 1 }), liveNames: fc.subarray(NAMES), recorded: fc.subarray(NAMES) })
    .chain(({ desiredNames, liveNames, recorded }) =>
      fc.record({
        sites: fc.tuple(site('P01'), site('P02')),
        servers: fc.tuple(...desiredNames.map((name) => desiredServer(name, roleTypes))),
        live: liveNames.length ? fc.tuple(...liveNames.map(liveServer)) : fc.constant([] as LiveServer[]),
        recordedProxy: fc.option(settings, { nil: undefined }),
        accounts: fc.option(fc.subarray(['CONTOSO\\svc-a']), { nil: undefined }),
        recorded: fc.constant(recorded),
      }),
    )
    .map(({ sites, servers, live, recordedProxy, accounts, recorded }) => {
      const desired: DesiredState = {
        sites: new Map(sites.map((s) => [s.code, s])),
        proxies: new Map(),
        servers: new Map(servers.map((s) => [s.name, s])),
        cloudDistributionPoints: [],
      };
      const records = Object.fromEntries(
        recorded.map((name) => [name, { ...(recordedProxy ? { proxy: recordedProxy } : {}), roles: [], revision: 1 }]),
      );
      const state: LiveState = {
        apiVersion: 'sitectl/v1',
        kind: 'LiveState',
        revision: 2,
        sites: [],
        servers: live,
        ...(accounts ? { accounts } : {}),
        managed: { servers: records },
      };
      return { desired, state };
    });

/**
 * nextPass is `second` with some of its sites, servers, live servers and records swapped for
 * `first`'s objects of the same name, each chosen on its own by `keep`: what a watcher's next
 * pass sees after an edit, when what did not change is still the same object.
 */
export function nextPass<W extends World>(first: World, second: W, keep: readonly boolean[]): W {
  let k = 0;
  const pick = <T>(mine: T, theirs: T | undefined): T => (theirs !== undefined && keep[k++ % keep.length] ? theirs : mine);
  const servers = new Map([...second.desired.servers].map(([name, s]) => [name, pick(s, first.desired.servers.get(name))]));
  const sites = new Map([...second.desired.sites].map(([code, s]) => [code, pick(s, first.desired.sites.get(code))]));
  const live = second.state.servers.map((s) =>
    pick(
      s,
      first.state.servers.find((f) => f.name === s.name),
    ),
  );
  const before = first.state.managed?.servers ?? {};
  const records = Object.fromEntries(Object.entries(second.state.managed?.servers ?? {}).map(([name, r]) => [name, pick(r, before[name])]));
  return {
    ...second,
    desired: { ...second.desired, servers, sites },
    state: { ...second.state, servers: live, managed: { servers: records } },
  };
}
