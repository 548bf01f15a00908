import { yaml } from '../../manifest/yaml-library.js';
import { proxyNamesBySettings } from '../../model/desired.js';
import type { LiveServer, LiveSite, LiveState } from '../../model/live.js';
import { checkStatic, planChecked, type StaticCheck } from '../../reconcile/pass.js';
import { syncStates, type ServerSync, type SyncState } from '../../plan/sync-state.js';
import { today } from '../today.js';
import { settingsKey, type ProxySettings } from '../../model/proxy.js';
import { readLive, readManifests, type StateFlags } from '../inputs.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { palette } from '../color.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { renderTable } from '../render/table.js';

/** GetFlags are `sitectl get`'s options. */
export interface GetFlags extends StateFlags {
  readonly output: 'table' | 'json' | 'yaml';
  /** Manifests whose Proxy documents name the proxies in use. */
  readonly filename?: readonly string[];
}

/** ProxyInUse is one distinct proxy configuration of the live site and the servers that use it. */
interface ProxyInUse {
  readonly proxy: ProxySettings;
  /** The Proxy documents that declare these settings, when manifests were given. */
  readonly names?: readonly string[];
  readonly servers: string[];
}

const RESOURCES = ['servers', 'sites', 'proxies'] as const;
type Resource = (typeof RESOURCES)[number];
const SINGULAR: Readonly<Record<Resource, string>> = { servers: 'server', sites: 'site', proxies: 'proxy' };

/** runGet shows live servers, sites or the proxies in use, all or one by name. */
export async function runGet(resource: string, name: string | undefined, flags: GetFlags, io: Io): Promise<ExitCode> {
  const kind = RESOURCES.find((r) => r === resource.toLowerCase() || SINGULAR[r] === resource.toLowerCase());
  if (!kind) throw new UsageError(`get shows ${RESOURCES.join(', ')}; not ${resource}`);
  if (flags.filename?.length && kind === 'sites')
    throw new UsageError('-f is for get servers (their sync state) and get proxies (their Proxy document names)');
  const checked = flags.filename?.length ? await readChecked(flags, io) : undefined;
  const names = checked && kind === 'proxies' ? proxyNamesBySettings(checked.loaded.desired) : undefined;
  const { state: live, fingerprint } = await readLive(flags, io);
  const sync = checked && kind === 'servers' ? syncByServer(checked, live, fingerprint, io) : undefined;
  const items = select(kind, live, name, names, sync);
  if (name !== undefined && items.length === 0) {
    const byName = kind === 'proxies' && !names ? '; to find a proxy by its Proxy document name, add -f with the manifests' : '';
    throw new UsageError(`${SINGULAR[kind]} ${name} not found in the live state (sitectl get ${kind} lists them)${byName}`);
  }
  if (flags.output === 'json') io.stdout(JSON.stringify(name !== undefined ? items[0] : items, null, 2) + '\n');
  else if (flags.output === 'yaml') io.stdout(yaml().stringify(name !== undefined ? items[0] : items));
  else io.stdout(table(kind, items, sync));
  return 0;
}

function select(
  kind: Resource,
  live: LiveState,
  name: string | undefined,
  names: ReadonlyMap<string, string[]> | undefined,
  sync: ReadonlyMap<string, ServerSync> | undefined,
): unknown[] {
  const wanted = name?.toLowerCase();
  if (kind === 'servers') {
    const servers = live.servers.filter((s) => wanted === undefined || s.name.toLowerCase() === wanted);
    if (!sync) return servers;
    return servers.map((s): ServerWithSync => {
      const found = sync.get(s.name.toLowerCase());
      return { ...s, sync: { state: found?.state ?? 'Unmanaged', reason: found?.reason ?? '' } };
    });
  }
  if (kind === 'sites') return hierarchyOrder(live.sites).filter((s) => wanted === undefined || s.code.toLowerCase() === wanted);
  return proxiesInUse(live, names).filter(
    (p) => wanted === undefined || p.proxy.server.toLowerCase() === wanted || p.names?.includes(wanted),
  );
}

/** ServerWithSync is a live server with its sync state against the manifests given with -f. */
type ServerWithSync = LiveServer & { readonly sync: { readonly state: SyncState; readonly reason: string } };

/**
 * syncByServer plans the manifests against the live state for each server's sync state. Unlike
 * a watcher it knows no failed writes, and it plans without --prune: a server removed from the
 * manifests is Unmanaged.
 */
