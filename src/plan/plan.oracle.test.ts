import fc from 'fast-check';
import fastJsonPatch from 'fast-json-patch';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { world } from '../../test/support/arbitraries.js';
import { runs } from '../../test/support/runs.js';
import type { LiveRole, LiveServer, LiveState } from '../model/live.js';
import type { ManagedRecord } from '../model/plan.js';
import type { DesiredProxy, ProxySettings } from '../model/proxy.js';
import type { Role, SiteSystemServer } from '../model/server.js';
import { planChanges } from './plan.js';

// The planner against a second, independent statement of what a plan is (SPEC sections 2 and
// 4, DOMAIN.md's overwrite semantics), written plainly with none of the planner's helpers:
// no shared objects, no memo, deep equality instead of identity.

const lower = (text: string | null) => (text ?? '').toLowerCase();

/** same compares proxies as ConfigMgr does: host and account in any case, port exactly; null is "no proxy". */
const same = (a: ProxySettings | null, b: ProxySettings | null) =>
  a === null || b === null ? a === b : a.port === b.port && lower(a.server) === lower(b.server) && lower(a.account) === lower(b.account);

/** sameJson compares two objects as JSON documents: values alike, whatever the order of keys. */
const sameJson = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

type Wanted = { kind: 'managed'; proxy: ProxySettings | null } | { kind: 'held' } | { kind: 'unmanaged' };

/** wanted: the server's own proxy wins; else the one all roles that state one agree on; disagreeing roles hold it; none leaves it alone. */
function wanted(server: SiteSystemServer): Wanted {
  const settingsOf = (p: DesiredProxy) => (p.enabled ? p.settings : null);
  if (server.declaredProxy) return { kind: 'managed', proxy: settingsOf(server.declaredProxy.proxy) };
  const stated = server.roles.flatMap((r) => (r.proxy ? [settingsOf(r.proxy.proxy)] : []));
  if (stated.length === 0) return { kind: 'unmanaged' };
  return stated.every((p) => same(p, stated[0])) ? { kind: 'managed', proxy: stated[0] } : { kind: 'held' };
}

/** written: the role settings sitectl writes are the software update point's two proxy options, nothing else. */
const written = (role: Role): LiveRole =>
  role.type === 'SoftwareUpdatePoint'
    ? { type: role.type, useProxy: role.useProxy, useProxyForAutomaticDeploymentRules: role.useProxyForAutomaticDeploymentRules }
    : { type: role.type };

/** after: the live object with the server's site and proxy and its roles' settings; everything else, and the live spelling of equal values, kept. */
function after(server: SiteSystemServer, want: Wanted, live: LiveServer | undefined): LiveServer {
  const target = want.kind === 'managed' ? want.proxy : (live?.proxy ?? null);
  const roles: LiveRole[] = structuredClone(live?.roles ?? []) as LiveRole[];
  for (const role of server.roles) {
    const at = roles.findIndex((r) => r.type === role.type);
    if (at === -1) roles.push(written(role));
    else roles[at] = { ...roles[at], ...written(role) };
  }
  return {
    ...structuredClone(live),
    name: live && lower(live.name) === server.name ? live.name : server.name,
    site: live && live.site.toUpperCase() === server.site ? live.site : server.site,
    proxy: live && same(live.proxy, target) ? live.proxy : target,
    roles,
  };
}

/** drifted: the site no longer has what sitectl last wrote, proxy or software update point options, or the server is gone. */
function drifted(record: ManagedRecord, live: LiveServer | undefined): boolean {
  if (!live) return true;
  if (record.proxy !== undefined && !same(record.proxy, live.proxy)) return true;
  const sup = (roles: readonly LiveRole[]) => roles.find((r) => r.type === 'SoftwareUpdatePoint');
  const was = sup(record.roles);
  const now = sup(live.roles);
  return (
    !!was && !!now && (was.useProxy !== now.useProxy || was.useProxyForAutomaticDeploymentRules !== now.useProxyForAutomaticDeploymentRules)
  );
}

