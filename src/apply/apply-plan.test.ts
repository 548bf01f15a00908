import fastJsonPatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { planOf } from '../../test/support/plans.js';
import { liveServerIndex, writtenIn, type LiveServer, type LiveState } from '../model/live.js';
import type { Change, Plan } from '../model/plan.js';
import type { ProxySettings } from '../model/proxy.js';
import { applyPlan } from './apply-plan.js';
import { eventsFor } from './events.js';

const EU: ProxySettings = { server: 'proxy-eu.contoso.com', port: 8080, account: 'CONTOSO\\svc-proxy' };
const US: ProxySettings = { server: 'proxy-us.contoso.com', port: 3128, account: null };

const server = (name: string, proxy: ProxySettings | null, extra: Partial<LiveServer> = {}): LiveServer => ({
  name,
  site: 'P01',
  proxy,
  roles: [{ type: 'DistributionPoint' }],
  ...extra,
});

/** change builds a change the way the planner does: an RFC 6902 patch from the live object to the one it should become. */
function change(action: Change['action'], before: Partial<LiveServer>, after: Partial<LiveServer>, extra: Partial<Change> = {}): Change {
  const patch = action === 'hold' ? [] : fastJsonPatch.compare(before, after);
  return { kind: 'SiteSystemServer', name: (after.name ?? before.name)!.toLowerCase(), action, patch, before, after, ...extra };
}

const plan = (changes: Change[], sites?: Plan['sites']): Plan => planOf(changes, { liveRevision: 4, ...(sites ? { sites } : {}) });

const a = server('A.contoso.com', EU, { note: 'kept' });
const b = server('b.contoso.com', US);
const c = server('c.contoso.com', null);
const live: LiveState = {
  apiVersion: 'sitectl/v1',
  kind: 'LiveState',
  revision: 4,
  sites: [{ code: 'P01', type: 'PrimarySite', version: 2509, siteServer: 'cm01.contoso.com' }],
  servers: [a, b, c],
  extra: 'kept',
  managed: { servers: { 'b.contoso.com': { proxy: US, roles: [], revision: 2 } }, other: true } as LiveState['managed'],
};
const site = { code: 'P02', type: 'PrimarySite', version: 2603, hotfixes: [], parent: null, siteServer: 'cm02.contoso.com', features: {} };

describe('applyPlan', () => {
  const created = server('d.contoso.com', EU);
  const updated = { ...a, proxy: US };
  const pruned = { ...b, proxy: null };
  // Each test applies the plan afresh, so that none depends on what another did with the result.
  const applyAll = () =>
    applyPlan(
      live,
      plan(
        [
          change('update', a, updated, { record: { proxy: US, roles: [] } }),
          change('prune', b, pruned),
          change('hold', c, c, { reason: 'roles disagree' }),
          change('create', {}, created, { record: { proxy: EU, roles: [{ type: 'DistributionPoint' }] } }),
        ],
        [site],
      ),
      { copySites: true },
    );

  it('writes each change at its server, appends created servers, and raises the revision by one', () => {
    const applied = applyAll();
    const next = applied.next!;
    expect(next.revision).toBe(5);
    expect(next.servers).toEqual([updated, pruned, c, created]);
    expect(next.extra).toBe('kept');
  });

  it('records what it wrote at the new revision, forgets pruned servers and keeps the rest of the bookkeeping', () => {
    const applied = applyAll();
    const next = applied.next!;
    expect(next.managed).toEqual({
      other: true,
      servers: {
        'a.contoso.com': { proxy: US, roles: [], revision: 5 },
        'd.contoso.com': { proxy: EU, roles: [{ type: 'DistributionPoint' }], revision: 5 },
      },
    });
  });

  it("copies the plan's sites when asked, and leaves the live sites otherwise", () => {
    expect(applyAll().next!.sites).toEqual([site]);
    const kept = applyPlan(live, plan([change('create', {}, created)], [site]), { copySites: false }).next!;
    expect(kept.sites).toBe(live.sites);
    const none = applyPlan(live, plan([change('create', {}, created)]), { copySites: true }).next!;
    expect(none.sites).toBe(live.sites);
  });

  it('changes neither the live state it was given nor the plan', () => {
    const applied = applyAll();
    const next = applied.next!;
    expect(live.servers).toEqual([a, b, c]);
    expect(a.proxy).toEqual(EU);
    expect(live.revision).toBe(4);
    expect(Object.keys(live.managed!.servers!)).toEqual(['b.contoso.com']);
    (next.servers[3].proxy as { port: number }).port = 1;
    expect(created.proxy?.port).toBe(8080);
    expect(applyAll().next!.servers[3].proxy?.port).toBe(8080);
  });

  it('indexes the next state as indexing it afresh would, and names the servers it wrote', () => {
    const applied = applyAll();
    const next = applied.next!;
    const index = liveServerIndex(next);
    for (const s of next.servers) expect(index.get(s.name.toLowerCase())).toBe(s);
    expect(writtenIn(next)).toEqual(new Set(['a.contoso.com', 'b.contoso.com', 'd.contoso.com']));
  });

  it('says what each change did, with the revision it wrote; a hold, which writes nothing, with none', () => {
    const applied = applyAll();
    expect(applied.events.map((e) => [e.reason, e.object.name, e.revision])).toEqual([
      ['ProxyOverwritten', 'a.contoso.com', 5],
      ['Pruned', 'b.contoso.com', 5],
      ['ProxyConflict', 'c.contoso.com', undefined],
      ['ProxyConfigured', 'd.contoso.com', 5],
    ]);
  });

  it('writes nothing for a plan of holds alone, and still says why', () => {
    const held = applyPlan(live, plan([change('hold', c, c, { reason: 'roles disagree' })]), { copySites: true });
    expect(held.next).toBeNull();
    expect(held.events).toEqual([
      {
        type: 'Warning',
        reason: 'ProxyConflict',
        message: 'proxy held: roles disagree',
        object: { kind: 'SiteSystemServer', name: 'c.contoso.com' },
      },
    ]);
  });

  it('refuses a change to a server the live state does not have', () => {
    const gone = server('gone.contoso.com', null);
    expect(() => applyPlan(live, plan([change('update', gone, { ...gone, proxy: EU })]), { copySites: true })).toThrow(
      'plan does not match the live state: gone.contoso.com is not there to update',
    );
  });
});

