import { describe, expect, it } from 'vitest';
import type { LiveServer } from '../../model/live.js';
import { SiteUnreachableError } from '../errors.js';
import { outcomeOf, siteFingerprint, siteRead, type SiteRead } from './host-answers.js';
import type { HostMessage } from './powershell-host.js';

/** answer is a line of the host's, as it reaches the backend. */
const answer = (fields: Record<string, unknown>): HostMessage => ({ sitectl: 1, ...fields });

const SITES = [
  { code: 'CAS', type: 'CentralAdministrationSite' as const, version: 2509, siteServer: 'cas.contoso.com' },
  { code: 'P01', type: 'PrimarySite' as const, version: 2509, siteServer: 'cm01.contoso.com' },
  { code: 'S01', type: 'SecondarySite' as const, version: 2509, siteServer: 'sec.contoso.com', parent: 'P01' },
];
const SERVERS: LiveServer[] = [
  {
    name: 'dp1.contoso.com',
    site: 'P01',
    proxy: null,
    roles: [{ type: 'DistributionPoint' }, { type: 'ManagementPoint' }, { type: 'SoftwareUpdatePoint' }],
  },
  { name: 'dp1.contoso.com', site: 'S01', proxy: null, roles: [{ type: 'DistributionPoint' }] },
  {
    name: 'dp2.contoso.com',
    site: 'P01',
    proxy: { server: 'proxy.contoso.com', port: 8080, account: null },
    roles: [{ type: 'DistributionPoint' }],
  },
];
const ACCOUNTS = ['CONTOSO\\a', 'CONTOSO\\b', 'CONTOSO\\c'];
const SITE: SiteRead = {
  apiVersion: 'sitectl/v1',
  kind: 'LiveState',
  sites: SITES,
  servers: SERVERS,
  accounts: ACCOUNTS,
};

describe('siteRead', () => {
  it('reads the lists of a read as they came', () => {
    expect(siteRead(answer({ state: SITE }))).toEqual(SITE);
  });

  it('reads a list Windows PowerShell 5.1 wrote as its one element, or as null, as a list', () => {
    const server = { name: 'dp1.contoso.com', site: 'P01', proxy: null, roles: { type: 'DistributionPoint' } };
    expect(siteRead(answer({ state: { sites: SITES[1], servers: server, accounts: null } }))).toEqual({
      apiVersion: 'sitectl/v1',
      kind: 'LiveState',
      sites: [SITES[1]],
      servers: [{ ...server, roles: [{ type: 'DistributionPoint' }] }],
      accounts: [],
    });
    expect(siteRead(answer({ state: { sites: null, servers: null } }))).toEqual({
      apiVersion: 'sitectl/v1',
      kind: 'LiveState',
      sites: [],
      servers: [],
      accounts: [],
    });
  });

  it.each([
    ['no state', {}],
    ['a null state', { state: null }],
    ['no sites', { state: { servers: [] } }],
    ['no servers', { state: { sites: [] } }],
  ])('refuses an answer with %s as a site it could not read', (_what, fields) => {
    expect(() => siteRead(answer(fields))).toThrow(new SiteUnreachableError('PowerShell answered the read without a live state'));
  });
});

describe('siteFingerprint', () => {
  const reversed = <T>(list: readonly T[]): T[] => [...list].reverse();
  /** rotated moves the first element last: with reversed, two orders that a comparator answering the same whatever it is asked cannot both put right. */
  const rotated = <T>(list: readonly T[]): T[] => [...list.slice(1), list[0]];

  it('is the same for the same site in any order the cmdlets list its sites, servers, roles and accounts', () => {
    const first = siteFingerprint(SITE);
    for (const order of [reversed, rotated]) {
      expect(siteFingerprint({ ...SITE, sites: order(SITES) })).toBe(first);
      expect(siteFingerprint({ ...SITE, servers: order(SERVERS) })).toBe(first);
      expect(siteFingerprint({ ...SITE, servers: SERVERS.map((s) => ({ ...s, roles: order(s.roles) })) })).toBe(first);
      expect(siteFingerprint({ ...SITE, accounts: order(ACCOUNTS) })).toBe(first);
    }
  });

  it('is the same when an account is spelled in another case, as Windows compares them', () => {
    expect(siteFingerprint({ ...SITE, accounts: ['contoso\\A', 'CONTOSO\\B', 'Contoso\\c'] })).toBe(siteFingerprint(SITE));
  });

  it('differs when the site differs: a site, a proxy, a role or an account', () => {
    const first = siteFingerprint(SITE);
    const others: SiteRead[] = [
      { ...SITE, sites: SITES.slice(1) },
      { ...SITE, sites: SITES.map((s) => (s.code === 'P01' ? { ...s, version: 2503 } : s)) },
      { ...SITE, servers: SERVERS.map((s, i) => (i === 0 ? { ...s, proxy: { server: 'p', port: 80, account: null } } : s)) },
      { ...SITE, servers: SERVERS.map((s, i) => (i === 0 ? { ...s, roles: s.roles.slice(1) } : s)) },
      { ...SITE, accounts: [...ACCOUNTS, 'CONTOSO\\d'] },
    ];
    const prints = others.map(siteFingerprint);
    expect(new Set([first, ...prints]).size).toBe(others.length + 1);
  });

  it('keeps its value across releases, since a saved plan carries it and any change makes every saved plan stale', () => {
    expect(siteFingerprint(SITE)).toBe('sha256:196f0d29d5b0152a29a25cb450f1687700cf68239ff72586633b900f237d140f');
  });
});

describe('outcomeOf', () => {
  it.each(['applied', 'skipped', 'failed'] as const)('reads %s as it came', (outcome) => {
    expect(outcomeOf(answer({ server: 'dp1.contoso.com', outcome, message: 'done' }))).toEqual({
      server: 'dp1.contoso.com',
      outcome,
      message: 'done',
    });
  });

  it('counts an outcome it does not know as failed, so that nothing unknown is recorded as written', () => {
    expect(outcomeOf(answer({ server: 'dp1.contoso.com', outcome: 'maybe', message: 'x' }))).toEqual({
      server: 'dp1.contoso.com',
      outcome: 'failed',
      message: 'PowerShell reported an unknown outcome "maybe"',
    });
    expect(outcomeOf(answer({ server: 'dp1.contoso.com' }))).toMatchObject({
      outcome: 'failed',
      message: 'PowerShell reported an unknown outcome undefined',
    });
  });

  it('keeps a message that is not a string readable, and a missing one empty', () => {
    const failed = (message: unknown) => outcomeOf(answer({ server: 'a', outcome: 'failed', message })).message;
    expect(failed({ Exception: 'Access denied' })).toBe('{"Exception":"Access denied"}');
    expect(failed(42)).toBe('42');
    expect(failed(false)).toBe('false');
    expect(failed(null)).toBe('');
    expect(failed(undefined)).toBe('');
    expect(outcomeOf(answer({ server: 7, outcome: 'applied' })).server).toBe('7');
  });
});
