import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './cli.js';

/** SIMULATOR_CONSOLE is the simulated console's AdminConsole/bin folder; SMS_ADMIN_UI_PATH points at its i386 below. */
export const SIMULATOR_CONSOLE = path.join(ROOT, 'test/site-simulator/AdminConsole/bin');

// Site builds of the releases (DOMAIN.md, "Running the ConfigurationManager module").
const BUILDS: Readonly<Record<number, number>> = {
  1910: 8913, 2002: 8968, 2006: 9012, 2010: 9040, 2103: 9049, 2107: 9058, 2111: 9068, 2203: 9078, 2207: 9088,
  2211: 9096, 2303: 9106, 2309: 9122, 2403: 9128, 2409: 9132, 2503: 9135, 2509: 9141, 2603: 9146,
};
const SITE_TYPES = { SecondarySite: 1, PrimarySite: 2, CentralAdministrationSite: 4 } as const;
// SMS_SCI_SysResUse.RoleName of each sitectl role type (DOMAIN.md, "How ConfigMgr stores it").
const ROLE_NAMES: Readonly<Record<string, string>> = {
  SoftwareUpdatePoint: 'SMS Software Update Point',
  DistributionPoint: 'SMS Distribution Point',
  ManagementPoint: 'SMS Management Point',
  ServiceConnectionPoint: 'SMS Dmp Connector',
  AssetIntelligenceSynchronizationPoint: 'AI Update Service Point',
  CloudManagementGatewayConnectionPoint: 'SMS Cloud Proxy Connector',
  ExchangeServerConnector: 'SMS Exchange Server Connector',
};

export interface SimSite {
  readonly code: string;
  readonly type: keyof typeof SITE_TYPES;
  readonly version: number;
  readonly parent?: string;
  readonly siteServer: string;
}

export interface SimProxy {
  readonly server: string;
  readonly port: number;
  readonly account?: string;
}

export interface SimRole {
  readonly type: string;
  readonly useProxy?: boolean;
  readonly useProxyForAutomaticDeploymentRules?: boolean;
}

export interface SimServer {
  readonly name: string;
  readonly site: string;
  /** The proxy, or null for none. */
  readonly proxy: SimProxy | null;
  readonly roles?: readonly SimRole[];
  /** What ProxyUserName still holds when the proxy has no account, or is off: a stale name. */
  readonly staleAccount?: string;
}

export interface SimHierarchy {
  /** The site of the SMS Provider the console last used: the drive the module makes on import. */
  readonly siteCode: string;
  readonly sites: readonly SimSite[];
  readonly servers: readonly SimServer[];
  /** ConfigMgr accounts: a name alone exists at every site; `{ name, site }` at that site only. */
  readonly accounts?: readonly (string | { readonly name: string; readonly site: string })[];
  /** False when the console's module makes no site drive on import (DOMAIN.md). */
  readonly autoDrive?: boolean;
}

/** EmbeddedProperty is one SMS_EmbeddedProperty as the site file holds it. */
export interface EmbeddedProperty {
  PropertyName: string;
  Value: number;
  Value1: string;
  Value2: string;
}

/** SysResUse is one SMS_SCI_SysResUse as the site file holds it. */
export interface SysResUse {
  RoleName: string;
  SiteCode: string;
  NetworkOSPath: string;
  Props: EmbeddedProperty[];
}

/** SiteFile is the simulated site's JSON file: raw ConfigMgr objects, as the module returns them. */
export interface SiteFile {
  provider: string;
  siteCode: string;
  autoDrive: boolean;
  sites: Record<string, unknown>[];
  roles: SysResUse[];
  accounts: { UserName: string; SiteCode: string }[];
  failWrites: Record<string, string>;
  /** How long every write takes, in milliseconds. */
  writeDelayMs: number;
}

const prop = (PropertyName: string, Value: number, Value1 = '', Value2 = ''): EmbeddedProperty => ({ PropertyName, Value, Value1, Value2 });

/**
 * proxyProps is the "SMS Site System" role's Props for a proxy, with properties sitectl does
 * not read mixed in before, between and after the proxy ones, so a reader must pick by name.
 */
function proxyProps(server: SimServer): EmbeddedProperty[] {
  const proxy = server.proxy;
  const stale = server.staleAccount ?? '';
  return [
    prop('FDMOperation', 0),
    prop('Server Remote Public Name', 0, `${server.name}.internet.example`),
    prop('UseProxy', proxy ? 1 : 0),
    prop('ProxyName', 0, '', proxy?.server ?? (stale ? 'old-proxy.example' : '')),
    prop('UseMachineAccount', 1),
    prop('ProxyServerPort', proxy?.port ?? 80),
    prop('UserName', 0, '', 'CONTOSO\\svc-install'),
    prop('AnonymousProxyAccess', proxy?.account ? 0 : 1),
    prop('ProxyUserName', 0, '', proxy?.account ?? stale),
  ];
}

function roleRecord(roleName: string, server: SimServer, props: EmbeddedProperty[] = []): SysResUse {
  return { RoleName: roleName, SiteCode: server.site, NetworkOSPath: `\\\\${server.name}`, Props: props };
}

