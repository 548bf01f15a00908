import fc from 'fast-check';
import type { DesiredState } from '../../src/model/desired.js';
import type { LiveRole, LiveServer, LiveSite, LiveState } from '../../src/model/live.js';
import type { ManagedRecord } from '../../src/model/plan.js';
import type { DesiredProxy, ProxySettings } from '../../src/model/proxy.js';
import {
  SERVER_ROLE_TYPES,
  type CloudDistributionPoint,
  type Origin,
  type Role,
  type RoleType,
  type SiteSystemServer,
} from '../../src/model/server.js';
import type { Site, SiteType } from '../../src/model/site.js';
import { effectiveProxy } from '../../src/resolve/effective-proxy.js';
import { CONNECTED_CACHE_AUTH_HOTFIX } from '../../src/rules/role-facts.js';

// Random desired and live objects built straight from the model, for property tests: every
// shape the planner and the rules can meet is reached, not only those a handful of manifests show
// (src/plan/generated-worlds.test.ts counts, over a fixed seed, that every code and action comes up).

const where = { file: 'x.yaml', line: 1, column: 1 };
export const origin: Origin = { document: { kind: 'SiteSystemServer', name: 'x' }, source: where, path: '', locate: () => where };
export const NAMES = ['a.contoso.com', 'b.contoso.com', 'c.contoso.com', 'd.contoso.com', 'cm-p01.contoso.com'];
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

/** seldom is `arbitrary` in one case of `every`, else undefined (fc.option's freq works the other way round). */
const seldom = <T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: every - 1 }, { arbitrary, weight: 1 });

const VERSIONS = [1902, 1910, 2002, 2107, 2409, 2503, 2509, 2603, 2609];

/** site is a site of any supported, unsupported or implausible version, with or without a required proxy, hotfixes and Entra features. */
export const site = (code: string, type: SiteType = 'PrimarySite', parent: string | null = null): fc.Arbitrary<Site> =>
  fc
    .record({
      version: fc.constantFrom(...VERSIONS),
      requireProxy: fc.boolean(),
      hotfixes: fc.subarray([CONNECTED_CACHE_AUTH_HOTFIX]),
      features: fc.record({ entraUserDiscovery: fc.boolean(), entraGroupDiscovery: fc.boolean(), entraCollectionSync: fc.boolean() }),
    })
    .map(({ version, requireProxy, hotfixes, features }) => ({
      code,
      type,
      version,
      hotfixes,
      parent,
      siteServer: siteServerOf(code),
      requireProxy,
      features,
      origin: where,
      at: () => where,
    }));

/** siteServerOf names a site's site server; the first one is also among NAMES, so it can host roles and a proxy. */
export const siteServerOf = (code: string): string => `cm-${code.toLowerCase()}.contoso.com`;

/** HIERARCHY_MISTAKES are the ways a hierarchy is drawn wrong (InvalidHierarchy), by the sites each needs: a CAS, a secondary. */
const HIERARCHY_MISTAKES = [
  { mistake: 'second CAS', cas: false, secondary: false },
  { mistake: 'orphan secondary', cas: false, secondary: true },
  { mistake: 'CAS with a parent', cas: true, secondary: false },
  { mistake: 'primary beside the CAS', cas: true, secondary: false },
  { mistake: 'secondary under the CAS', cas: true, secondary: true },
  { mistake: 'primary under a secondary', cas: false, secondary: true },
] as const;

/**
 * hierarchy is primaries P01 and P02, perhaps a CAS C01 above them and a secondary S01 below
 * P01, and in one case of four one mistake in how they are drawn, among those the drawn sites allow.
 */
export const hierarchy: fc.Arbitrary<Site[]> = fc
  .record({ cas: fc.boolean(), secondary: fc.boolean() })
  .chain(({ cas, secondary }) => {
    const possible = HIERARCHY_MISTAKES.filter((m) => (cas || !m.cas) && (secondary || !m.secondary)).map((m) => m.mistake);
    return seldom(fc.constantFrom(...possible), 4).map((mistake) => ({ cas, secondary, mistake }));
  })
  .chain(({ cas, secondary, mistake }) => {
    const top = cas ? 'C01' : null;
    const shapes: [string, SiteType, string | null][] = [
      ['P01', 'PrimarySite', top],
      ['P02', 'PrimarySite', top],
    ];
    if (cas) shapes.push(['C01', 'CentralAdministrationSite', null]);
    if (secondary) shapes.push(['S01', 'SecondarySite', 'P01']);
    const redraw = (code: string, type: SiteType, parent: string | null) => {
      const at = shapes.findIndex(([c]) => c === code);
      if (at !== -1) shapes[at] = [code, type, parent];
    };
    if (mistake === 'second CAS') redraw('P02', 'CentralAdministrationSite', null);
    if (mistake === 'CAS with a parent') redraw('C01', 'CentralAdministrationSite', 'P01');
    if (mistake === 'orphan secondary') redraw('S01', 'SecondarySite', null);
    if (mistake === 'secondary under the CAS') redraw('S01', 'SecondarySite', 'C01');
    if (mistake === 'primary under a secondary') redraw('P02', 'PrimarySite', 'S01');
    if (mistake === 'primary beside the CAS') redraw('P02', 'PrimarySite', null);
    return fc.tuple(...shapes.map(([code, type, parent]) => site(code, type, parent)));
  });

