import { describe, expect, it } from 'vitest';
import { check, liveState, only, server, SITE_P01 } from '../../test/support/manifests.js';

const REQUIRING = SITE_P01 + '  requireProxy: true\n';

describe('internetRoleWithoutProxy', () => {
  const host = (proxy: string, roles: string) => server('cm02.contoso.com', `  site: P01\n${proxy}  roles:\n${roles}`);

  it.each([
    ['an Exchange connector on a host with no proxy', '  proxy: { enabled: false }\n', '    - type: ExchangeServerConnector\n', 1],
    [
      'a Connected Cache DP on a host with no proxy',
      '  proxy: { enabled: false }\n',
      '    - type: DistributionPoint\n      connectedCache: true\n',
      1,
    ],
    ['a plain DP on a host with no proxy', '  proxy: { enabled: false }\n', '    - type: DistributionPoint\n', 0],
    ['an SCP on a host with a proxy', '  proxy: { server: p.contoso.com }\n', '    - type: ServiceConnectionPoint\n', 0],
    ['an unmanaged host (validate reads no live state)', '', '    - type: ExchangeServerConnector\n', 0],
    [
      'a held host',
      '',
      '    - type: ExchangeServerConnector\n      proxy: { server: a.contoso.com }\n    - type: CloudManagementGatewayConnectionPoint\n      proxy: { server: b.contoso.com }\n',
      0,
    ],
  ])('for %s, counts the expected warnings', (_name, proxy, roles, count) => {
    expect(only(check({ 'site.yaml': REQUIRING, 's.yaml': host(proxy, roles) }), 'InternetRoleWithoutProxy')).toHaveLength(count);
  });

  it('is not raised when the site does not require a proxy', () => {
    const result = check({
      'site.yaml': SITE_P01,
      's.yaml': host('  proxy: { enabled: false }\n', '    - type: ExchangeServerConnector\n'),
    });
    expect(only(result, 'InternetRoleWithoutProxy')).toEqual([]);
  });

  it('uses the live proxy of an unmanaged host', () => {
    const live = liveState([{ name: 'cm02.contoso.com', site: 'P01', proxy: null, roles: [] }]);
    const result = check({ 'site.yaml': REQUIRING, 's.yaml': host('', '    - type: ExchangeServerConnector\n') }, live);
    expect(only(result, 'InternetRoleWithoutProxy')).toEqual([expect.objectContaining({ source: { file: 's.yaml', line: 8, column: 7 } })]);
  });

  it('flags a cloud DP whose managing site server has no proxy', () => {
    const cdp = `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: cdp\nspec:\n  site: P01\n  type: CloudDistributionPoint\n`;
    const siteServer = server('cm01.contoso.com', '  site: P01\n  proxy: { enabled: false }\n');
    const found = only(check({ 'site.yaml': REQUIRING, 'cdp.yaml': cdp, 's.yaml': siteServer }), 'InternetRoleWithoutProxy');
    expect(found).toEqual([expect.objectContaining({ source: { file: 'cdp.yaml', line: 6, column: 3 } })]);
    expect(found[0].message).toContain('cm01.contoso.com');
  });
});

describe('adrDownloadWithoutProxy', () => {
  const sup = (adr: string) =>
    server(
      'cm01.contoso.com',
      `  site: P01\n  proxy: { server: p.contoso.com }\n  roles:\n    - type: SoftwareUpdatePoint\n      useProxy: true\n${adr}`,
    );
  it('warns at the option when it is off', () => {
    const found = only(
      check({ 'site.yaml': REQUIRING, 's.yaml': sup('      useProxyForAutomaticDeploymentRules: false\n') }),
      'AdrDownloadWithoutProxy',
    );
    expect(found).toEqual([
      expect.objectContaining({
        path: '/spec/roles/0/useProxyForAutomaticDeploymentRules',
        source: { file: 's.yaml', line: 11, column: 44 },
      }),
    ]);
    expect(found[0].message).toContain('Error = 12007');
  });
  it('warns at the role when the option is left out, and not when it is on', () => {
    expect(only(check({ 'site.yaml': REQUIRING, 's.yaml': sup('') }), 'AdrDownloadWithoutProxy')[0].source).toEqual({
      file: 's.yaml',
      line: 9,
      column: 7,
    });
    expect(
      only(
        check({ 'site.yaml': REQUIRING, 's.yaml': sup('      useProxyForAutomaticDeploymentRules: true\n') }),
        'AdrDownloadWithoutProxy',
      ),
    ).toEqual([]);
  });
});