/** siteFile lays a hierarchy out as ConfigMgr's objects (DOMAIN.md, "How ConfigMgr stores it"). */
export function siteFile(hierarchy: SimHierarchy): SiteFile {
  const provider = hierarchy.sites.find((s) => s.code === hierarchy.siteCode)?.siteServer ?? 'provider.contoso.com';
  const roles = hierarchy.servers.flatMap((server) => [
    roleRecord('SMS Site System', server, proxyProps(server)),
    roleRecord('SMS Component Server', server),
    ...(server.roles ?? []).map((role) => {
      const name = ROLE_NAMES[role.type];
      if (!name) throw new Error(`the simulator has no role name for ${role.type}`);
      if (role.type !== 'SoftwareUpdatePoint') return roleRecord(name, server);
      return roleRecord(name, server, [prop('SSLPort', 8531), prop('UseProxy', role.useProxy ? 1 : 0), prop('UseProxyForADR', role.useProxyForAutomaticDeploymentRules ? 1 : 0)]);
    }),
  ]);
  return {
    provider,
    siteCode: hierarchy.siteCode,
    autoDrive: hierarchy.autoDrive ?? true,
    sites: hierarchy.sites.map((site) => ({
      SiteCode: site.code,
      SiteName: `${site.code} site`,
      Type: SITE_TYPES[site.type],
      BuildNumber: BUILDS[site.version],
      Version: `5.00.${BUILDS[site.version]}.1000`,
      ReportingSiteCode: site.parent ?? '',
      ServerName: site.siteServer.toUpperCase(),
    })),
    roles,
    accounts: (hierarchy.accounts ?? []).flatMap((account) =>
      typeof account === 'string' ? hierarchy.sites.map((site) => ({ UserName: account, SiteCode: site.code })) : [{ UserName: account.name, SiteCode: account.site }],
    ),
    failWrites: {},
    writeDelayMs: 0,
  };
}

/** SimulatedSite is one simulated site on disk, and the environment that makes PowerShell's console module find it. */
export class SimulatedSite {
  readonly file: string;

  constructor(readonly dir: string, hierarchy: SimHierarchy) {
    this.file = path.join(dir, 'site.json');
    this.write(siteFile(hierarchy));
    this.resetCalls();
  }

  /** env makes `$env:SMS_ADMIN_UI_PATH\..\ConfigurationManager.psd1` the simulated module, with this site behind it. */
  get env(): Record<string, string> {
    return {
      SMS_ADMIN_UI_PATH: path.join(SIMULATOR_CONSOLE, 'i386'),
      SITECTL_SIM_SITE: this.file,
      SITECTL_SIM_BUILD: path.join(tmpdir(), 'sitectl-site-simulator'),
    };
  }

  read(): SiteFile {
    return JSON.parse(readFileSync(this.file, 'utf8')) as SiteFile;
  }

  write(site: SiteFile): void {
    writeFileSync(this.file, JSON.stringify(site, null, 2));
  }

  /** edit changes the site as someone in the console would. */
  edit(change: (site: SiteFile) => void): void {
    const site = this.read();
    change(site);
    this.write(site);
  }

  /** failWrites makes every write to the server fail with the message, as ConfigMgr refusing it. */
  failWrites(server: string, message: string): void {
    this.edit((site) => (site.failWrites[server] = message));
  }

  /** calls counts the cmdlet calls since the last reset, by cmdlet. */
  calls(): Record<string, number> {
    const log = `${this.file}.calls`;
    const counts: Record<string, number> = {};
    if (!existsSync(log)) return counts;
    for (const name of readFileSync(log, 'utf8').split('\n').filter(Boolean)) counts[name] = (counts[name] ?? 0) + 1;
    return counts;
  }

  resetCalls(): void {
    rmSync(`${this.file}.calls`, { force: true });
  }

  /** systemProps is the "SMS Site System" Props of a server. */
  systemProps(server: string): Record<string, EmbeddedProperty> {
    return propsOf(this.read(), 'SMS Site System', server);
  }

  /** supProps is the software update point Props of a server. */
  supProps(server: string): Record<string, EmbeddedProperty> {
    return propsOf(this.read(), 'SMS Software Update Point', server);
  }
}

function propsOf(site: SiteFile, roleName: string, server: string): Record<string, EmbeddedProperty> {
  const record = site.roles.find((r) => r.RoleName === roleName && r.NetworkOSPath.toLowerCase() === `\\\\${server.toLowerCase()}`);
  if (!record) throw new Error(`no ${roleName} on ${server}`);
  return Object.fromEntries(record.Props.map((p) => [p.PropertyName, p]));
}

interface LiveLike {
  readonly sites: readonly { code: string; type: string; version: number; parent?: string | null; siteServer: string }[];
  readonly servers: readonly { name: string; site: string; proxy: { server: string; port: number; account: string | null } | null; roles: readonly SimRole[] }[];
  readonly accounts?: readonly string[];
}

/** hierarchyFromLive is the simulated hierarchy that a LiveState document describes, so an export of it gives that document back. */
export function hierarchyFromLive(live: LiveLike, siteCode: string): SimHierarchy {
  return {
    siteCode,
    sites: live.sites.map((s) => ({ code: s.code, type: s.type as SimSite['type'], version: s.version, ...(s.parent ? { parent: s.parent } : {}), siteServer: s.siteServer })),
    servers: live.servers.map((s) => ({
      name: s.name,
      site: s.site,
      proxy: s.proxy && { server: s.proxy.server, port: s.proxy.port, ...(s.proxy.account ? { account: s.proxy.account } : {}) },
      roles: s.roles,
    })),
    accounts: live.accounts ?? [],
  };
}
