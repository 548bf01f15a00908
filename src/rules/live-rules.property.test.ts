import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredServer, liveServer, NAMES, ROLE_TYPES, settings, site } from '../../test/support/arbitraries.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import type { LiveState } from '../model/live.js';
import { LIVE_RULES, runRules } from './index.js';

// diff, plan and apply run the live rules once, with the live state, and check them without
// live state only when that run found an error (reconcile/pass.ts). That is exact only if the
// live rules, without live state, never report what they would not report with it.

const roleTypes = [...ROLE_TYPES, 'ServiceConnectionPoint', 'CloudManagementGatewayConnectionPoint'] as const;

const world = fc
  .record({ desiredNames: fc.subarray(NAMES, { minLength: 1 }), liveNames: fc.subarray(NAMES), recorded: fc.subarray(NAMES) })
  .chain(({ desiredNames, liveNames, recorded }) =>
    fc.record({
      sites: fc.tuple(site('P01'), site('P02')),
      servers: fc.tuple(...desiredNames.map((name) => desiredServer(name, roleTypes))),
      live: liveNames.length ? fc.tuple(...liveNames.map(liveServer)) : fc.constant([]),
      recordedProxy: fc.option(settings, { nil: undefined }),
      accounts: fc.option(fc.subarray(['CONTOSO\\svc-a']), { nil: undefined }),
      recorded: fc.constant(recorded),
    }),
  )
  .map(({ sites, servers, live, recordedProxy, accounts, recorded }) => {
    const desired: DesiredState = { sites: new Map(sites.map((s) => [s.code, s])), proxies: new Map(), servers: new Map(servers.map((s) => [s.name, s])), cloudDistributionPoints: [] };
    const records = Object.fromEntries(recorded.map((name) => [name, { ...(recordedProxy ? { proxy: recordedProxy } : {}), roles: [], revision: 1 }]));
    const state: LiveState = { apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 2, sites: [], servers: live, ...(accounts ? { accounts } : {}), managed: { servers: records } };
    return { desired, state };
  });

const key = (d: Diagnostic) => `${d.severity} ${d.code} ${d.message}`;

describe('live rules without live state', () => {
  it('report nothing they do not also report with the live state', () => {
    fc.assert(
      fc.property(world, ({ desired, state }) => {
        const without = runRules(desired, { today: '2026-11-26', live: null, rules: LIVE_RULES }).map(key);
        const withLive = new Set(runRules(desired, { today: '2026-11-26', live: state, rules: LIVE_RULES }).map(key));
        expect(without.filter((k) => !withLive.has(k))).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
