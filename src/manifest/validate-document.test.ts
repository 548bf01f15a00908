import { describe, expect, it } from 'vitest';
import { parseSource } from './parse.js';
import { checkDocument } from './validate-document.js';

function check(text: string) {
  const parsed = parseSource({ file: 'm.yaml', bytes: new TextEncoder().encode(text) });
  expect(parsed.diagnostics).toEqual([]);
  return checkDocument(parsed.documents[0]);
}

const serverDoc = (spec: string) => `apiVersion: sitectl/v1\nkind: SiteSystemServer\nmetadata:\n  name: cm02.contoso.com\nspec:\n${spec}`;

describe('checkDocument', () => {
  it('accepts a valid document and keeps its spec', () => {
    const result = check(serverDoc('  site: P01\n  proxy: { ref: corp-eu }\n'));
    expect(result.diagnostics).toEqual([]);
    expect(result.document).toMatchObject({
      kind: 'SiteSystemServer',
      name: 'cm02.contoso.com',
      spec: { site: 'P01', proxy: { ref: 'corp-eu' } },
    });
  });

  it('points a missing key at its parent mapping', () => {
    const result = check(
      'apiVersion: sitectl/v1\nkind: Site\nmetadata:\n  name: P01\nspec:\n  type: PrimarySite\n  siteServer: cm01.contoso.com\n',
    );
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: 'SchemaViolation',
        path: '/spec',
        source: { file: 'm.yaml', line: 6, column: 3 },
        message: "spec: missing required field 'version'",
      }),
    ]);
    expect(result.invalidObject).toEqual({ kind: 'Site', name: 'P01' });
  });

  it('points an unknown field at its key and suggests the field meant', () => {
    const result = check(serverDoc('  site: P01\n  proxi: { ref: corp-eu }\n'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        path: '/spec/proxi',
        source: { file: 'm.yaml', line: 7, column: 3 },
        message: "unknown field 'proxi' in spec; did you mean 'proxy'?",
      }),
    ]);
  });

  it.each(['password', 'proxyPassword', 'passwordFrom', 'secret'])('refuses a %s key with a message about secrets', (key) => {
    const result = check(`apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: corp\nspec:\n  server: proxy.contoso.com\n  ${key}: x\n`);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'SchemaViolation', source: { line: 7, column: 3 } });
    expect(result.diagnostics[0].message).toMatch(/never takes secrets.*account by name/);
  });

  it('explains YAML 1.1 booleans', () => {
    const result = check(serverDoc('  site: P01\n  roles:\n    - type: SoftwareUpdatePoint\n      useProxy: yes\n'));
    expect(result.diagnostics[0]).toMatchObject({ path: '/spec/roles/0/useProxy', source: { line: 9, column: 17 } });
    expect(result.diagnostics[0].message).toContain('write true or false');
  });

  it('refuses a type-specific field on another role type', () => {
    const result = check(serverDoc('  site: P01\n  roles:\n    - type: ManagementPoint\n      connectedCache: true\n'));
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        path: '/spec/roles/0/connectedCache',
        message: 'spec.roles[0].connectedCache: applies only to a DistributionPoint role (got true)',
      }),
    ]);
  });

  it('refuses a cloud distribution point on a server with a pointer to SiteSystemRole', () => {
    const result = check(serverDoc('  site: P01\n  roles:\n    - type: CloudDistributionPoint\n'));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0].message).toContain('declare it as a SiteSystemRole document with `site:`');
  });

  it.each([
    [
      'a role asking for no proxy',
      '  site: P01\n  roles:\n    - type: ExchangeServerConnector\n      proxy: { enabled: false }\n',
      '/spec/roles/0/proxy/enabled',
      "a role cannot ask for 'no proxy'",
    ],
    ['ref and inline fields together', '  site: P01\n  proxy: { ref: corp, port: 8080 }\n', '/spec/proxy/port', 'either `ref` or inline'],
    [
      'enabled: false with a server',
      '  site: P01\n  proxy: { enabled: false, server: p.contoso.com }\n',
      '/spec/proxy/server',
      '`enabled: false` means no proxy',
    ],
    ['a proxy with neither ref nor server', '  site: P01\n  proxy: { port: 8080 }\n', '/spec/proxy', 'needs either `ref: NAME`'],
    ['a host:port proxy server', '  site: P01\n  proxy: { server: "proxy:8080" }\n', '/spec/proxy/server', 'without scheme or port'],
    [
      'a UPN account',
      '  site: P01\n  proxy: { server: proxy.contoso.com, account: svc@contoso.com }\n',
      '/spec/proxy/account',
      'DOMAIN\\user',
    ],
    ['a port out of range', '  site: P01\n  proxy: { server: proxy.contoso.com, port: 0 }\n', '/spec/proxy/port', 'must be >= 1'],
  ])('reports %s at the offending node', (_name, spec, path, words) => {
    const result = check(serverDoc(spec));
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 'SchemaViolation', path });
    expect(result.diagnostics[0].message).toContain(words);
  });

  it('reports a SiteSystemRole that names both server and site, or a cloud DP without site', () => {
    const role = (spec: string) => `apiVersion: sitectl/v1\nkind: SiteSystemRole\nmetadata:\n  name: r1\nspec:\n${spec}`;
    expect(check(role('  type: ExchangeServerConnector\n  server: cm02.contoso.com\n  site: P01\n')).diagnostics[0]).toMatchObject({
      path: '/spec/site',
    });
    expect(check(role('  type: CloudDistributionPoint\n')).diagnostics[0]).toMatchObject({
      path: '/spec',
      message: "spec: missing required field 'site'",
    });
  });

  it.each([[2509], [2603], [2609], [3003]])('accepts site version %i', (version) => {
    const result = check(
      `apiVersion: sitectl/v1\nkind: Site\nmetadata:\n  name: P01\nspec:\n  type: PrimarySite\n  version: ${version}\n  siteServer: cm01.contoso.com\n`,
    );
    expect(result.diagnostics).toEqual([]);
  });

  it.each([[2510], [1906], ['"2509"']])('refuses site version %s', (version) => {
    const result = check(
      `apiVersion: sitectl/v1\nkind: Site\nmetadata:\n  name: P01\nspec:\n  type: PrimarySite\n  version: ${version}\n  siteServer: cm01.contoso.com\n`,
    );
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ path: '/spec/version', source: { file: 'm.yaml', line: 7, column: 12 } }),
    ]);
    expect(result.diagnostics[0].message).toContain('YYMM');
  });

  it('refuses a document that is not a mapping', () => {
    expect(check('- a\n- b\n').diagnostics[0]).toMatchObject({ path: '', source: { line: 1, column: 1 } });
  });
});
