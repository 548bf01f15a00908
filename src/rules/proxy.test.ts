import { describe, expect, it } from 'vitest';
import { check, liveState, only, server, SITE_P01 } from '../../test/support/manifests.js';

const site = (version: number, extra = '') => SITE_P01.replace('version: 2509', `version: ${version}`) + extra;
const sup = '    - type: SoftwareUpdatePoint\n      useProxy: true\n      useProxyForAutomaticDeploymentRules: true\n';

describe('proxyConflict', () => {
  it("warns once per role whose proxy the server's spec.proxy overrules, at that role's proxy", () => {
    const result = check({
      'site.yaml': SITE_P01,
      's.yaml': server(
        'cm02.contoso.com',
        `  site: P01\n  proxy: { server: proxy-eu.contoso.com, port: 8080 }\n  roles:\n${sup}      proxy: { server: proxy-us.contoso.com }\n    - type: ManagementPoint\n      proxy: { server: PROXY-EU.contoso.com, port: 8080 }\n`,
      ),
    });
    const conflicts = only(result, 'ProxyConflict');
    expect(conflicts).toEqual([
      expect.objectContaining({ severity: 'warning', path: '/spec/roles/0/proxy', source: { file: 's.yaml', line: 12, column: 14 } }),
    ]);
    expect(conflicts[0].message).toContain('SoftwareUpdatePoint on cm02.contoso.com (s.yaml:9) needs proxy-us.contoso.com:80 as System');
    expect(conflicts[0].message).toContain("the server's spec.proxy (s.yaml:7) is proxy-eu.contoso.com:8080 as System");
    expect(conflicts[0].message).toContain('separate site system servers');
  });

  it('warns when roles disagree and names every role, its proxy and where it was declared', () => {
    const role = `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: exch\nspec:\n  server: cm02.contoso.com\n  type: ExchangeServerConnector\n  proxy: { server: proxy-us.contoso.com, port: 3128 }\n`;
    const result = check({
      'site.yaml': SITE_P01,
      's.yaml': server('cm02.contoso.com', `  site: P01\n  roles:\n${sup}      proxy: { server: proxy-eu.contoso.com, port: 8080 }\n`),
      'r.yaml': role,
    });
    const [conflict, ...rest] = only(result, 'ProxyConflict');
    expect(rest).toEqual([]);
    expect(conflict).toMatchObject({ source: { file: 'r.yaml', line: 8, column: 10 }, object: { kind: 'SiteSystemRole', name: 'exch' } });
    expect(conflict.message).toContain('SoftwareUpdatePoint (s.yaml:8) needs proxy-eu.contoso.com:8080 as System');
    expect(conflict.message).toContain('ExchangeServerConnector (r.yaml:6) needs proxy-us.contoso.com:3128 as System');
    expect(conflict.message).toContain('holds');
  });
});

describe('roleProxyWithoutServerProxy', () => {
  const unmanaged = server('cm02.contoso.com', `  site: P01\n  roles:\n${sup}`);

  it('errs when the SUP uses a proxy and the server is set to have none', () => {
    const result = check({
      'site.yaml': SITE_P01,
      's.yaml': server('cm02.contoso.com', `  site: P01\n  proxy: { enabled: false }\n  roles:\n${sup}`),
    });
    expect(only(result, 'RoleProxyWithoutServerProxy')).toEqual([
      expect.objectContaining({ severity: 'error', path: '/spec/roles/0/useProxy', source: { file: 's.yaml', line: 10, column: 17 } }),
    ]);
  });

  it('is skipped by validate for an unmanaged proxy, and raised when the live server has none', () => {
    expect(only(check({ 'site.yaml': SITE_P01, 's.yaml': unmanaged }), 'RoleProxyWithoutServerProxy')).toEqual([]);
    const noProxy = liveState([{ name: 'CM02.contoso.com', site: 'P01', proxy: null, roles: [] }]);
    expect(only(check({ 'site.yaml': SITE_P01, 's.yaml': unmanaged }, noProxy), 'RoleProxyWithoutServerProxy')).toHaveLength(1);
    const withProxy = liveState([
      { name: 'cm02.contoso.com', site: 'P01', proxy: { server: 'p.contoso.com', port: 80, account: null }, roles: [] },
    ]);
    expect(only(check({ 'site.yaml': SITE_P01, 's.yaml': unmanaged }, withProxy), 'RoleProxyWithoutServerProxy')).toEqual([]);
  });
});

