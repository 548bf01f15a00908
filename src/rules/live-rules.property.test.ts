import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { world } from '../../test/support/arbitraries.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { LIVE_RULES, runRules } from './index.js';
import { runs } from '../../test/support/runs.js';

// diff, plan and apply run the live rules once, with the live state, and check them without
// live state only when that run found an error (reconcile/pass.ts). That is exact only if the
// live rules, without live state, never report what they would not report with it.

const worlds = world();

const key = (d: Diagnostic) => `${d.severity} ${d.code} ${d.message}`;

describe('live rules without live state', () => {
  it('report nothing they do not also report with the live state', () => {
    fc.assert(
      fc.property(worlds, ({ desired, state }) => {
        const without = runRules(desired, { today: '2026-11-26', live: null, rules: LIVE_RULES }).map(key);
        const withLive = new Set(runRules(desired, { today: '2026-11-26', live: state, rules: LIVE_RULES }).map(key));
        expect(without.filter((k) => !withLive.has(k))).toEqual([]);
      }),
      { numRuns: runs(1000) },
    );
  });
});
