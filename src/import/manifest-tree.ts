import type { LiveRole, LiveServer, LiveSite, LiveState } from '../model/live.js';
import { API_VERSION, type Kind } from '../model/manifest.js';
import { settingsKey, type ProxySettings } from '../model/proxy.js';
import { SERVER_ROLE_TYPES, type RoleType } from '../model/server.js';
import { nameProxies } from './proxy-names.js';
import { renderManifestFile } from './render-yaml.js';
import { stableHash } from './stable-hash.js';
import type { Kept, KeptSite } from './kept.js';

/** ImportOptions shape the tree: whether servers without a proxy are left unmanaged, and where the JSON Schemas are. */
export interface ImportOptions {
  /** Write no `proxy` for a server that has none (sitectl then leaves its proxy alone) instead of `{ enabled: false }`. */
  readonly leaveUnset: boolean;
  /** The schemas folder as seen from the tree's root, for the editors' schema modelines, e.g. `node_modules/sitectl/schemas`. */
  readonly schemas: string;
  /** What the manifests already in the folder say that the live state cannot (a re-import). */
  readonly kept: Kept;
}

/** ImportedDocument is one manifest document of an imported tree, as plain data. */
export interface ImportedDocument {
  readonly apiVersion: typeof API_VERSION;
  readonly kind: Kind;
  readonly metadata: { readonly name: string };
  readonly spec: Record<string, unknown>;
}

/** ImportedFile is one file of an imported tree: its path from the tree's root (with `/`), its documents and its text. */
export interface ImportedFile {
  readonly path: string;
  readonly documents: readonly ImportedDocument[];
  readonly text: string;
}

/** ImportedTree is the manifest tree that describes a live state, and what an administrator should review in it. */
export interface ImportedTree {
  /** Sorted by path. */
  readonly files: readonly ImportedFile[];
  readonly sites: number;
  readonly servers: number;
  /** Named Proxy documents (a proxy of one server only stays inline). */
  readonly proxies: number;
  /** Facts the live state does not hold, one line each, for the administrator to fill in. */
  readonly review: readonly string[];
}

/** SERVERS_PER_FILE keeps files small enough to review, as in examples/gitops-repo. */
export const SERVERS_PER_FILE = 100;

/** IMPORT_MARKER starts the second line of every file an import writes: a later `import --force` may replace or remove such files, and no others. */
export const IMPORT_MARKER = 'Written by sitectl import';

/**
 * importLiveState describes a live state as manifests, in the layout of examples/gitops-repo:
 * `proxies/proxies.yaml` with the proxies that several servers share, and a folder per site
 * (`sites/P01/`, a secondary inside its primary's: `sites/P01/S01/`) with its `site.yaml` and
 * its servers, sorted by name. Planning the tree against the same live state finds nothing to
 * do; the same live state always gives the same bytes, and a change on the site changes the
 * files of the servers it touched, not those around them.
 */
