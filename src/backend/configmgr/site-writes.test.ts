import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../apply/apply-plan.js';
import type { LiveServer, LiveState } from '../../model/live.js';
import type { Change, Plan } from '../../model/plan.js';
import { settle, siteWrites } from './site-writes.js';

const CORP = { server: 'proxy.contoso.com', port: 8080, account: null };
const server = (name: string, proxy: LiveServer['proxy']): LiveServer => ({
  name,
  site: 'P01',
  proxy,
  roles: [{ type: 'DistributionPoint' }],
});
const live = (servers: LiveServer[]): LiveState => ({ apiVersion: 'sitectl/v1', kind: 'LiveState', revision: 4, sites: [], servers });

function planOf(changes: Change[]): Plan {
  const summary = { create: 0, update: changes.length, hold: 0, prune: 0, unchanged: 0, errors: 0, warnings: 0 };
  return { apiVersion: 'sitectl/v1', kind: 'Plan', liveRevision: 4, liveFingerprint: 'sha256:x', changes, diagnostics: [], summary };
}

function update(before: LiveServer, proxy: LiveServer['proxy']): Change {
  const after = { ...before, proxy };
  return {
    kind: 'SiteSystemServer',
    name: before.name,
    action: 'update',
    patch: [{ op: 'replace', path: '/proxy', value: proxy }],
    before,
    after,
    record: { proxy, roles: before.roles },
  };
}

describe('siteWrites', () => {
  it('writes the servers the plan wrote, judged against another, equal read of the site (a watcher plans ahead)', () => {
    const planned = live([server('a.contoso.com', null), server('b.contoso.com', CORP)]);
    const { next } = applyPlan(planned, planOf([update(planned.servers[0], CORP)]), { copySites: false });
    const readAgain = JSON.parse(JSON.stringify(planned)) as LiveState; // the same site, other objects
    const { writes, ended } = siteWrites(readAgain, next!);
    expect(writes.map((w) => [w.server, w.writeProxy, w.expectedProxy, w.proxy])).toEqual([['a.contoso.com', true, null, CORP]]);
    expect(ended).toEqual([]);
  });

  it('ends applied, with no cmdlet, a server the plan changed that the site already has as wanted', () => {
    const planned = live([server('a.contoso.com', { ...CORP, server: 'PROXY.contoso.com' })]);
    const { next } = applyPlan(planned, planOf([update(planned.servers[0], CORP)]), { copySites: false });
    expect(siteWrites(planned, next!)).toEqual({ writes: [], ended: [{ server: 'a.contoso.com', outcome: 'applied', message: '' }] });
  });
});

describe('settle', () => {
  it('keeps the records and events of the servers the site took, and reports the others instead', () => {
    const planned = live([server('a.contoso.com', null), server('b.contoso.com', null)]);
    const changes = [update(planned.servers[0], CORP), update(planned.servers[1], CORP)];
    const { next, events } = applyPlan(planned, planOf(changes), { copySites: false });
    const settled = settle(planned, next!, events, [
      { server: 'a.contoso.com', outcome: 'applied', message: '' },
      { server: 'b.contoso.com', outcome: 'failed', message: 'refused' },
    ]);
    expect(settled.bookkeeping).toEqual({
      revision: 5,
      servers: { 'a.contoso.com': { proxy: CORP, roles: [{ type: 'DistributionPoint' }], revision: 5 } },
    });
    expect(settled.events.map((e) => [e.reason, e.object.name])).toEqual([
      ['ProxyConfigured', 'a.contoso.com'],
      ['ApplyFailed', 'b.contoso.com'],
    ]);
  });

  it('records nothing and raises no revision when the site took nothing', () => {
    const planned = live([server('a.contoso.com', null)]);
    const { next, events } = applyPlan(planned, planOf([update(planned.servers[0], CORP)]), { copySites: false });
    const settled = settle(planned, next!, events, [{ server: 'a.contoso.com', outcome: 'skipped', message: 'changed since' }]);
    expect(settled.bookkeeping).toBeNull();
    expect(settled.events.map((e) => e.reason)).toEqual(['ApplySkipped']);
  });
});