function syncByServer(checked: StaticCheck, live: LiveState, fingerprint: string, io: Io): Map<string, ServerSync> {
  const plan = planChecked(checked, live, fingerprint, { today: today(io.env), prune: false, strict: false });
  const servers = syncStates({ desired: checked.loaded.desired, live, changes: plan.changes });
  return new Map(servers.map((s) => [s.name.toLowerCase(), s]));
}

/** readChecked reads and checks the manifests given with -f; manifests that do not load (syntax, schema, references) are refused. */
async function readChecked(flags: GetFlags, io: Io): Promise<StaticCheck> {
  const input = await readManifests(flags, io, 'get');
  const checked = checkStatic(input, { today: today(io.env) });
  const loaded = checked.loaded;
  const errors = [...input.diagnostics, ...loaded.diagnostics].filter((d) => d.severity === 'error');
  if (errors.length > 0 || loaded.documents === 0) {
    io.stderr(renderDiagnostics(errors, palette(false)));
    throw new UsageError(
      errors.length > 0 ? 'the manifests given with -f have errors (above); sitectl validate shows them all' : 'no manifests found with -f',
    );
  }
  return checked;
}

/** hierarchyOrder lists sites as the hierarchy reads: the CAS, then each primary followed by its secondaries; sites whose parent is not listed come last. */
function hierarchyOrder(sites: readonly LiveSite[]): LiveSite[] {
  const byCode = (a: LiveSite, b: LiveSite) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const children = (parent: string | null) => sites.filter((s) => (s.parent ?? null) === parent).sort(byCode);
  const ordered: LiveSite[] = [];
  const visit = (site: LiveSite) => {
    if (ordered.includes(site)) return;
    ordered.push(site);
    for (const child of children(site.code)) visit(child);
  };
  for (const top of children(null)) visit(top);
  for (const rest of [...sites].sort(byCode)) visit(rest);
  return ordered;
}

/** proxiesInUse groups the live servers by the proxy configuration they have. */
function proxiesInUse(live: LiveState, names: ReadonlyMap<string, string[]> | undefined): ProxyInUse[] {
  const byKey = new Map<string, ProxyInUse>();
  for (const server of live.servers) {
    if (!server.proxy) continue;
    const key = settingsKey(server.proxy);
    const named = names?.get(key);
    const entry = byKey.get(key) ?? { proxy: server.proxy, ...(names ? { names: named ?? [] } : {}), servers: [] };
    entry.servers.push(server.name);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

function table(kind: Resource, items: unknown[], sync?: ReadonlyMap<string, ServerSync>): string {
  if (kind === 'servers') {
    const servers = items as LiveServer[];
    const rows = servers.map((s) => [
      s.name,
      s.site,
      s.proxy ? `${s.proxy.server}:${s.proxy.port}` : '<none>',
      s.proxy?.account ?? (s.proxy ? 'System' : ''),
      s.roles.map((r) => r.type).join(','),
    ]);
    // With manifests, a SYNC column says where each server stands against them.
    if (sync) {
      const state = (s: LiveServer) => sync.get(s.name.toLowerCase())?.state ?? 'Unmanaged';
      return renderTable(
        ['NAME', 'SITE', 'SYNC', 'PROXY', 'ACCOUNT', 'ROLES'],
        rows.map((row, i) => [row[0], row[1], state(servers[i]), ...row.slice(2)]),
      );
    }
    return renderTable(['NAME', 'SITE', 'PROXY', 'ACCOUNT', 'ROLES'], rows);
  }
  if (kind === 'sites') {
    const rows = (items as LiveSite[]).map((s) => [s.code, s.type, String(s.version), s.parent ?? '', s.siteServer]);
    return renderTable(['CODE', 'TYPE', 'VERSION', 'PARENT', 'SITE SERVER'], rows);
  }
  const proxies = items as ProxyInUse[];
  const rows = proxies.map((p) => [p.proxy.server, String(p.proxy.port), p.proxy.account ?? 'System', String(p.servers.length)]);
  // With manifests, a first column names each proxy after its Proxy documents (<none> for settings no document declares).
  if (proxies.some((p) => p.names))
    return renderTable(
      ['NAME', 'SERVER', 'PORT', 'ACCOUNT', 'SERVERS'],
      rows.map((row, i) => [proxies[i].names?.join(',') || '<none>', ...row]),
    );
  return renderTable(['SERVER', 'PORT', 'ACCOUNT', 'SERVERS'], rows);
}
