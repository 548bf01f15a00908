import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredServer, liveServer, NAMES, nextPass } from '../../test/support/arbitraries.js';
import { applyPlan } from '../apply/apply-plan.js';
import type { DesiredState } from '../model/desired.js';
import { liveServerIndex, type LiveServer, type LiveState } from '../model/live.js';
import type { SiteSystemServer } from '../model/server.js';
import { PlanMemo, planChanges } from './plan.js';
import { runs } from '../../test/support/runs.js';

const pair = fc
  .record({ desiredNames: fc.subarray(NAMES), liveNames: fc.subarray(NAMES), recorded: fc.subarray(NAMES) })
  .chain(({ desiredNames, liveNames, recorded }) =>
    fc.record({
      servers: desiredNames.length ? fc.tuple(...desiredNames.map((name) => desiredServer(name))) : fc.constant([] as SiteSystemServer[]),
      live: liveNames.length ? fc.tuple(...liveNames.map(liveServer)) : fc.constant([] as LiveServer[]),
      recorded: fc.constant(recorded),
      prune: fc.boolean(),
    }),
  )
  .map(({ servers, live, recorded, prune }) => {
    const desired: DesiredState = {
      sites: new Map(),
      proxies: new Map(),
      servers: new Map(servers.map((s) => [s.name, s])),
      cloudDistributionPoints: [],
    };
    const records = Object.fromEntries(recorded.map((name) => [name, { roles: [], revision: 1 }]));
    const state: LiveState = {
      apiVersion: 'sitectl/v1',
      kind: 'LiveState',
      revision: 3,
      sites: [],
      servers: live,
      unknownField: { kept: true },
      managed: { servers: records },
    };
    return { desired, state, prune };
  });

const plan = (desired: DesiredState, live: LiveState, prune: boolean) =>
  planChanges(desired, live, [], { prune, strict: false, fingerprint: 'sha256:test' });

describe('planner properties', () => {
  it('plans with a memo from an earlier plan exactly what it plans without one', () => {
    fc.assert(
      fc.property(pair, pair, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (first, second, keep) => {
        const next = nextPass(first, second, keep);
        const memo = new PlanMemo();
        const withMemo = (d: DesiredState, l: LiveState) =>
          planChanges(d, l, [], { prune: second.prune, strict: false, fingerprint: 'sha256:test', memo });
        withMemo(first.desired, first.state);
        expect(withMemo(next.desired, next.state)).toEqual(plan(next.desired, next.state, second.prune));
      }),
      { numRuns: runs(500) },
    );
  });

  it('plans with a memo against the state its last plan was applied to exactly what it plans without one', () => {
    // A watcher's next pass: only the servers the last apply wrote have new live objects.
    fc.assert(
      fc.property(pair, pair, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (first, second, keep) => {
        const memo = new PlanMemo();
        const withMemo = (d: DesiredState, l: LiveState, prune: boolean) =>
          planChanges(d, l, [], { prune, strict: false, fingerprint: 'sha256:test', memo });
        const applied = applyPlan(first.state, withMemo(first.desired, first.state, first.prune), { copySites: true }).next ?? first.state;
        const desired = nextPass(first, second, keep).desired;
        expect(withMemo(desired, applied, second.prune)).toEqual(plan(desired, applied, second.prune));
      }),
      { numRuns: runs(500) },
    );
  });

  it('planning again after applying a plan finds no changes', () => {
    fc.assert(
      fc.property(pair, ({ desired, state, prune }) => {
        const next = applyPlan(state, plan(desired, state, prune), { copySites: true }).next ?? state;
        const again = plan(desired, next, prune);
        expect(again.changes.filter((c) => c.action !== 'hold')).toEqual([]);
      }),
      { numRuns: runs(500) },
    );
  });

  it('applying twice equals applying once: the second pass writes nothing', () => {
    fc.assert(
      fc.property(pair, ({ desired, state, prune }) => {
        const once = applyPlan(state, plan(desired, state, prune), { copySites: true }).next ?? state;
        expect(applyPlan(once, plan(desired, once, prune), { copySites: true }).next).toBeNull();
      }),
      { numRuns: runs(500) },
    );
  });

  it('never touches the proxy of a server whose proxy is unmanaged or held, and keeps unknown fields', () => {
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
      { numRuns: runs(500) },
    );
  });

  it('gives the next state an index that finds what indexing it afresh finds, whatever the case of live names', () => {
    const cased = fc.tuple(pair, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 })).map(([p, upper]) => ({
      ...p,
      state: { ...p.state, servers: p.state.servers.map((s, i) => (upper[i] ? { ...s, name: s.name.toUpperCase() } : s)) },
    }));
    fc.assert(
      fc.property(cased, ({ desired, state, prune }) => {
        liveServerIndex(state); // as the planner leaves it
        const { next } = applyPlan(state, plan(desired, state, prune), { copySites: true });
        if (!next) return;
        const fresh = liveServerIndex({ ...next });
        for (const name of NAMES) expect(liveServerIndex(next).get(name)).toBe(fresh.get(name));
      }),
      { numRuns: runs(500) },
    );
  });

  it('raises the revision by exactly one when it writes', () => {
    fc.assert(
      fc.property(pair, ({ desired, state, prune }) => {
        const { next } = applyPlan(state, plan(desired, state, prune), { copySites: true });
        if (next) expect(next.revision).toBe(state.revision + 1);
      }),
      { numRuns: runs(200) },
    );
  });
});