/** liveSite is a desired site as a live state reports it, as it is or differing in one field (SiteMismatch). */
const liveSite = (s: Site): fc.Arbitrary<LiveSite> =>
  fc
    .constantFrom('same', 'same', 'version', 'type', 'parent', 'siteServer', 'hotfixes', 'features', 'unknown hotfixes and features')
    .map((differ) => {
      const live = {
        code: s.code.toLowerCase(), // codes match in any case
        type: differ === 'type' ? (s.type === 'PrimarySite' ? 'SecondarySite' : 'PrimarySite') : s.type,
        version: differ === 'version' ? s.version + 100 : s.version,
        parent: differ === 'parent' ? (s.parent ? null : 'P02') : s.parent,
        siteServer: differ === 'siteServer' ? `other-${s.siteServer}` : s.siteServer.toUpperCase(),
        hotfixes: differ === 'hotfixes' ? [...s.hotfixes, 'KB99999999'] : s.hotfixes.map((h) => h.toLowerCase()),
        features: differ === 'features' ? { ...s.features, entraUserDiscovery: !s.features.entraUserDiscovery } : { ...s.features },
      };
      if (differ !== 'unknown hotfixes and features') return live;
      const { hotfixes: _h, features: _f, ...known } = live;
      return known;
    });

/** PROXIES are the Proxy documents a world declares, by name; a server's spec.proxy may refer to one (roles state theirs inline). */
export const PROXIES: ReadonlyMap<string, ProxySettings> = new Map([
  ['eu', { server: 'p1.contoso.com', port: 8080, account: 'CONTOSO\\svc-a' }],
  ['us', { server: 'p2.contoso.com', port: 80, account: null }],
]);

/** namedOrInline is a proxy stated inline, by a reference to one of PROXIES, or turned off. */
const namedOrInline: fc.Arbitrary<DesiredProxy> = fc.oneof(
  desiredProxy,
  fc.constantFrom(...PROXIES.keys()).map((ref) => ({ enabled: true as const, settings: PROXIES.get(ref)!, ref, document: origin })),
);

/** cloudDistributionPoint is a cloud DP of a site, with or without the proxy it may not state (ProxyNotConfigurableOnRole). */
const cloudDistributionPoint = (name: string, codes: readonly string[]): fc.Arbitrary<CloudDistributionPoint> =>
  fc.record({ site: fc.constantFrom(...codes), proxy: fc.option(settings, { nil: null, freq: 2 }) }).map(({ site, proxy }) => ({
    name,
    site,
    role: {
      type: 'CloudDistributionPoint' as const,
      proxy: proxy && { proxy: { enabled: true as const, settings: proxy }, origin },
      useProxy: false,
      useProxyForAutomaticDeploymentRules: false,
      connectedCache: false,
      origin,
    },
  }));

/** richServer is a server of one of `codes`, its roles perhaps naming a role type twice (DuplicateRole) and its proxies perhaps named. */
const richServer = (name: string, codes: readonly string[], roleTypes: readonly RoleType[]): fc.Arbitrary<SiteSystemServer> =>
  fc
    .record({
      server: desiredServer(name, roleTypes),
      site: fc.constantFrom(...codes),
      declared: fc.option(
        namedOrInline.map((proxy) => ({ proxy, origin })),
        { nil: null, freq: 2 },
      ),
      twice: seldom(fc.constantFrom(...roleTypes).chain(role), 8),
    })
    .map(({ server, site, declared, twice }) => {
      const roles = twice ? [...server.roles, twice] : server.roles;
      return { ...server, site, declaredProxy: declared, roles, effectiveProxy: effectiveProxy(declared, roles) };
    });

