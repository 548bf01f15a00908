import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import type { ManifestDocument, ObjectRef, ProxyDocSpec } from '../model/manifest.js';
import type { ProxySettings } from '../model/proxy.js';
import { indexDocuments, type DocumentIndex } from './index-documents.js';
import type { ResolveMemo } from './memo.js';
import { settingsFrom, type ProxyLookup } from './proxy-spec.js';
import { resolveServers } from './servers.js';
import { origin } from './origin.js';
import { resolveSites } from './sites.js';

/** Resolution is the desired state and the reference problems found on the way. */
export interface Resolution {
  readonly desired: DesiredState;
  readonly diagnostics: Diagnostic[];
}

/**
 * resolve turns schema-valid documents into the desired state: names normalised, proxy refs
 * followed, SiteSystemRole documents merged into their servers, each server's effective
 * proxy settled. `invalidObjects` are documents that failed their schema: references to them
 * are not reported again as unknown.
 */
export function resolve(documents: readonly ManifestDocument[], invalidObjects: readonly ObjectRef[] = [], memo?: ResolveMemo): Resolution {
  const diagnostics: Diagnostic[] = [];
  const index = indexDocuments(documents, invalidObjects, diagnostics);
  memo?.start(context(index));
  const sites = resolveSites(index, diagnostics, memo);
  const proxies = new Map<string, ProxySettings>();
  for (const [name, doc] of index.byKind.get('Proxy')!) {
    const settings = () => settingsFrom(doc.spec as ProxyDocSpec);
    proxies.set(name, memo ? memo.proxy(doc, settings) : settings());
  }
  const lookup: ProxyLookup = Object.assign(
    (name: string) => proxies.get(name) ?? (index.invalid.get('Proxy')!.has(name) ? 'invalid' : undefined),
    {
      declared: () => [...proxies.keys(), ...index.invalid.get('Proxy')!],
      origin: (name: string) => {
        const doc = index.byKind.get('Proxy')!.get(name);
        return doc ? origin(doc, { kind: 'Proxy', name }, '/spec') : undefined;
      },
    },
  );
  const { servers, cloudDistributionPoints } = resolveServers(index, lookup, diagnostics, memo);
  memo?.end();
  return { desired: { sites, proxies, servers, cloudDistributionPoints }, diagnostics };
}

/** context is what a server or SiteSystemRole resolves against: the sites, proxies and SiteSystemRole documents, and the invalid objects. */
function context(index: DocumentIndex): unknown[] {
  const items: unknown[] = [];
  for (const kind of ['Site', 'Proxy', 'SiteSystemRole'] as const) items.push(...index.byKind.get(kind)!.values());
  for (const [kind, names] of index.invalid) for (const name of names) items.push(`${kind}/${name}`);
  return items;
}