interface Expected {
  /** `reason`: whether the change says why in words (a hold, a prune, a proxy nobody manages). */
  changes: { kind: 'SiteSystemServer'; name: string; action: string; after: unknown; reason: boolean; drift?: true; record?: unknown }[];
  pruneCandidates: string[];
  unchanged: number;
}

function expectedPlan(servers: Iterable<SiteSystemServer>, state: LiveState, prune: boolean): Expected {
  const liveOf = (name: string) => state.servers.find((s) => lower(s.name) === name);
  const records = state.managed?.servers ?? {};
  const expected: Expected = { changes: [], pruneCandidates: [], unchanged: 0 };
  const desired = new Set<string>();
  for (const server of servers) {
    desired.add(server.name);
    const live = liveOf(server.name);
    const want = wanted(server);
    if (want.kind === 'held') {
      expected.changes.push({ kind: 'SiteSystemServer', name: server.name, action: 'hold', after: live ?? {}, reason: true });
      continue;
    }
    const next = after(server, want, live);
    if (live && sameJson(next, live)) {
      expected.unchanged++;
      continue;
    }
    const record = records[server.name];
    expected.changes.push({
      kind: 'SiteSystemServer',
      name: server.name,
      action: live ? 'update' : 'create',
      after: next,
      reason: want.kind === 'unmanaged',
      ...(record && drifted(record, live) ? { drift: true as const } : {}),
      record: { ...(want.kind === 'managed' ? { proxy: next.proxy } : {}), roles: server.roles.map(written) },
    });
  }
  // Servers in the manifests by name, then the servers that left them, by name.
  expected.changes.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const name of Object.keys(records)
    .filter((n) => !desired.has(n))
    .sort()) {
    // Prune takes away only a proxy sitectl gave, and only while the server still has one.
    const live = liveOf(name);
    if (!live || !records[name].proxy || live.proxy === null) continue;
    if (prune) expected.changes.push({ kind: 'SiteSystemServer', name, action: 'prune', after: { ...live, proxy: null }, reason: true });
    else expected.pruneCandidates.push(name);
  }
  return expected;
}

describe('the planner against an independent oracle', () => {
  it('plans, for any world, the changes, drift marks, bookkeeping, prune candidates and counts the oracle expects', () => {
    fc.assert(
      fc.property(world(), fc.boolean(), ({ desired, state }, prune) => {
        const plan = planChanges(desired, state, [], { prune, strict: false, fingerprint: 'sha256:test' });
        const expected = expectedPlan(desired.servers.values(), state, prune);
        const changes = plan.changes.map(({ kind, name, action, after, reason, drift, record }) => ({
          kind,
          name,
          action,
          after,
          reason: reason !== undefined,
          drift,
          record,
        }));
        expect(changes).toEqual(expected.changes);
        expect(plan.diagnostics.filter((d) => d.code === 'PruneCandidate').map((d) => d.object?.name)).toEqual(expected.pruneCandidates);
        const count = (action: string) => expected.changes.filter((c) => c.action === action).length;
        expect(plan.summary).toEqual({
          create: count('create'),
          update: count('update'),
          hold: count('hold'),
          prune: count('prune'),
          unchanged: expected.unchanged,
          errors: 0,
          warnings: expected.pruneCandidates.length,
        });
      }),
      { numRuns: runs(1000) },
    );
  });

  it('gives every change a patch that turns its before into its after, and before is the live object', () => {
    fc.assert(
      fc.property(world(), fc.boolean(), ({ desired, state }, prune) => {
        for (const change of planChanges(desired, state, [], { prune, strict: false, fingerprint: 'sha256:test' }).changes) {
          const live = state.servers.find((s) => lower(s.name) === change.name);
          expect(change.before).toEqual(live ?? {});
          const patched = fastJsonPatch.applyPatch(structuredClone(change.before), change.patch, true, false).newDocument;
          expect(patched).toEqual(change.after);
        }
      }),
      { numRuns: runs(500) },
    );
  });
});
