import { describe, expect, it } from 'vitest';
import { check, only, server, SITE_P01 } from '../../test/support/manifests.js';
import { objectContaining, stringContaining } from '../../test/support/matchers.js';

const PROXIES = `apiVersion: sitectl/v1
kind: Proxy
metadata:
  name: corp-eu
spec:
  server: Proxy-EU.contoso.com
  port: 8080
---
apiVersion: sitectl/v1
kind: Proxy
metadata:
  name: corp-us
spec:
  server: proxy-us.contoso.com
`;

function effective(spec: string, extra: Record<string, string> = {}) {
  const result = check({ 'site.yaml': SITE_P01, 'proxies.yaml': PROXIES, 'server.yaml': server('CM02.contoso.com', spec), ...extra });
  return { result, server: result.desired.servers.get('cm02.contoso.com')! };
}

describe('resolve', () => {
  it("takes the server's own spec.proxy, following the ref with defaults filled in", () => {
    const { server: s } = effective('  site: p01\n  proxy: { ref: CORP-US }\n');
    expect(s.site).toBe('P01');
    expect(s.effectiveProxy).toEqual({
      state: 'managed',
      from: 'server',
      proxy: {
        enabled: true,
        ref: 'corp-us',
        settings: { server: 'proxy-us.contoso.com', port: 80, account: null },
        document: objectContaining({ document: { kind: 'Proxy', name: 'corp-us' }, path: '/spec' }),
      },
    });
  });

  it('takes the proxy all roles agree on; a ref and identical inline settings agree', () => {
    const { server: s, result } = effective(
      '  site: P01\n  roles:\n    - type: SoftwareUpdatePoint\n      proxy: { ref: corp-eu }\n    - type: ExchangeServerConnector\n      proxy: { server: proxy-eu.CONTOSO.com, port: 8080 }\n',
    );
    expect(only(result, 'ProxyConflict')).toEqual([]);
    expect(s.effectiveProxy).toMatchObject({
      state: 'managed',
      from: 'roles',
      proxy: { settings: { server: 'proxy-eu.contoso.com', port: 8080, account: null } },
    });
  });

  it('holds the proxy when roles disagree and the server does not choose', () => {
    const { server: s } = effective(
      '  site: P01\n  roles:\n    - type: SoftwareUpdatePoint\n      proxy: { ref: corp-eu }\n    - type: ExchangeServerConnector\n      proxy: { ref: corp-us }\n',
    );
    expect(s.effectiveProxy).toEqual({ state: 'held' });
  });

  it('leaves the proxy unmanaged when nobody states one', () => {
    expect(effective('  site: P01\n  roles:\n    - type: DistributionPoint\n').server.effectiveProxy).toEqual({ state: 'unmanaged' });
  });

  it('merges SiteSystemRole documents into their server, matching the FQDN case-insensitively', () => {
    const role = `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: exch\nspec:\n  server: cm02.CONTOSO.com\n  type: ExchangeServerConnector\n  proxy: { ref: corp-us }\n`;
    const { server: s } = effective('  site: P01\n  roles:\n    - type: ManagementPoint\n', { 'roles/exch.yaml': role });
    expect(s.roles.map((r) => [r.type, r.origin.source.file])).toEqual([
      ['ManagementPoint', 'server.yaml'],
      ['ExchangeServerConnector', 'roles/exch.yaml'],
    ]);
    expect(s.effectiveProxy).toMatchObject({ state: 'managed', from: 'roles', proxy: { ref: 'corp-us' } });
  });

  it.each([
    ['an unknown proxy ref', '  site: P01\n  proxy: { ref: corp-xx }\n', {}, 'server.yaml', 7, 17],
    ['an unknown site', '  site: P09\n', {}, 'server.yaml', 6, 9],
    [
      'a role for an undeclared server',
      '  site: P01\n',
      {
        'r.yaml':
          'apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: x\nspec:\n  server: cm99.contoso.com\n  type: ManagementPoint\n',
      },
      'r.yaml',
      6,
      11,
    ],
  ])('reports %s as UnknownReference at the reference', (_name, spec, extra, file, line, column) => {
    const { result } = effective(spec, extra);
    expect(only(result, 'UnknownReference')).toEqual([expect.objectContaining({ source: { file, line, column } })]);
  });

  it('does not report a reference to a document that already failed its schema', () => {
    const broken = `apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: corp-xx\nspec:\n  server: http://x\n`;
    const { result } = effective('  site: P01\n  proxy: { ref: corp-xx }\n', { 'broken.yaml': broken });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['SchemaViolation']);
  });

  it('reports a second object of the same kind and name as DuplicateObject naming both places', () => {
    const result = check({ 'a.yaml': SITE_P01, 'b.yaml': SITE_P01.replace('name: P01', 'name: p01') });
    expect(only(result, 'DuplicateObject')).toEqual([
      objectContaining({ source: { file: 'b.yaml', line: 4, column: 9 }, message: stringContaining('a.yaml:4:9') }),
    ]);
  });
});