/** liveServerOf is liveServer on one of `codes`, its roles with the software update point's proxy options as the site reports them. */
const liveServerOf = (name: string, codes: readonly string[]): fc.Arbitrary<LiveServer> =>
  fc
    .record({
      server: liveServer(name),
      site: fc.constantFrom(...codes.map((c) => c.toLowerCase())),
      upper: fc.boolean(),
      // ConfigMgr compares a proxy's host and account in any case: the site may spell them otherwise.
      proxyCase: fc.constantFrom('as written', 'upper', 'lower'),
      sup: fc.option(fc.record({ useProxy: fc.boolean(), useProxyForAutomaticDeploymentRules: fc.boolean() }), { nil: undefined }),
    })
    .map(({ server, site, upper, proxyCase, sup }) => ({
      ...server,
      name: upper ? name.toUpperCase() : name,
      proxy:
        server.proxy && proxyCase !== 'as written'
          ? respell(server.proxy, proxyCase === 'upper' ? 'toUpperCase' : 'toLowerCase')
          : server.proxy,
      site,
      roles: sup
        ? [...server.roles.filter((r) => r.type !== 'SoftwareUpdatePoint'), { type: 'SoftwareUpdatePoint', ...sup }]
        : server.roles,
    }));

/** respell is proxy settings with host and account in another case. */
const respell = (p: ProxySettings, to: 'toUpperCase' | 'toLowerCase'): ProxySettings => ({
  ...p,
  server: p.server[to](),
  account: p.account && p.account[to](),
});

/** record is sitectl's bookkeeping for a server: perhaps a proxy it wrote (or "none"), perhaps the software update point's options. */
const record: fc.Arbitrary<ManagedRecord> = fc
  .record({
    proxy: fc.option(fc.option(settings, { nil: null }), { nil: undefined }),
    sup: fc.option(fc.record({ useProxy: fc.boolean(), useProxyForAutomaticDeploymentRules: fc.boolean() }), { nil: undefined }),
  })
  .map(({ proxy, sup }) => ({
    ...(proxy !== undefined ? { proxy } : {}),
    roles: sup ? [{ type: 'SoftwareUpdatePoint', ...sup }, { type: 'DistributionPoint' }] : [],
    revision: 1,
  }));

/** World is a desired state and a live state, as one pass of sitectl sees them. */
export interface World {
  readonly desired: DesiredState;
  readonly state: LiveState;
}

/**
 * world is a hierarchy of sites (see hierarchy), servers with roles of `roleTypes` on them,
 * Proxy documents and cloud distribution points, and a live state holding some of the sites
 * and servers, perhaps an account list, and bookkeeping records for some servers, in or out of
 * the manifests: every shape the rules and the planner judge.
 */
export const world = (roleTypes: readonly RoleType[] = SERVER_ROLE_TYPES): fc.Arbitrary<World> =>
  fc
    .record({
      sites: hierarchy,
      desiredNames: fc.subarray(NAMES, { minLength: 1 }),
      liveNames: fc.subarray(NAMES),
      recorded: fc.subarray(NAMES),
    })
    .chain(({ sites, desiredNames, liveNames, recorded }) => {
      const codes = sites.map((s) => s.code);
      return fc.record({
        sites: fc.constant(sites),
        liveSites: fc.tuple(...sites.map((s) => fc.option(liveSite(s), { nil: undefined, freq: 4 }))),
        servers: fc.tuple(...desiredNames.map((name) => richServer(name, codes, roleTypes))),
        live: liveNames.length ? fc.tuple(...liveNames.map((name) => liveServerOf(name, codes))) : fc.constant([] as LiveServer[]),
        records: recorded.length ? fc.tuple(...recorded.map(() => record)) : fc.constant([] as ManagedRecord[]),
        recorded: fc.constant(recorded),
        cloudDistributionPoints: fc
          .subarray(['cdp-a', 'cdp-b'])
          .chain((names) =>
            names.length ? fc.tuple(...names.map((n) => cloudDistributionPoint(n, codes))) : fc.constant([] as CloudDistributionPoint[]),
          ),
        accounts: fc.option(fc.subarray(['CONTOSO\\svc-a', 'contoso\\SVC-B']), { nil: undefined }),
      });
    })
    .map(({ sites, liveSites, servers, live, records, recorded, cloudDistributionPoints, accounts }) => {
      const desired: DesiredState = {
        sites: new Map(sites.map((s) => [s.code, s])),
        proxies: PROXIES,
        servers: new Map(servers.map((s) => [s.name, s])),
        cloudDistributionPoints,
      };
      const state: LiveState = {
        apiVersion: 'sitectl/v1',
        kind: 'LiveState',
        revision: 2,
        sites: liveSites.filter((s) => s !== undefined),
        servers: live,
        ...(accounts ? { accounts } : {}),
        managed: { servers: Object.fromEntries(recorded.map((name, i) => [name, records[i]])) },
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
