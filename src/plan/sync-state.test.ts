import { describe, expect, it } from 'vitest';
import { TODAY } from '../../test/support/cli.js';
import { liveState, server, SITE_P01, sources } from '../../test/support/manifests.js';
import type { LiveServer } from '../model/live.js';
import { checkManifests, planChecked } from '../reconcile/pass.js';
import { countSyncStates, syncCounts, syncStates, type NotTaken, type ServerSync, type SyncInput } from './sync-state.js';

const CORP = { server: 'proxy.contoso.com', port: 8080, account: null };
const OPTIONS = { today: TODAY, prune: false, strict: false };

const FILES = {
  'site.yaml': SITE_P01,
  'servers.yaml': [
    server(
      'in-sync.contoso.com',
      '  site: P01\n  proxy: { server: proxy.contoso.com, port: 8080 }\n  roles:\n    - type: DistributionPoint\n',
    ),
    server(
      'pending.contoso.com',
      '  site: P01\n  proxy: { server: proxy.contoso.com, port: 8080 }\n  roles:\n    - type: DistributionPoint\n',
    ),
    server(
      'drifted.contoso.com',
      '  site: P01\n  proxy: { server: proxy.contoso.com, port: 8080 }\n  roles:\n    - type: DistributionPoint\n',
    ),
    server(
      'held.contoso.com',
      '  site: P01\n  roles:\n    - type: SoftwareUpdatePoint\n      proxy: { server: proxy-eu.contoso.com, port: 8080 }\n' +
        '    - type: ExchangeServerConnector\n      proxy: { server: proxy-us.contoso.com, port: 8080 }\n',
    ),
    server('new.contoso.com', '  site: P01\n  proxy: { server: proxy.contoso.com, port: 8080 }\n  roles:\n    - type: DistributionPoint\n'),
  ].join('---\n'),
};

const dp = (name: string, proxy: LiveServer['proxy']): LiveServer => ({ name, site: 'P01', proxy, roles: [{ type: 'DistributionPoint' }] });

function inputOf(notTaken?: ReadonlyMap<string, NotTaken>): SyncInput {
  const checked = checkManifests({ sources: sources(FILES), diagnostics: [] }, OPTIONS);
  const live = liveState(
    [
      dp('in-sync.contoso.com', CORP),
      dp('pending.contoso.com', null),
      dp('drifted.contoso.com', { server: 'elsewhere.contoso.com', port: 3128, account: null }),
      { name: 'held.contoso.com', site: 'P01', proxy: null, roles: [{ type: 'SoftwareUpdatePoint' }, { type: 'ExchangeServerConnector' }] },
      dp('by-hand.contoso.com', null),
    ],
    { managed: { servers: { 'drifted.contoso.com': { proxy: CORP, roles: [{ type: 'DistributionPoint' }], revision: 1 } } } },
  );
  const plan = planChecked(checked, live, 'sha256:x', OPTIONS);
  return { desired: checked.loaded.desired, live, changes: plan.changes, notTaken };
}

const statesOf = (notTaken?: ReadonlyMap<string, NotTaken>): ServerSync[] => syncStates(inputOf(notTaken));
const failed = (message: string): NotTaken => ({ outcome: 'failed', message });

describe('syncStates', () => {
  it('gives each server in the manifests or on the site one state, with the reason and the manifest position', () => {
    const byName = new Map(statesOf().map((s) => [s.name, s]));
    expect(Object.fromEntries([...byName].map(([name, s]) => [name, s.state]))).toEqual({
      'in-sync.contoso.com': 'InSync',
      'pending.contoso.com': 'Pending',
      'drifted.contoso.com': 'Drifted',
      'held.contoso.com': 'Held',
      'new.contoso.com': 'Pending',
      'by-hand.contoso.com': 'Unmanaged',
    });
    expect(byName.get('in-sync.contoso.com')).toMatchObject({ reason: '', site: 'P01', source: { file: 'servers.yaml', line: 4 } });
    expect(byName.get('pending.contoso.com')?.reason).toBe('would update: proxy to proxy.contoso.com:8080 as System');
    expect(byName.get('new.contoso.com')?.reason).toBe('would create: a new server');
    expect(byName.get('drifted.contoso.com')?.reason).toBe(
      'changed on the site since sitectl wrote it; would update: proxy to proxy.contoso.com:8080 as System',
    );
    expect(byName.get('by-hand.contoso.com')).toEqual({
      name: 'by-hand.contoso.com',
      site: 'P01',
      state: 'Unmanaged',
      reason: 'on the site, not in the manifests',
    });
  });

  it('lists the roles of a held server with the proxy each needs and where it is written', () => {
    const held = statesOf().find((s) => s.name === 'held.contoso.com');
    expect(held?.roles).toEqual([
      { role: 'SoftwareUpdatePoint', proxy: 'proxy-eu.contoso.com:8080 as System', source: { file: 'servers.yaml', line: 38, column: 7 } },
      {
        role: 'ExchangeServerConnector',
        proxy: 'proxy-us.contoso.com:8080 as System',
        source: { file: 'servers.yaml', line: 40, column: 7 },
      },
    ]);
    expect(held?.reason).toContain('ProxyConflict');
  });

  it('shows a server the site refused as Failed with its message while it has a change, and one it skipped with the reason', () => {
    const notTaken = new Map([
      ['pending.contoso.com', failed('ConfigMgr said no')],
      ['new.contoso.com', { outcome: 'skipped' as const, message: 'not a site system server of site P01 yet' }],
      ['in-sync.contoso.com', failed('an old failure')],
    ]);
    const byName = new Map(statesOf(notTaken).map((s) => [s.name, s]));
    expect(byName.get('new.contoso.com')).toMatchObject({
      state: 'Pending',
      reason: 'the site skipped the last write: not a site system server of site P01 yet; would create: a new server',
    });
    expect(byName.get('pending.contoso.com')).toMatchObject({
      state: 'Failed',
      reason: 'the last write failed: ConfigMgr said no; would update: proxy to proxy.contoso.com:8080 as System',
    });
    expect(byName.get('in-sync.contoso.com')?.state).toBe('InSync');
  });

  it('counts every state, zero for those no server is in', () => {
    expect(countSyncStates(statesOf())).toEqual({ Failed: 0, Held: 1, Drifted: 1, Pending: 2, Unmanaged: 1, InSync: 1 });
  });

  it('counts without listing exactly what the list counts, failures included', () => {
    const notTaken = new Map([['pending.contoso.com', failed('refused')]]);
    expect(syncCounts(inputOf())).toEqual(countSyncStates(statesOf()));
    expect(syncCounts(inputOf(notTaken))).toEqual({ Failed: 1, Held: 1, Drifted: 1, Pending: 1, Unmanaged: 1, InSync: 1 });
  });
});
