import { describe, expect, it } from 'vitest';
import { check, only, server, SITE_P01, sources } from '../../test/support/manifests.js';
import { objectContaining, stringContaining } from '../../test/support/matchers.js';
import { loadManifests, type SourceCache } from '../validate.js';
import { ResolveMemo } from './memo.js';

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

const doc = (kind: string, name: string, spec: string) =>
  `apiVersion: sitectl/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\nspec:\n${spec}`;

/** plain drops what only locates a declaration (origins, locators), leaving what was resolved. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key !== 'origin' && key !== 'document' && typeof v !== 'function') out[key] = plain(v);
  }
  return out;
}

describe('resolve, a whole hierarchy', () => {
  const files = {
    'sites.yaml': [
      doc('Site', 'cas', '  type: CentralAdministrationSite\n  version: 2509\n  siteServer: CAS.Contoso.com\n'),
      doc(
        'Site',
        'p01',
        '  type: PrimarySite\n  version: 2503\n  parent: cas\n  siteServer: cm01.contoso.com\n  requireProxy: true\n  hotfixes: [KB33247081]\n  features: { entraGroupDiscovery: true }\n',
      ),
    ].join('---\n'),
    'proxies.yaml': doc('Proxy', 'corp', '  server: Proxy.Contoso.com.\n  port: 3128\n  account: CONTOSO\\svc-proxy\n'),
    'servers.yaml': [
      doc(
        'SiteSystemServer',
        'SUP01.contoso.com',
        '  site: p01\n  proxy: { ref: CORP }\n  roles:\n    - type: SoftwareUpdatePoint\n      useProxy: true\n    - type: DistributionPoint\n      connectedCache: true\n',
      ),
      doc(
        'SiteSystemServer',
        'dp02.contoso.com',
        '  site: P01\n  roles:\n    - type: DistributionPoint\n      proxy: { server: other.contoso.com, port: 8080 }\n',
      ),
    ].join('---\n'),
    'roles.yaml': [
      doc(
        'SiteSystemRole',
        'exchange',
        '  server: DP02.contoso.com\n  type: ExchangeServerConnector\n  proxy: { server: edge.contoso.com }\n',
      ),
      doc('SiteSystemRole', 'cloud', '  site: p01\n  type: CloudDistributionPoint\n'),
    ].join('---\n'),
  };
  const result = check(files);
  const corp = { server: 'proxy.contoso.com', port: 3128, account: 'CONTOSO\\svc-proxy' };
  const role = (type: string, extra: object = {}) => ({
    type,
    proxy: null,
    useProxy: false,
    useProxyForAutomaticDeploymentRules: false,
    connectedCache: false,
    ...extra,
  });

  it('normalises names, fills in defaults, follows refs and merges roles into their servers', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plain(result.desired)).toEqual({
      sites: {
        CAS: {
          code: 'CAS',
          type: 'CentralAdministrationSite',
          version: 2509,
          hotfixes: [],
          parent: null,
          siteServer: 'cas.contoso.com',
          requireProxy: false,
          features: { entraUserDiscovery: false, entraGroupDiscovery: false, entraCollectionSync: false },
        },
        P01: {
          code: 'P01',
          type: 'PrimarySite',
          version: 2503,
          hotfixes: ['KB33247081'],
          parent: 'CAS',
          siteServer: 'cm01.contoso.com',
          requireProxy: true,
          features: { entraUserDiscovery: false, entraGroupDiscovery: true, entraCollectionSync: false },
        },
      },
      proxies: { corp },
      servers: {
        'sup01.contoso.com': {
          name: 'sup01.contoso.com',
          site: 'P01',
          declaredProxy: { proxy: { enabled: true, settings: corp, ref: 'corp' } },
          roles: [role('SoftwareUpdatePoint', { useProxy: true }), role('DistributionPoint', { connectedCache: true })],
          effectiveProxy: { state: 'managed', proxy: { enabled: true, settings: corp, ref: 'corp' }, from: 'server' },
        },
        'dp02.contoso.com': {
          name: 'dp02.contoso.com',
          site: 'P01',
          declaredProxy: null,
          roles: [
            role('DistributionPoint', {
              proxy: { proxy: { enabled: true, settings: { server: 'other.contoso.com', port: 8080, account: null } } },
            }),
            role('ExchangeServerConnector', {
              proxy: { proxy: { enabled: true, settings: { server: 'edge.contoso.com', port: 80, account: null } } },
            }),
          ],
          effectiveProxy: { state: 'held' },
        },
      },
      cloudDistributionPoints: [{ name: 'cloud', site: 'P01', role: role('CloudDistributionPoint') }],
    });
  });

  it('remembers where each thing was declared', () => {
    const sup = result.desired.servers.get('sup01.contoso.com')!;
    expect(sup.origin).toMatchObject({ document: { kind: 'SiteSystemServer', name: 'sup01.contoso.com' }, path: '/metadata/name' });
    expect(sup.origin.source).toEqual({ file: 'servers.yaml', line: 4, column: 9 });
    expect(sup.declaredProxy?.origin).toMatchObject({ path: '/spec/proxy', source: { file: 'servers.yaml', line: 7, column: 10 } });
    expect(sup.roles[1].origin).toMatchObject({ path: '/spec/roles/1', source: { file: 'servers.yaml', line: 11, column: 7 } });
    const corpDoc =
      sup.effectiveProxy.state === 'managed' && sup.effectiveProxy.proxy.enabled ? sup.effectiveProxy.proxy.document : undefined;
    expect(corpDoc).toMatchObject({
      document: { kind: 'Proxy', name: 'corp' },
      path: '/spec',
      source: { file: 'proxies.yaml', line: 6, column: 3 },
    });
    const exchange = result.desired.servers.get('dp02.contoso.com')!.roles[1];
    expect(exchange.origin).toMatchObject({
      document: { kind: 'SiteSystemRole', name: 'exchange' },
      path: '/spec',
      source: { file: 'roles.yaml', line: 6, column: 3 },
    });
    expect(exchange.proxy?.origin.path).toBe('/spec/proxy');
    const p01 = result.desired.sites.get('P01')!;
    expect([p01.origin, p01.at('/spec/version')]).toEqual([
      { file: 'sites.yaml', line: 13, column: 9 },
      { file: 'sites.yaml', line: 16, column: 12 },
    ]);
  });

  it.each([
    [
      'a parent site',
      { 'sites.yaml': files['sites.yaml'].replace('parent: cas', 'parent: cax') },
      "parent site 'CAX' is not declared (did you mean 'CAS'?); add its Site document or fix the code",
      'sites.yaml',
      '/spec/parent',
    ],
    [
      "a server's site",
      { 'servers.yaml': files['servers.yaml'].replace('site: P01', 'site: Q77') },
      "site 'Q77' is not declared (declared: 'CAS', 'P01'); add a Site document for it or fix the site code",
      'servers.yaml',
      '/spec/site',
    ],
    [
      "a cloud distribution point's site",
      { 'roles.yaml': files['roles.yaml'].replace('site: p01', 'site: p02') },
      "site 'P02' is not declared (did you mean 'P01'?); add a Site document for it or fix the site code",
      'roles.yaml',
      '/spec/site',
    ],
    [
      "a role's server",
      { 'roles.yaml': files['roles.yaml'].replace('DP02.contoso', 'DP03.contoso') },
      "server 'dp03.contoso.com' is not declared (did you mean 'dp02.contoso.com'?); a SiteSystemRole needs a SiteSystemServer document for its host",
      'roles.yaml',
      '/spec/server',
    ],
    [
      'a proxy ref',
      { 'servers.yaml': files['servers.yaml'].replace('ref: CORP', 'ref: Edge') },
      "proxy 'Edge' is not declared (declared: 'corp'); add a Proxy document named 'edge' or fix the ref",
      'servers.yaml',
      '/spec/proxy/ref',
    ],
    [
      "a role's proxy ref",
      { 'roles.yaml': files['roles.yaml'].replace('proxy: { server: edge.contoso.com }', 'proxy: { ref: corb }') },
      "proxy 'corb' is not declared (did you mean 'corp'?); add a Proxy document named 'corb' or fix the ref",
      'roles.yaml',
      '/spec/proxy/ref',
    ],
  ])('reports an unknown reference in %s, saying what is declared', (_what, changed, message, file, pointer) => {
    const found = only(check({ ...files, ...changed }), 'UnknownReference');
    expect(found).toEqual([objectContaining({ severity: 'error', message, path: pointer, source: objectContaining({ file }) })]);
  });

  it('says when nothing of the kind is declared at all', () => {
    const found = only(check({ 'servers.yaml': files['servers.yaml'] }), 'UnknownReference');
    expect(found.map((d) => d.message)).toEqual([
      "site 'P01' is not declared (no Site is declared); add a Site document for it or fix the site code",
      "proxy 'CORP' is not declared (no Proxy document is declared); add a Proxy document named 'corp' or fix the ref",
      "site 'P01' is not declared (no Site is declared); add a Site document for it or fix the site code",
    ]);
  });

  it('does not report a role whose server failed its schema, and drops a ref to a Proxy that failed its', () => {
    const broken = {
      'servers.yaml': files['servers.yaml'].replace('  site: P01\n', '  site: P01\n  bogus: 1\n'),
      'proxies.yaml': files['proxies.yaml'].replace('port: 3128', 'port: none'),
    };
    const outcome = check({ ...files, ...broken });
    expect(outcome.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['SchemaViolation', 'SchemaViolation']);
    expect(outcome.desired.servers.get('sup01.contoso.com')?.declaredProxy).toBeNull();
  });
});

describe('resolve with a memo, as a watcher does', () => {
  const SERVER = server('cm02.contoso.com', '  site: P01\n  proxy: { ref: corp-eu }\n');
  const DP = server('dp03.contoso.com', '  site: P01\n');
  /** watcher is a new watcher's memo after its first pass, and a pass to make next. */
  function watcher() {
    const cache: SourceCache = new Map();
    const memo = new ResolveMemo();
    const pass = (files: Record<string, string>) => loadManifests(sources(files), { cache, resolved: memo }).desired;
    return { pass, first: pass({ 'site.yaml': SITE_P01, 'proxies.yaml': PROXIES, 'server.yaml': SERVER, 'dp.yaml': DP }) };
  }

  it('gives unchanged documents the objects they resolved to last time', () => {
    const { pass, first } = watcher();
    const again = pass({ 'site.yaml': SITE_P01, 'proxies.yaml': PROXIES, 'server.yaml': SERVER, 'dp.yaml': DP });
    expect(again.servers.get('cm02.contoso.com')).toBe(first.servers.get('cm02.contoso.com'));
    expect(again.sites.get('P01')).toBe(first.sites.get('P01'));
    expect(again.proxies.get('corp-eu')).toBe(first.proxies.get('corp-eu'));
  });

  it('resolves every server again when what they refer to changes, and follows the new settings', () => {
    const { pass, first } = watcher();
    const moved = pass({ 'site.yaml': SITE_P01, 'proxies.yaml': PROXIES.replace('8080', '3128'), 'server.yaml': SERVER, 'dp.yaml': DP });
    const cm02 = moved.servers.get('cm02.contoso.com')!;
    expect(cm02).not.toBe(first.servers.get('cm02.contoso.com'));
    expect(cm02.effectiveProxy).toMatchObject({ state: 'managed', proxy: { settings: { port: 3128 } } });
    expect(moved.servers.get('dp03.contoso.com')).not.toBe(first.servers.get('dp03.contoso.com'));
    expect(moved.sites.get('P01')).toBe(first.sites.get('P01'));
  });

  it('resolves an edited document again and keeps the others', () => {
    const { pass } = watcher();
    const before = pass({ 'site.yaml': SITE_P01, 'proxies.yaml': PROXIES, 'server.yaml': SERVER, 'dp.yaml': DP });
    const after = pass({ 'site.yaml': SITE_P01, 'proxies.yaml': PROXIES, 'server.yaml': SERVER, 'dp.yaml': DP.replace('P01', 'p01') });
    expect(after.servers.get('cm02.contoso.com')).toBe(before.servers.get('cm02.contoso.com'));
    expect(after.servers.get('dp03.contoso.com')).not.toBe(before.servers.get('dp03.contoso.com'));
    expect(after.servers.get('dp03.contoso.com')?.site).toBe('P01');
  });
});