export function importLiveState(live: LiveState, options: ImportOptions): ImportedTree {
  const proxies = namedProxies(live.servers, options.kept);
  const folders = siteFolders(live.sites, live.servers);
  const tree = new TreeBuilder(options);
  const named = [...proxies.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (named.length > 0)
    tree.add(
      'proxies/proxies.yaml',
      'proxy',
      [],
      named.map((p) => proxyDocument(p.name, p.proxy)),
    );
  for (const site of [...live.sites].sort(byCode)) {
    const kept = options.kept.sites.get(siteKey(site.code));
    tree.add(`${folders.get(siteKey(site.code))!}/site.yaml`, 'site', siteReview(site, kept), [siteDocument(site, kept)]);
  }
  const bySite = groupBy(sortedByName(live.servers), (s) => siteKey(s.site));
  for (const [code, servers] of [...bySite.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [file, inFile] of serverFiles(servers)) {
      tree.add(
        `${folders.get(code)!}/${file}`,
        'sitesystemserver',
        [],
        inFile.map((s) => serverDocument(s, proxies, options)),
      );
    }
  }
  return {
    files: tree.files(),
    sites: live.sites.length,
    servers: live.servers.length,
    proxies: named.length,
    review: reviewNotes(live, options.kept),
  };
}

/**
 * serverFiles spreads a site's servers (sorted by name) over files of about SERVERS_PER_FILE:
 * `servers.yaml` while they fit in one, else `servers-NN.yaml`, a server's file picked by a hash
 * of its name among a power of two of files. A server that comes or goes then changes its own
 * file only; only when the count crosses a power of two are the servers spread anew.
 */
function serverFiles(servers: readonly LiveServer[]): [string, LiveServer[]][] {
  if (servers.length <= SERVERS_PER_FILE) return [['servers.yaml', [...servers]]];
  const count = 2 ** Math.ceil(Math.log2(servers.length / SERVERS_PER_FILE));
  const width = Math.max(2, String(count).length);
  const files = new Map<number, LiveServer[]>();
  for (const server of servers) {
    const at = parseInt(stableHash(server.name.toLowerCase()), 16) % count;
    const list = files.get(at);
    if (list) list.push(server);
    else files.set(at, [server]);
  }
  return [...files.entries()].sort(([a], [b]) => a - b).map(([at, list]) => [`servers-${String(at + 1).padStart(width, '0')}.yaml`, list]);
}

/** siteReview is the comment on a site.yaml naming the site facts that neither the live state nor the folder's manifests gave. */
function siteReview(site: LiveSite, kept: KeptSite | undefined): string[] {
  const missing = [
    ...(kept?.requireProxy ? [] : ['requireProxy']),
    ...(site.hotfixes?.length || kept?.hotfixes.length ? [] : ['hotfixes']),
    ...(hasFeatures(site.features) || hasFeatures(kept?.features) ? [] : ['features']),
  ];
  if (missing.length === 0) return [];
  const listed = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} or ${missing.at(-1)!}`;
  return [
    `Review: the live state does not say ${listed}; add ${missing.length === 1 ? 'it if it applies' : 'those that apply'} to this site.`,
  ];
}

const hasFeatures = (features: Readonly<Record<string, boolean>> | undefined): boolean =>
  features !== undefined && Object.keys(features).length > 0;

/** reviewNotes names what the live state cannot tell and the manifests may need. */
function reviewNotes(live: LiveState, kept: Kept): string[] {
  const notes: string[] = [];
  if (live.sites.length > 0)
    notes.push(
      'requireProxy, and hotfixes and features where the live state has none, are not known from the site: each site.yaml names in a comment those it lacks',
    );
  const dps = live.servers.filter(
    (s) =>
      s.roles.some((r) => r.type === 'DistributionPoint' && r.connectedCache === undefined) &&
      !kept.connectedCache.has(s.name.toLowerCase()),
  ).length;
  if (dps > 0)
    notes.push(
      `${dps} distribution point${dps === 1 ? '' : 's'}: the live state does not say whether Microsoft Connected Cache is on; add \`connectedCache: true\` to those that use it`,
    );
  const known = new Set(live.sites.map((s) => siteKey(s.code)));
  const orphans = [...new Set(live.servers.map((s) => siteKey(s.site)).filter((code) => !known.has(code)))].sort();
  if (orphans.length > 0)
    notes.push(
      `servers of site${orphans.length === 1 ? '' : 's'} ${orphans.map((c) => JSON.stringify(c)).join(', ')}, which the live state does not list: add a Site document for each`,
    );
  return notes;
}

/** NamedProxy is a proxy written as a Proxy document: its name and the spelling the document gets. */
interface NamedProxy {
  readonly name: string;
  readonly proxy: ProxySettings;
}

/**
 * namedProxies picks, by settingsKey, the proxies written as Proxy documents: those that two or
 * more servers use, and those the folder's manifests already named (under that name). The
 * others stay inline in their one server.
 */
function namedProxies(servers: readonly LiveServer[], kept: Kept): Map<string, NamedProxy> {
  const users = groupBy(
    servers.filter((s) => s.proxy !== null),
    (s) => settingsKey(s.proxy!),
  );
  const chosen = [...users.entries()].filter(([key, list]) => list.length > 1 || kept.proxyNames.has(key));
  // The document spells the proxy as most of its servers do (ConfigMgr ignores case; people do not).
  const spelled = chosen.map(([key, list]) => [key, mostCommonSpelling(list.map((s) => s.proxy!))] as const);
  const fresh = nameProxies(spelled.filter(([key]) => !kept.proxyNames.has(key)).map(([, proxy]) => proxy));
  const taken = new Set(kept.proxyNames.values());
  return new Map(
    spelled.map(([key, proxy]) => {
      let name = kept.proxyNames.get(key) ?? fresh.get(key)!;
      // A fresh name that an earlier document already holds for another proxy gets the hash.
      if (!kept.proxyNames.has(key) && taken.has(name)) name = `${name.slice(0, 54)}-${stableHash(key)}`;
      return [key, { name, proxy }];
    }),
  );
}

function mostCommonSpelling(proxies: readonly ProxySettings[]): ProxySettings {
  const counts = groupBy(proxies, (p) => `${p.server}\n${p.account ?? ''}`);
  const [, best] = [...counts.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : a > b ? 1 : 0))[0];
  return best[0];
}

/** siteKey is how sites and their servers are matched: a site code upper case, as the manifests normalise it. */
const siteKey = (code: string): string => code.toUpperCase();

/**
 * siteFolders gives each site its folder, by siteKey: `sites/CODE`, or inside its parent's
 * folder for a secondary site. A code that is not three letters or digits (which the schema
 * will report) gets a folder named by its hash, so no live value can lead a path out of the tree.
 */
