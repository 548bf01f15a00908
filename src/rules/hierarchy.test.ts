import { describe, expect, it } from 'vitest';
import { check, codes, only, server } from '../../test/support/manifests.js';

const site = (code: string, type: string, parent?: string) =>
  `apiVersion: sitectl/v1\nkind: Site\nmetadata:\n  name: ${code}\nspec:\n  type: ${type}\n  version: 2509\n${parent ? `  parent: ${parent}\n` : ''}  siteServer: cm-${code.toLowerCase()}.contoso.com\n`;

describe('siteHierarchy', () => {
  it('accepts CAS > primary > secondary', () => {
    const result = check({
      'a.yaml': site('CAS', 'CentralAdministrationSite'),
      'b.yaml': site('P01', 'PrimarySite', 'CAS'),
      'c.yaml': site('S01', 'SecondarySite', 'P01'),
    });
    expect(result.diagnostics).toEqual([]);
  });

  it.each([
    [
      'a second CAS',
      { 'a.yaml': site('CAS', 'CentralAdministrationSite'), 'b.yaml': site('CA2', 'CentralAdministrationSite') },
      'b.yaml',
      6,
      9,
    ],
    [
      'a CAS with a parent',
      { 'a.yaml': site('CAS', 'CentralAdministrationSite', 'P01'), 'b.yaml': site('P01', 'PrimarySite', 'CAS') },
      'a.yaml',
      8,
      11,
    ],
    ['a secondary without a parent', { 'a.yaml': site('S01', 'SecondarySite') }, 'a.yaml', 6, 3],
    ['a primary under a primary', { 'a.yaml': site('P01', 'PrimarySite'), 'b.yaml': site('P02', 'PrimarySite', 'P01') }, 'b.yaml', 8, 11],
    [
      'a primary that does not name the declared CAS',
      { 'a.yaml': site('CAS', 'CentralAdministrationSite'), 'b.yaml': site('P01', 'PrimarySite') },
      'b.yaml',
      6,
      3,
    ],
  ])('errs on %s', (_name, files, file, line, column) => {
    const found = only(check(files), 'InvalidHierarchy');
    expect(found).toEqual([expect.objectContaining({ severity: 'error', source: { file, line, column } })]);
  });

  it('errs on the 26th primary under one CAS', () => {
    const files: Record<string, string> = { 'cas.yaml': site('CAS', 'CentralAdministrationSite') };
    for (let i = 1; i <= 26; i++)
      files[`p${String(i).padStart(2, '0')}.yaml`] = site(`P${String(i).padStart(2, '0')}`, 'PrimarySite', 'CAS');
    expect(only(check(files), 'InvalidHierarchy')).toEqual([expect.objectContaining({ object: { kind: 'Site', name: 'P26' } })]);
  });
});

describe('roleHierarchy', () => {
  const scp = (fqdn: string, code: string) =>
    server(fqdn, `  site: ${code}\n  proxy: { server: p.contoso.com }\n  roles:\n    - type: ServiceConnectionPoint\n`);

  it('errs on a service connection point below the CAS', () => {
    const result = check({
      'a.yaml': site('CAS', 'CentralAdministrationSite'),
      'b.yaml': site('P01', 'PrimarySite', 'CAS'),
      's.yaml': scp('cm02.contoso.com', 'P01'),
    });
    expect(only(result, 'InvalidHierarchy')).toEqual([expect.objectContaining({ source: { file: 's.yaml', line: 9, column: 13 } })]);
  });

  it('accepts it on a stand-alone primary', () => {
    expect(codes(check({ 'b.yaml': site('P01', 'PrimarySite'), 's.yaml': scp('cm02.contoso.com', 'P01') }))).toEqual([]);
  });

  it('errs on a cloud distribution point managed by a secondary site', () => {
    const cdp = `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: cdp\nspec:\n  site: S01\n  type: CloudDistributionPoint\n`;
    const result = check({ 'b.yaml': site('P01', 'PrimarySite'), 'c.yaml': site('S01', 'SecondarySite', 'P01'), 'cdp.yaml': cdp });
    expect(only(result, 'InvalidHierarchy')).toEqual([
      expect.objectContaining({ path: '/spec/site', source: { file: 'cdp.yaml', line: 6, column: 9 } }),
    ]);
  });
});
