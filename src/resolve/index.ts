import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import type { ManifestDocument, ObjectRef, ProxyDocSpec } from '../model/manifest.js';
import type { ProxySettings } from '../model/proxy.js';
import { indexDocuments } from './index-documents.js';
import { settingsFrom, type ProxyLookup } from './proxy-spec.js';
import { resolveServers } from './servers.js';
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
export function resolve(documents: readonly ManifestDocument[], invalidObjects: readonly ObjectRef[] = []): Resolution {
  const diagnostics: Diagnostic[] = [];
  const index = indexDocuments(documents, invalidObjects, diagnostics);
  const sites = resolveSites(index, diagnostics);
  const proxies = new Map<string, ProxySettings>();
  for (const [name, doc] of index.byKind.get('Proxy')!) proxies.set(name, settingsFrom(doc.spec as ProxyDocSpec));
  const lookup: ProxyLookup = (name) => proxies.get(name) ?? (index.invalid.get('Proxy')!.has(name) ? 'invalid' : undefined);
  const { servers, cloudDistributionPoints } = resolveServers(index, lookup, diagnostics);
  return { desired: { sites, proxies, servers, cloudDistributionPoints }, diagnostics };
}
