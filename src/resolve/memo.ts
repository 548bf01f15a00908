import type { Diagnostic } from '../model/diagnostic.js';
import { MemoTable, sameItems } from '../model/memo-table.js';
import type { ManifestDocument } from '../model/manifest.js';
import type { ProxySettings } from '../model/proxy.js';
import type { Role, SiteSystemServer } from '../model/server.js';
import type { Site } from '../model/site.js';

/** Resolved is what one document resolved to, and what resolving it reported. */
export interface Resolved<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * ResolveMemo keeps what resolving built from each document, for a watcher: a file that did
 * not change keeps its document objects (the watcher's source cache), so its servers are
 * taken as they were, the same objects, and the rules and the planner can tell them
 * unchanged by identity. A site or proxy depends on its own document alone. A server or a
 * SiteSystemRole also depends on which sites and proxies exist and on the SiteSystemRole
 * documents merged into it: the "context", which when it changes makes every server and
 * role resolve again.
 */
export class ResolveMemo {
  private readonly sites = new WeakMap<ManifestDocument, Site>();
  private readonly proxies = new WeakMap<ManifestDocument, ProxySettings>();
  private context: readonly unknown[] | undefined;
  private readonly servers = new MemoTable<ManifestDocument, Resolved<SiteSystemServer>>();
  private readonly roles = new MemoTable<ManifestDocument, Resolved<Role>>();

  /** start begins a pass under `context`; what was built under another context is forgotten. */
  start(context: readonly unknown[]): void {
    const same = sameItems(this.context, context);
    this.context = context;
    this.servers.start(!same);
    this.roles.start(!same);
  }

  site(doc: ManifestDocument, build: () => Site): Site {
    return remember(this.sites, doc, build);
  }

  proxy(doc: ManifestDocument, build: () => ProxySettings): ProxySettings {
    return remember(this.proxies, doc, build);
  }

  server(doc: ManifestDocument, build: () => Resolved<SiteSystemServer>): Resolved<SiteSystemServer> {
    return remember(this.servers, doc, build);
  }

  role(doc: ManifestDocument, build: () => Resolved<Role>): Resolved<Role> {
    return remember(this.roles, doc, build);
  }

  /** end forgets the documents this pass did not resolve. */
  end(): void {
    this.servers.end();
    this.roles.end();
  }
}

function remember<T>(table: Pick<MemoTable<ManifestDocument, T>, 'get' | 'set'>, doc: ManifestDocument, build: () => T): T {
  let value = table.get(doc);
  if (value === undefined) {
    value = build();
    table.set(doc, value);
  }
  return value;
}