describe('proxyNotConfigurableOnRole', () => {
  it("errs on a cloud DP's proxy and names the site server that needs it instead", () => {
    const cdp = `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: cdp\nspec:\n  site: p01\n  type: CloudDistributionPoint\n  proxy: { server: proxy.contoso.com }\n`;
    const [d] = only(check({ 'site.yaml': SITE_P01, 'cdp.yaml': cdp }), 'ProxyNotConfigurableOnRole');
    expect(d).toMatchObject({ severity: 'error', path: '/spec/proxy', source: { file: 'cdp.yaml', line: 8, column: 10 } });
    expect(d.message).toContain('cm01.contoso.com, the site server of P01');
  });
});

describe('connectedCacheProxyUnsupported', () => {
  const dp = (proxy: string) =>
    server('dp01.contoso.com', `  site: P01\n  proxy: ${proxy}\n  roles:\n    - type: DistributionPoint\n      connectedCache: true\n`);
  const withAccount = '{ server: proxy.contoso.com, account: CONTOSO\\svc }';
  const anonymous = '{ server: proxy.contoso.com }';

  it.each([
    [1910, '', anonymous, true],
    [2002, '', anonymous, false],
    [2509, '', withAccount, true],
    [2509, '  hotfixes: [KB33247081]\n', withAccount, false],
    [2409, '  hotfixes: [kb33247081]\n', withAccount, false],
    [2303, '  hotfixes: [KB33247081]\n', withAccount, true],
    [2603, '', withAccount, false],
  ])('on %i%s with proxy %s: error %s', (version, hotfixes, proxy, expected) => {
    const result = check({ 'site.yaml': site(version, hotfixes), 'dp.yaml': dp(proxy) });
    const found = only(result, 'ConnectedCacheProxyUnsupported');
    expect(found.length).toBe(expected ? 1 : 0);
    if (expected) expect(found[0]).toMatchObject({ path: '/spec/roles/0/connectedCache', source: { line: 10, column: 23 } });
  });

  it('uses the live proxy of an unmanaged host, and skips it in validate', () => {
    const unmanaged = server('dp01.contoso.com', '  site: P01\n  roles:\n    - type: DistributionPoint\n      connectedCache: true\n');
    expect(only(check({ 'site.yaml': site(2509), 'dp.yaml': unmanaged }), 'ConnectedCacheProxyUnsupported')).toEqual([]);
    const live = liveState([
      { name: 'dp01.contoso.com', site: 'P01', proxy: { server: 'p', port: 80, account: 'CONTOSO\\svc' }, roles: [] },
    ]);
    expect(only(check({ 'site.yaml': site(2509), 'dp.yaml': unmanaged }, live), 'ConnectedCacheProxyUnsupported')).toHaveLength(1);
  });
});

describe('managementPointIgnoresSiteProxy', () => {
  const mp = (proxy: string) => server('cm01.contoso.com', `  site: P01\n  proxy: ${proxy}\n  roles:\n    - type: ManagementPoint\n`);
  it.each([
    [2603, '{ server: p.contoso.com }', 1],
    [2509, '{ server: p.contoso.com }', 0],
    [2603, '{ enabled: false }', 0],
  ])('on %i with proxy %s reports %i info', (version, proxy, count) => {
    const found = only(check({ 'site.yaml': site(version), 'mp.yaml': mp(proxy) }), 'ManagementPointIgnoresSiteProxy');
    expect(found).toHaveLength(count);
    if (count) expect(found[0]).toMatchObject({ severity: 'info', source: { file: 'mp.yaml', line: 9, column: 7 } });
  });
});
