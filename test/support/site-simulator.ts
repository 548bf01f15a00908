import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { siteFile } from '../site-simulator/site-file.mjs';
import { ROOT } from './cli.js';

/** SIMULATOR_CONSOLE is the simulated console's AdminConsole/bin folder; SMS_ADMIN_UI_PATH points at its i386 below. */
export const SIMULATOR_CONSOLE = path.join(ROOT, 'test/site-simulator/AdminConsole/bin');

export interface SimSite {
  readonly code: string;
  readonly type: 'CentralAdministrationSite' | 'PrimarySite' | 'SecondarySite';
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

export { siteFile };

/** SimulatedSite is one simulated site on disk, and the environment that makes PowerShell's console module find it. */
export class SimulatedSite {
  readonly file: string;

  constructor(
    readonly dir: string,
    hierarchy: SimHierarchy,
  ) {
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

  /** read is the site with the writes the module journaled since the file was last written folded in. */
  read(): SiteFile {
    const site = JSON.parse(readFileSync(this.file, 'utf8')) as SiteFile;
    const journal = `${this.file}.writes`;
    if (!existsSync(journal)) return site;
    const byKey = new Map(
      site.roles.map((r) => [`${r.RoleName}|${r.NetworkOSPath.replace(/^\\+/, '').toLowerCase()}|${r.SiteCode.toUpperCase()}`, r]),
    );
    for (const line of readFileSync(journal, 'utf8').split('\n').filter(Boolean)) {
      const write = JSON.parse(line) as { key: string; set: { name: string; field: 'Value' | 'Value1' | 'Value2'; value: never }[] };
      const record = byKey.get(write.key)!;
      for (const change of write.set) {
        let prop = record.Props.find((p) => p.PropertyName === change.name);
        if (!prop) record.Props.push((prop = { PropertyName: change.name, Value: 0, Value1: '', Value2: '' }));
        prop[change.field] = change.value;
      }
    }
    return site;
  }

  /** write replaces the site, journal included. */
  write(site: SiteFile): void {
    writeFileSync(this.file, JSON.stringify(site, null, 2));
    rmSync(`${this.file}.writes`, { force: true });
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

  /** calls counts the cmdlet calls since the last reset, by cmdlet (the module's import is not one). */
  calls(): Record<string, number> {
    const log = `${this.file}.calls`;
    const counts: Record<string, number> = {};
    if (!existsSync(log)) return counts;
    for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      const name = line.split('\t')[0]; // the milliseconds the call took follow a tab
      if (!name.startsWith('(')) counts[name] = (counts[name] ?? 0) + 1; // '(module import)' is no cmdlet
    }
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
  readonly servers: readonly {
    name: string;
    site: string;
    proxy: { server: string; port: number; account: string | null } | null;
    roles: readonly SimRole[];
  }[];
  readonly accounts?: readonly string[];
}

/** hierarchyFromLive is the simulated hierarchy that a LiveState document describes, so an export of it gives that document back. */
export function hierarchyFromLive(live: LiveLike, siteCode: string): SimHierarchy {
  return {
    siteCode,
    sites: live.sites.map((s) => ({
      code: s.code,
      type: s.type as SimSite['type'],
      version: s.version,
      ...(s.parent ? { parent: s.parent } : {}),
      siteServer: s.siteServer,
    })),
    servers: live.servers.map((s) => ({
      name: s.name,
      site: s.site,
      proxy: s.proxy && { server: s.proxy.server, port: s.proxy.port, ...(s.proxy.account ? { account: s.proxy.account } : {}) },
      roles: s.roles,
    })),
    accounts: live.accounts ?? [],
  };
}