describe('eventsFor', () => {
  const object = { kind: 'SiteSystemServer', name: 'a.contoso.com' };

  it('configures a proxy where there was none, as a Normal event without a previous proxy', () => {
    expect(eventsFor(change('create', {}, server('a.contoso.com', EU)), 7)).toEqual([
      {
        type: 'Normal',
        reason: 'ProxyConfigured',
        message: 'configured proxy proxy-eu.contoso.com:8080 as CONTOSO\\svc-proxy',
        object,
        revision: 7,
      },
    ]);
  });

  it('overwrites and removes a proxy with the previous one kept, so it can be restored', () => {
    expect(eventsFor(change('update', server('a.contoso.com', EU), server('a.contoso.com', US)), 7)).toEqual([
      {
        type: 'Normal',
        reason: 'ProxyOverwritten',
        message: 'replaced proxy proxy-eu.contoso.com:8080 as CONTOSO\\svc-proxy with proxy-us.contoso.com:3128 as System',
        object,
        previous: EU,
        revision: 7,
      },
    ]);
    expect(eventsFor(change('update', server('a.contoso.com', US), server('a.contoso.com', null)), 7)).toEqual([
      {
        type: 'Normal',
        reason: 'ProxyRemoved',
        message: 'removed proxy proxy-us.contoso.com:3128 as System',
        object,
        previous: US,
        revision: 7,
      },
    ]);
  });

  it('says nothing of a proxy that differs only in case', () => {
    const upper = { ...EU, server: EU.server.toUpperCase() };
    expect(eventsFor(change('update', server('a.contoso.com', upper), server('a.contoso.com', EU)), 7)).toEqual([]);
  });

  it('tells a drift corrected before what the write changed', () => {
    const events = eventsFor(change('update', server('a.contoso.com', US), server('a.contoso.com', EU), { drift: true }), 7);
    expect(events.map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Normal', 'DriftCorrected', 'restored the settings sitectl applied, which had been changed on the site'],
      [
        'Normal',
        'ProxyOverwritten',
        'replaced proxy proxy-us.contoso.com:3128 as System with proxy-eu.contoso.com:8080 as CONTOSO\\svc-proxy',
      ],
    ]);
  });

  it('names the role settings an update changed, and an added role without settings as such', () => {
    const sup = (useProxy: boolean) => [{ type: 'SoftwareUpdatePoint', useProxy }];
    const before = server('a.contoso.com', EU, { roles: sup(false) });
    expect(eventsFor(change('update', before, { ...before, roles: sup(true) }), 7)).toEqual([
      {
        type: 'Normal',
        reason: 'RoleSettingsUpdated',
        message: 'role settings changed: SoftwareUpdatePoint.useProxy false → true',
        object,
        revision: 7,
      },
    ]);
    const added = eventsFor(change('update', before, { ...before, roles: [...sup(false), { type: 'ManagementPoint' }] }), 7);
    expect(added.map((e) => e.message)).toEqual(['role settings changed: roles added']);
    // A created server's roles are part of creating it.
    expect(eventsFor(change('create', {}, server('a.contoso.com', null, { roles: sup(true) })), 7)).toEqual([]);
  });

  it('tells a prune with the proxy it removed and why, and a hold as a Warning with its reason', () => {
    expect(
      eventsFor(change('prune', server('a.contoso.com', EU), server('a.contoso.com', null), { reason: 'left the manifests' }), 7),
    ).toEqual([
      {
        type: 'Normal',
        reason: 'Pruned',
        message: 'removed proxy proxy-eu.contoso.com:8080 as CONTOSO\\svc-proxy: left the manifests',
        object,
        previous: EU,
        revision: 7,
      },
    ]);
    const noReason = (action: Change['action']) =>
      eventsFor(change(action, server('a.contoso.com', US), server('a.contoso.com', null)), 7)[0];
    expect(noReason('prune').message).toBe('removed proxy proxy-us.contoso.com:3128 as System: left the manifests');
    expect(noReason('hold')).toEqual({
      type: 'Warning',
      reason: 'ProxyConflict',
      message: 'proxy held: roles need different proxies',
      object,
    });
  });
});
