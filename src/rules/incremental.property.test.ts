import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextPass, world, type World } from '../../test/support/arbitraries.js';
import { applyPlan } from '../apply/apply-plan.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Site } from '../model/site.js';
import { planChanges } from '../plan/plan.js';
import { RuleMemo } from './incremental.js';
import { CONNECTED_CACHE_AUTH_HOTFIX } from './role-facts.js';
import { LIVE_RULES, RULES, runRules, STATIC_RULES } from './index.js';
import { runs } from '../../test/support/runs.js';

// A watcher judges again only the servers whose inputs changed (rules/incremental.ts). That is
// exact only if every rule not listed as comparing servers with each other judges each server
// on its own, and the memo notices every input that changed. Each case judges one world, then
// a second that keeps some of the first one's objects and replaces others, and must find what
// a run over the whole second world finds.

const worlds = world();

const key = (d: Diagnostic) => `${d.severity} ${d.code} ${d.message} ${d.path ?? ''}`;
const found = (diagnostics: Diagnostic[]) => diagnostics.map(key).sort();

describe('incremental rules', () => {
  it.each([
    ['all rules, with live state', RULES, true],
    ['static rules', STATIC_RULES, false],
    ['live rules, without live state', LIVE_RULES, false],
  ] as const)('find what a whole run finds: %s', (_name, rules, withLive) => {
    fc.assert(
      fc.property(worlds, worlds, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (first, second, keep) => {
        const next = nextPass(first, second, keep);
        const options = (w: World) => ({ today: '2026-11-26', live: withLive ? w.state : null, rules });
        const memo = new RuleMemo();
        runRules(first.desired, { ...options(first), memo });
        expect(found(runRules(next.desired, { ...options(next), memo }))).toEqual(found(runRules(next.desired, options(next))));
        // and a pass on unchanged input, taken wholly from the memo
        expect(found(runRules(next.desired, { ...options(next), memo }))).toEqual(found(runRules(next.desired, options(next))));
      }),
      { numRuns: runs(500) },
    );
  });

  it('find what a whole run finds against the state a plan was applied to', () => {
    // A watcher's next pass: only the servers the last apply wrote have new live objects.
    fc.assert(
      fc.property(worlds, worlds, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (first, second, keep) => {
        const options = { today: '2026-11-26', rules: RULES };
        const memo = new RuleMemo();
        runRules(first.desired, { ...options, live: first.state, memo });
        const plan = planChanges(first.desired, first.state, [], { prune: true, strict: false, fingerprint: 'sha256:test' });
        const applied = applyPlan(first.state, plan, { copySites: true }).next ?? first.state;
        const desired = nextPass(first, second, keep).desired;
        expect(found(runRules(desired, { ...options, live: applied, memo }))).toEqual(
          found(runRules(desired, { ...options, live: applied })),
        );
      }),
      { numRuns: runs(500) },
    );
  });

  // An edit in the manifests replaces one object and keeps the rest: a site edited in one
  // field must be judged again with every server on it, whichever field it is.
  const SITE_EDITS: Readonly<Record<string, (site: Site) => Partial<Site>>> = {
    type: (s) => ({ type: s.type === 'SecondarySite' ? 'PrimarySite' : 'SecondarySite' }),
    parent: (s) => ({ parent: s.parent === null ? 'P01' : null }),
    version: (s) => ({ version: s.version === 2603 ? 2409 : 2603 }),
    requireProxy: (s) => ({ requireProxy: !s.requireProxy }),
    hotfixes: (s) => ({ hotfixes: s.hotfixes.length ? [] : [CONNECTED_CACHE_AUTH_HOTFIX] }),
    features: (s) => ({ features: { ...s.features, entraUserDiscovery: !s.features.entraUserDiscovery } }),
    siteServer: () => ({ siteServer: 'cm-other.contoso.com' }),
  };

  it.each(Object.keys(SITE_EDITS))("find what a whole run finds after one site's %s is edited", (field) => {
    fc.assert(
      fc.property(worlds, fc.nat(), ({ desired, state }, which) => {
        const options = { today: '2026-11-26', live: state, rules: RULES };
        const memo = new RuleMemo();
        runRules(desired, { ...options, memo });
        const edited = [...desired.sites.values()][which % desired.sites.size];
        const sites = new Map([...desired.sites].map(([code, s]) => [code, s === edited ? { ...s, ...SITE_EDITS[field](s) } : s]));
        const next = { ...desired, sites };
        expect(found(runRules(next, { ...options, memo }))).toEqual(found(runRules(next, options)));
      }),
      { numRuns: runs(300) },
    );
  });
});
