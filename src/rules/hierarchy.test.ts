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
      'a hierarchy has at most one central administration site, and CAS (a.yaml:4:9) is one already; one repository describes one hierarchy.',
    ],
    [
      'a CAS with a parent',
      { 'a.yaml': site('CAS', 'CentralAdministrationSite', 'P01'), 'b.yaml': site('P01', 'PrimarySite', 'CAS') },
      'a.yaml',
      8,
      11,
      'central administration site CAS is the top of the hierarchy and has no parent; remove parent.',
    ],
    [
      'a secondary without a parent',
      { 'a.yaml': site('S01', 'SecondarySite') },
      'a.yaml',
      6,
      3,
      'secondary site S01 needs a parent: add parent naming the primary site it reports to.',
    ],
    [
      'a primary under a primary',
      { 'a.yaml': site('P01', 'PrimarySite'), 'b.yaml': site('P02', 'PrimarySite', 'P01') },
      'b.yaml',
      8,
      11,
      'primary site P02 can only report to a central administration site, but P01 is a PrimarySite.',
    ],
    [
      'a primary that does not name the declared CAS',
      { 'a.yaml': site('CAS', 'CentralAdministrationSite'), 'b.yaml': site('P01', 'PrimarySite') },
      'b.yaml',
      6,
      3,
      'this repository declares central administration site CAS, so primary site P01 must name it: add parent: CAS.',
    ],
  ])('errs on %s, saying how to fix it', (_name, files, file, line, column, message) => {
    const found = only(check(files), 'InvalidHierarchy');
    expect(found).toEqual([expect.objectContaining({ severity: 'error', source: { file, line, column }, message })]);
  });

  it('errs on the 26th primary under one CAS', () => {
    const files: Record<string, string> = { 'cas.yaml': site('CAS', 'CentralAdministrationSite') };
    for (let i = 1; i <= 26; i++)
      files[`p${String(i).padStart(2, '0')}.yaml`] = site(`P${String(i).padStart(2, '0')}`, 'PrimarySite', 'CAS');
    expect(only(check(files), 'InvalidHierarchy')).toEqual([
      expect.objectContaining({
        object: { kind: 'Site', name: 'P26' },
        message: 'CAS already has 25 child primary sites, the most ConfigMgr supports; P26 needs another parent.',
      }),
    ]);
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
    expect(only(result, 'InvalidHierarchy')).toEqual([
      expect.objectContaining({
        source: { file: 's.yaml', line: 9, column: 13 },
        message:
          'ServiceConnectionPoint on cm02.contoso.com: this role belongs at the top-level site of the hierarchy (the central administration site when there is one), not at PrimarySite P01.',
      }),
    ]);
  });

  it('accepts it on a stand-alone primary', () => {
    expect(codes(check({ 'b.yaml': site('P01', 'PrimarySite'), 's.yaml': scp('cm02.contoso.com', 'P01') }))).toEqual([]);
  });

  it('errs on a cloud distribution point managed by a secondary site', () => {
    const cdp = `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: cdp\nspec:\n  site: S01\n  type: CloudDistributionPoint\n`;
    const result = check({ 'b.yaml': site('P01', 'PrimarySite'), 'c.yaml': site('S01', 'SecondarySite', 'P01'), 'cdp.yaml': cdp });
    expect(only(result, 'InvalidHierarchy')).toEqual([
      expect.objectContaining({
        path: '/spec/site',
        source: { file: 'cdp.yaml', line: 6, column: 9 },
        message: "cloud distribution point 'cdp' must be managed by a primary site, but S01 is a SecondarySite.",
      }),
    ]);
  });
});