function siteFolders(sites: readonly LiveSite[], servers: readonly LiveServer[]): Map<string, string> {
  const byKey = new Map(sites.map((s) => [siteKey(s.code), s]));
  const folders = new Map<string, string>();
  const folderOf = (key: string, depth = 0): string => {
    const known = folders.get(key);
    if (known !== undefined) return known;
    const site = byKey.get(key);
    const parent = site?.type === 'SecondarySite' && typeof site.parent === 'string' ? siteKey(site.parent) : undefined;
    // One level of nesting, as in examples/gitops-repo: a secondary inside its primary.
    const inside =
      parent !== undefined && parent !== key && depth === 0 && byKey.get(parent)?.type !== 'SecondarySite' && byKey.has(parent);
    const folder = `${inside ? folderOf(parent, depth + 1) : 'sites'}/${/^[A-Z0-9]{3}$/.test(key) ? key : `site-${stableHash(key)}`}`;
    folders.set(key, folder);
    return folder;
  };
  for (const key of [...byKey.keys(), ...servers.map((s) => siteKey(s.site))]) folderOf(key);
  return folders;
}

function siteDocument(site: LiveSite, kept: KeptSite | undefined): ImportedDocument {
  const spec: Record<string, unknown> = { type: site.type, version: site.version };
  const hotfixes = site.hotfixes?.length ? site.hotfixes.map((kb) => (/^kb\d+$/i.test(kb) ? kb.toUpperCase() : kb)) : kept?.hotfixes;
  if (hotfixes?.length) spec.hotfixes = [...hotfixes];
  if (site.parent) spec.parent = siteKey(site.parent);
  spec.siteServer = site.siteServer.toLowerCase();
  if (kept?.requireProxy) spec.requireProxy = true;
  const features = hasFeatures(site.features) ? site.features : kept?.features;
  if (hasFeatures(features)) spec.features = { ...features };
  return document('Site', siteKey(site.code), spec);
}

function proxyDocument(name: string, proxy: ProxySettings): ImportedDocument {
  return document('Proxy', name, settings(proxy));
}

function serverDocument(server: LiveServer, proxies: ReadonlyMap<string, NamedProxy>, options: ImportOptions): ImportedDocument {
  const spec: Record<string, unknown> = { site: siteKey(server.site) };
  const named = server.proxy && proxies.get(settingsKey(server.proxy));
  if (server.proxy) spec.proxy = named ? { ref: named.name } : settings(server.proxy);
  else if (!options.leaveUnset) spec.proxy = { enabled: false };
  const connectedCache = options.kept.connectedCache.has(server.name.toLowerCase());
  const roles = server.roles
    .filter((r) => (SERVER_ROLE_TYPES as readonly string[]).includes(r.type))
    .map((r) => roleSpec(r, connectedCache))
    .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  if (roles.length > 0) spec.roles = roles;
  return document('SiteSystemServer', server.name.toLowerCase(), spec);
}

/** roleSpec keeps the settings a manifest can state about a role: a software update point's proxy options and Connected Cache (from the folder's manifests when the live state does not say). */
function roleSpec(role: LiveRole, keptConnectedCache: boolean): { type: RoleType } & Record<string, unknown> {
  const spec: { type: RoleType } & Record<string, unknown> = { type: role.type as RoleType };
  if (role.type === 'SoftwareUpdatePoint') {
    if (role.useProxy !== undefined) spec.useProxy = role.useProxy;
    if (role.useProxyForAutomaticDeploymentRules !== undefined)
      spec.useProxyForAutomaticDeploymentRules = role.useProxyForAutomaticDeploymentRules;
  }
  if (role.type === 'DistributionPoint' && (role.connectedCache ?? keptConnectedCache)) spec.connectedCache = true;
  return spec;
}

function settings(proxy: ProxySettings): Record<string, unknown> {
  return { server: proxy.server, port: proxy.port, ...(proxy.account !== null ? { account: proxy.account } : {}) };
}

function document(kind: Kind, name: string, spec: Record<string, unknown>): ImportedDocument {
  return { apiVersion: API_VERSION, kind, metadata: { name }, spec };
}

/**
 * TreeBuilder collects documents by file and renders each file with the schema modeline for
 * editors, the import marker and its notes. Documents that land on the same path (two live
 * sites whose codes differ only in case) share the file, so none is lost; validate reports them.
 */
class TreeBuilder {
  private readonly byPath = new Map<string, { schema: string; notes: string[]; documents: ImportedDocument[] }>();

  constructor(private readonly options: ImportOptions) {}

  add(path: string, schema: string, notes: readonly string[], documents: readonly ImportedDocument[]): void {
    const entry = this.byPath.get(path);
    if (entry) entry.documents.push(...documents);
    else this.byPath.set(path, { schema, notes: [...notes], documents: [...documents] });
  }

  files(): ImportedFile[] {
    return [...this.byPath.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, { schema, notes, documents }]) => {
        const up = '../'.repeat(path.split('/').length - 1);
        const comments = [
          `yaml-language-server: $schema=${up}${this.options.schemas}/${schema}.schema.json`,
          `${IMPORT_MARKER} from the live site. Edit freely: sitectl diff shows what an edit would change.`,
          ...notes,
        ];
        return { path, documents, text: renderManifestFile(comments, documents) };
      });
  }
}

const byCode = (a: LiveSite, b: LiveSite): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
/** sortedByName sorts servers by lower-case name, lower-casing each name once rather than at every comparison. */
function sortedByName(servers: readonly LiveServer[]): LiveServer[] {
  return servers
    .map((server) => ({ key: server.name.toLowerCase(), server }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ server }) => server);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
