import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../apply/apply-plan.js';
import type { DesiredState } from '../model/desired.js';
import type { LiveRole, LiveServer, LiveState } from '../model/live.js';
import type { DesiredProxy, ProxySettings } from '../model/proxy.js';
import type { Origin, Role, RoleType, SiteSystemServer } from '../model/server.js';
import { effectiveProxy } from '../resolve/effective-proxy.js';
import { planChanges } from './plan.js';

// Random desired/live pairs built straight from the model, so every shape the planner can
// meet is reached, not only those a handful of manifests show.

const origin: Origin = { document: { kind: 'SiteSystemServer', name: 'x' }, source: { file: 'x.yaml', line: 1, column: 1 }, path: '', locate: () => ({ file: 'x.yaml', line: 1, column: 1 }) };
const NAMES = ['a.contoso.com', 'b.contoso.com', 'c.contoso.com', 'd.contoso.com', 'e.contoso.com'];
const ROLE_TYPES: RoleType[] = ['SoftwareUpdatePoint', 'DistributionPoint', 'ExchangeServerConnector', 'ManagementPoint'];

const settings: fc.Arbitrary<ProxySettings> = fc.record({
  server: fc.constantFrom('p1.contoso.com', 'p2.contoso.com', '10.0.0.8'),
  port: fc.constantFrom(80, 3128, 8080),
  account: fc.constantFrom(null, 'CONTOSO\\svc-a', 'CONTOSO\\svc-b'),
});
const desiredProxy: fc.Arbitrary<DesiredProxy> = fc.oneof(settings.map((s) => ({ enabled: true as const, settings: s })), fc.constant({ enabled: false as const }));

const role = (type: RoleType): fc.Arbitrary<Role> =>
  fc.record({
    proxy: fc.option(settings.map((s) => ({ proxy: { enabled: true as const, settings: s }, origin })), { nil: null }),
    useProxy: fc.boolean(),
    useProxyForAutomaticDeploymentRules: fc.boolean(),
    connectedCache: fc.boolean(),
  }).map((r) => ({ ...r, type, origin }));

const desiredServer = (name: string): fc.Arbitrary<SiteSystemServer> =>
  fc.record({
    site: fc.constantFrom('P01', 'P02'),
    declared: fc.option(desiredProxy.map((proxy) => ({ proxy, origin })), { nil: null }),
    roles: fc.subarray(ROLE_TYPES).chain((types) => (types.length ? fc.tuple(...types.map(role)) : fc.constant([] as Role[]))),
  }).map(({ site, declared, roles }) => ({ name, site, declaredProxy: declared, roles, origin, effectiveProxy: effectiveProxy(declared, roles) }));

const liveRole: fc.Arbitrary<LiveRole> = fc.record({ type: fc.constantFrom(...ROLE_TYPES), useProxy: fc.boolean(), extra: fc.constantFrom('kept', 42) });
const liveServer = (name: string): fc.Arbitrary<LiveServer> =>
  fc.record({ site: fc.constantFrom('P01', 'P02'), proxy: fc.option(settings, { nil: null }), roles: fc.uniqueArray(liveRole, { selector: (r) => r.type, maxLength: 3 }), note: fc.string() })
    .map((s) => ({ name, ...s }));

const pair = fc
  .record({ desiredNames: fc.subarray(NAMES), liveNames: fc.subarray(NAMES), recorded: fc.subarray(NAMES) })
  .chain(({ desiredNames, liveNames, recorded }) =>
    fc.record({
      servers: desiredNames.length ? fc.tuple(...desiredNames.map(desiredServer)) : fc.constant([] as SiteSystemServer[]),
      live: liveNames.length ? fc.tuple(...liveNames.map(liveServer)) : fc.constant([] as LiveServer[]),
      recorded: fc.constant(recorded),
      prune: fc.boolean(),
    }),
  )
  .map(({ servers, live, recorded, prune }) => {
    const desired: DesiredState = { sites: new Map(), proxies: new Map(), servers: new Map(servers.map((s) => [s.name, s])), cloudDistributionPoints: [] };
    const records = Object.fromEntries(recorded.map((name) => [name, { roles: [], revision: 1 }]));
    const state: LiveState = { apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 3, sites: [], servers: live, unknownField: { kept: true }, managed: { servers: records } };
    return { desired, state, prune };
  });

const plan = (desired: DesiredState, live: LiveState, prune: boolean) => planChanges(desired, live, [], { prune, strict: false, fingerprint: 'sha256:test' });

describe('planner properties', () => {
  it('planning again after applying a plan finds no changes', () => {
    fc.assert(
      fc.property(pair, ({ desired, state, prune }) => {
        const next = applyPlan(state, plan(desired, state, prune), { copySites: true }).next ?? state;
        const again = plan(desired, next, prune);
        expect(again.changes.filter((c) => c.action !== 'hold')).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('applying twice equals applying once: the second pass writes nothing', () => {
    fc.assert(
      fc.property(pair, ({ desired, state, prune }) => {
        const once = applyPlan(state, plan(desired, state, prune), { copySites: true }).next ?? state;
        expect(applyPlan(once, plan(desired, once, prune), { copySites: true }).next).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("never touches the proxy of a server whose proxy is unmanaged or held, and keeps unknown fields", () => {
    fc.assert(
      fc.property(pair, ({ desired, state }) => {
        const next = applyPlan(state, plan(desired, state, false), { copySites: true }).next ?? state;
        for (const server of desired.servers.values()) {
          if (server.effectiveProxy.state === 'managed') continue;
          const before = state.servers.find((s) => s.name === server.name);
          const after = next.servers.find((s) => s.name === server.name);
          expect(after?.proxy ?? null).toEqual(before?.proxy ?? null);
        }
        expect(next.unknownField).toEqual({ kept: true });
        for (const s of state.servers) expect(next.servers.find((n) => n.name === s.name)?.note).toBe(s.note);
      }),
      { numRuns: 500 },
    );
  });

  it('raises the revision by exactly one when it writes', () => {
    fc.assert(
      fc.property(pair, ({ desired, state, prune }) => {
        const { next } = applyPlan(state, plan(desired, state, prune), { copySites: true });
        if (next) expect(next.revision).toBe(state.revision + 1);
      }),
      { numRuns: 200 },
    );
  });
});
