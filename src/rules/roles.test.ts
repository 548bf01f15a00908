import { describe, expect, it } from 'vitest';
import { check, only, server, SITE_P01 } from '../../test/support/manifests.js';

const PROXY = '  proxy: { server: proxy.contoso.com }\n';

describe('duplicateRole', () => {
  it('errs on the second role of a type on one server', () => {
    const result = check({
      'site.yaml': SITE_P01,
      's.yaml': server(
        'cm02.contoso.com',
        `  site: P01\n${PROXY}  roles:\n    - type: DistributionPoint\n    - type: ManagementPoint\n    - type: DistributionPoint\n`,
      ),
    });
    expect(only(result, 'DuplicateRole')).toEqual([
      expect.objectContaining({ severity: 'error', path: '/spec/roles/2/type', source: { file: 's.yaml', line: 11, column: 13 } }),
    ]);
    expect(only(result, 'DuplicateRole')[0].message).toContain('(s.yaml:9)');
  });
});

describe('singletonRoleDuplicated', () => {
  it.each(['ServiceConnectionPoint', 'AssetIntelligenceSynchronizationPoint'])('errs on a second %s in the hierarchy', (type) => {
    const result = check({
      'site.yaml': SITE_P01,
      'a.yaml': server('cm01.contoso.com', `  site: P01\n${PROXY}  roles:\n    - type: ${type}\n`),
      'b.yaml': server('cm02.contoso.com', `  site: P01\n${PROXY}  roles:\n    - type: ${type}\n`),
    });
    expect(only(result, 'SingletonRoleDuplicated')).toEqual([expect.objectContaining({ source: { file: 'b.yaml', line: 9, column: 13 } })]);
    expect(only(result, 'SingletonRoleDuplicated')[0].message).toContain('cm01.contoso.com (a.yaml:9)');
  });
});

describe('roleDeprecated', () => {
  const cdp = `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: cdp\nspec:\n  site: P01\n  type: CloudDistributionPoint\n`;
  it.each([
    [2103, 0],
    [2107, 1],
    [2509, 1],
  ])('warns about a cloud distribution point on %i: %i', (version, count) => {
    const result = check({ 'site.yaml': SITE_P01.replace('2509', String(version)), 'cdp.yaml': cdp });
    expect(only(result, 'RoleDeprecated')).toHaveLength(count);
    if (count)
      expect(only(result, 'RoleDeprecated')[0]).toMatchObject({
        source: { file: 'cdp.yaml', line: 7, column: 9 },
        message: `cloud distribution point 'cdp': cloud distribution points are deprecated and none can be created on ${version} (since 2107); use a content-enabled cloud management gateway instead.`,
      });
  });

  it('warns about the Asset Intelligence synchronization point, noting its removal on 2603', () => {
    const aisp = server('cm01.contoso.com', `  site: P01\n${PROXY}  roles:\n    - type: AssetIntelligenceSynchronizationPoint\n`);
    const said = (removed: string) =>
      `AssetIntelligenceSynchronizationPoint on cm01.contoso.com: the Asset Intelligence synchronization point is deprecated since November 2021${removed}; plan to remove it.`;
    expect(only(check({ 'site.yaml': SITE_P01, 'a.yaml': aisp }), 'RoleDeprecated')[0].message).toBe(said(''));
    expect(only(check({ 'site.yaml': SITE_P01.replace('2509', '2603'), 'a.yaml': aisp }), 'RoleDeprecated')[0].message).toBe(
      said(' and is no longer offered when adding roles from 2603'),
    );
  });
});

describe('settingIgnoredOnSecondarySite', () => {
  const secondary = `apiVersion: sitectl/v1\nkind: Site\nmetadata:\n  name: S01\nspec:\n  type: SecondarySite\n  version: 2509\n  parent: P01\n  siteServer: cm-s01.contoso.com\n`;
  it.each([
    [true, 1],
    [false, 0],
  ])('with useProxyForAutomaticDeploymentRules: %s warns %i times', (adr, count) => {
    const sup = server(
      'cm-s01.contoso.com',
      `  site: S01\n${PROXY}  roles:\n    - type: SoftwareUpdatePoint\n      useProxy: true\n      useProxyForAutomaticDeploymentRules: ${adr}\n`,
    );
    const result = check({ 'p.yaml': SITE_P01, 's.yaml': secondary, 'sup.yaml': sup });
    expect(only(result, 'SettingIgnoredOnSecondarySite')).toHaveLength(count);
    if (count)
      expect(only(result, 'SettingIgnoredOnSecondarySite')[0]).toMatchObject({ source: { file: 'sup.yaml', line: 11, column: 44 } });
  });
});
