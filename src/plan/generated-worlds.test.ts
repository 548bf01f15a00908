import fc from 'fast-check';
import { expect, it } from 'vitest';
import { world } from '../../test/support/arbitraries.js';
import { SEVERITY_OF, type DiagnosticCode } from '../model/diagnostic.js';
import { runRules } from '../rules/index.js';
import { planChanges } from './plan.js';

// A property holds only for the shapes its generator reaches. Over a fixed seed, the worlds the
// rule and planner properties are drawn from must bring up every diagnostic code the rules
// and the planner report, and every action a plan takes, often. The codes of reading and
// resolving manifests come from the manifest fuzzer (test/fuzz.test.ts), which counts its own.
const FROM_MANIFESTS: readonly DiagnosticCode[] = ['YamlSyntax', 'DuplicateObject', 'UnknownReference', 'NoManifests'];
const ACTIONS = ['create', 'update', 'hold', 'prune', 'drift'];
const WORLDS = 2000;

it(`generated worlds bring up every code of the rules and the planner and every action, each in at least 1% of ${WORLDS}`, () => {
  const counts = new Map<string, number>();
  const seen = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  fc.sample(world(), { seed: 20261202, numRuns: WORLDS }).forEach(({ desired, state }, i) => {
    const diagnostics = runRules(desired, { today: '2026-12-02', live: state });
    const plan = planChanges(desired, state, diagnostics, { prune: i % 2 === 0, strict: false, fingerprint: 'sha256:test' });
    // Each kind of finding once per world, so the share is of worlds.
    for (const key of new Set([...plan.diagnostics.map((d) => d.code), ...plan.changes.map((c) => c.action)])) seen(key);
    if (plan.changes.some((c) => c.drift)) seen('drift');
  });
  const expected = [...(Object.keys(SEVERITY_OF) as DiagnosticCode[]).filter((code) => !FROM_MANIFESTS.includes(code)), ...ACTIONS];
  const rare = expected.filter((key) => (counts.get(key) ?? 0) < WORLDS / 100).map((key) => `${key}: ${counts.get(key) ?? 0}`);
  expect(rare).toEqual([]);
});
