import { describe, expect, it } from 'vitest';
import { check, liveState, only, server, SITE_P01 } from '../../test/support/manifests.js';
import type { LiveServer, LiveState } from '../model/live.js';

// The rules that compare the manifests with the live state (rules/live.ts), message for message.

const PROXY = `apiVersion: sitectl/v1\nkind: Proxy\nmetadata:\n  name: corp\nspec:\n  server: proxy.contoso.com\n  account: CONTOSO\\svc-new\n`;
const live = (name: string, proxy: LiveServer['proxy'], extra: Partial<LiveServer> = {}): LiveServer => ({
  name,
  site: 'P01',
  proxy,
  roles: [],
  ...extra,
});
const messages = (files: Record<string, string>, state: LiveState, code: Parameters<typeof only>[1]) =>
  only(check({ 'site.yaml': SITE_P01, ...files }, state), code).map((d) => [d.message, d.source?.file, d.path]);

describe('ProxyResetOnOverwrite', () => {
  const files = (spec: string) => ({ 'server.yaml': server('cm02.contoso.com', `  site: P01\n${spec}`) });

  it('warns when writing a proxy resets the live port and account, at the proxy that resets them', () => {
    const state = liveState([live('cm02.contoso.com', { server: 'old.contoso.com', port: 8080, account: 'CONTOSO\\svc-old' })]);
    expect(messages(files('  proxy: { server: proxy.contoso.com }\n'), state, 'ProxyResetOnOverwrite')).toEqual([
      [
        'writing proxy.contoso.com:80 as System to cm02.contoso.com replaces its whole proxy configuration: port 8080 becomes 80, and account CONTOSO\\svc-old becomes the System account. State the port and account in the manifest to keep them.',
        'server.yaml',
        '/spec/proxy',
      ],
    ]);
  });

  it('names the Proxy document a ref leads to, and only what is reset', () => {
    const state = liveState([live('cm02.contoso.com', { server: 'old.contoso.com', port: 3128, account: 'CONTOSO\\svc-old' })]);
    expect(messages({ ...files('  proxy: { ref: corp }\n'), 'proxy.yaml': PROXY }, state, 'ProxyResetOnOverwrite')).toEqual([
      [
        'writing proxy.contoso.com:80 as CONTOSO\\svc-new to cm02.contoso.com replaces its whole proxy configuration: port 3128 becomes 80. State the port and account in the manifest to keep them.',
        'proxy.yaml',
        '/spec',
      ],
    ]);
  });

  it.each([
    ['the same proxy in another case', { server: 'PROXY.contoso.com', port: 80, account: null }],
    ['a live port and account equal to the defaults the write gives', { server: 'old.contoso.com', port: 80, account: null }],
    ['no live proxy', null],
  ])('says nothing for %s', (_what, current) => {
    const state = liveState([live('cm02.contoso.com', current)]);
    expect(messages(files('  proxy: { server: proxy.contoso.com }\n'), state, 'ProxyResetOnOverwrite')).toEqual([]);
  });

  it('says nothing for a proxy the manifests turn off, or a server the site does not have', () => {
    const state = liveState([live('cm02.contoso.com', { server: 'old.contoso.com', port: 8080, account: null })]);
    expect(messages(files('  proxy: { enabled: false }\n'), state, 'ProxyResetOnOverwrite')).toEqual([]);
    expect(messages(files('  proxy: { server: proxy.contoso.com }\n'), liveState([]), 'ProxyResetOnOverwrite')).toEqual([]);
  });

  it('finds the proxy the roles agree on where they state it', () => {
    const state = liveState([live('cm02.contoso.com', { server: 'old.contoso.com', port: 8080, account: null })]);
    const roles = '  roles:\n    - type: ExchangeServerConnector\n      proxy: { server: proxy.contoso.com }\n';
    expect(messages(files(roles), state, 'ProxyResetOnOverwrite').map(([, file, path]) => [file, path])).toEqual([
      ['server.yaml', '/spec/roles/0/proxy'],
    ]);
  });
});

describe('AccountNotFound', () => {
  const servers = {
    'a.yaml': server('a.contoso.com', '  site: P01\n  proxy: { ref: corp }\n'),
    'b.yaml': server('b.contoso.com', '  site: P01\n  proxy: { ref: corp }\n'),
    'c.yaml': server('c.contoso.com', '  site: P01\n  proxy: { server: p.contoso.com, account: CONTOSO\\svc-c }\n'),
    'd.yaml': server('d.contoso.com', '  site: P01\n  proxy: { server: p.contoso.com, account: contoso\\SVC-KNOWN }\n'),
    'proxy.yaml': PROXY,
  };

  it('warns once per missing account, counting its servers, at the first place it is stated (in file order); accounts match in any case', () => {
    const state = liveState([], { accounts: ['CONTOSO\\svc-known'] });
    expect(messages(servers, state, 'AccountNotFound')).toEqual([
      [
        'proxy account CONTOSO\\svc-c (used by 1 server) does not exist in ConfigMgr; create it under Administration > Security > Accounts before applying, or the proxy cannot authenticate (see SMSProv.log and hman.log).',
        'c.yaml',
        '/spec/proxy/account',
      ],
      [
        'proxy account CONTOSO\\svc-new (used by 2 servers) does not exist in ConfigMgr; create it under Administration > Security > Accounts before applying, or the proxy cannot authenticate (see SMSProv.log and hman.log).',
        'proxy.yaml',
        '/spec/account',
      ],
    ]);
  });

  it('says nothing when the live state does not list accounts', () => {
    expect(messages(servers, liveState([]), 'AccountNotFound')).toEqual([]);
  });
});

describe('SiteMismatch', () => {
  const site = { code: 'p01', type: 'PrimarySite', version: 2509, parent: null, siteServer: 'CM01.contoso.com' };

  it('says nothing for a live site equal but for case, or one the manifests do not declare', () => {
    expect(messages({}, liveState([], { sites: [site, { ...site, code: 'P02', version: 2403 }] }), 'SiteMismatch')).toEqual([]);
  });

  it('lists every field that differs, live value first', () => {
    const differs = {
      ...site,
      type: 'SecondarySite',
      version: 2503,
      parent: 'cas',
      siteServer: 'cm09.contoso.com',
      hotfixes: ['kb1'],
      features: { entraUserDiscovery: true },
    };
    expect(messages({}, liveState([], { sites: [differs] }), 'SiteMismatch')).toEqual([
      [
        'site P01 on the live site differs from its manifest: type is SecondarySite live, PrimarySite in the manifest; version is 2503 live, 2509 in the manifest; parent is CAS live, none in the manifest; siteServer is cm09.contoso.com live, cm01.contoso.com in the manifest; hotfixes is KB1 live, none in the manifest; features.entraUserDiscovery is true live, false in the manifest. sitectl never writes sites; update the manifest or the site.',
        'site.yaml',
        '/metadata/name',
      ],
    ]);
  });

  it('compares hotfixes as sets in any case, and features the live site leaves out as off', () => {
    const withFixes = SITE_P01.replace(
      '  siteServer:',
      '  hotfixes: [KB33247081, KB12345678]\n  features: { entraGroupDiscovery: true }\n  siteServer:',
    );
    const state = liveState([], { sites: [{ ...site, hotfixes: ['kb12345678', 'KB33247081'], features: {} }] });
    expect(only(check({ 'site.yaml': withFixes }, state), 'SiteMismatch').map((d) => d.message)).toEqual([
      'site P01 on the live site differs from its manifest: features.entraGroupDiscovery is false live, true in the manifest. sitectl never writes sites; update the manifest or the site.',
    ]);
  });
});

describe('DriftDetected', () => {
  const files = {
    'server.yaml': server(
      'cm02.contoso.com',
      '  site: P01\n  proxy: { server: proxy.contoso.com, port: 8080 }\n  roles:\n    - type: SoftwareUpdatePoint\n      useProxy: true\n',
    ),
  };
  const wrote = {
    proxy: { server: 'proxy.contoso.com', port: 8080, account: null },
    roles: [{ type: 'SoftwareUpdatePoint', useProxy: true, useProxyForAutomaticDeploymentRules: false }],
    revision: 3,
  };
  const state = (server: LiveServer | null) => liveState(server ? [server] : [], { managed: { servers: { 'cm02.contoso.com': wrote } } });

  it('says what changed on the site since sitectl wrote it, proxy and update point options, at the server', () => {
    const changed = live(
      'CM02.contoso.com',
      { server: 'proxy.contoso.com', port: 3128, account: null },
      {
        roles: [{ type: 'SoftwareUpdatePoint', useProxy: false, useProxyForAutomaticDeploymentRules: true }],
      },
    );
    expect(messages(files, state(changed), 'DriftDetected')).toEqual([
      [
        'cm02.contoso.com was changed on the site since sitectl applied revision 3: proxy is proxy.contoso.com:3128 as System, sitectl set proxy.contoso.com:8080 as System; SoftwareUpdatePoint.useProxy is false, sitectl set true; SoftwareUpdatePoint.useProxyForAutomaticDeploymentRules is true, sitectl set false.',
        'server.yaml',
        '/metadata/name',
      ],
    ]);
  });

  it('says a server sitectl wrote is gone from the site', () => {
    expect(messages(files, state(null), 'DriftDetected').map(([m]) => m)).toEqual([
      'cm02.contoso.com was changed on the site since sitectl applied revision 3: the server is gone from the site.',
    ]);
  });

  it('says nothing of a server as sitectl left it (but for case), of a role removed on the site, or without bookkeeping', () => {
    const same = live('cm02.contoso.com', { server: 'PROXY.contoso.com', port: 8080, account: null }, { roles: [] });
    expect(messages(files, state(same), 'DriftDetected')).toEqual([]);
    expect(messages(files, liveState([live('cm02.contoso.com', null)]), 'DriftDetected')).toEqual([]);
  });
});
