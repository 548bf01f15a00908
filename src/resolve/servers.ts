import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import type { ManifestDocument, ObjectRef, RoleDocSpec, RoleSpec, ServerSpec } from '../model/manifest.js';
import type { CloudDistributionPoint, Role, RoleType, SiteSystemServer } from '../model/server.js';
import { whatExists } from '../model/suggest.js';
import { effectiveProxy } from './effective-proxy.js';
import { isKnown, type DocumentIndex } from './index-documents.js';
import { normaliseHost, normaliseSiteCode } from './names.js';
import { origin } from './origin.js';
import type { ResolveMemo, Resolved } from './memo.js';
import { resolveProxySpec, type ProxyLookup } from './proxy-spec.js';

/** ResolvedServers is the servers with their merged roles, and the cloud distribution points, which have no server. */
export interface ResolvedServers {
  readonly servers: Map<string, SiteSystemServer>;
  readonly cloudDistributionPoints: CloudDistributionPoint[];
}

/**
 * resolveServers builds every SiteSystemServer with its roles, inline and from SiteSystemRole
 * documents, and settles each server's effective proxy (SPEC section 2). With a memo, a
 * document resolved under the same context before is taken as it was.
 */
export function resolveServers(index: DocumentIndex, lookup: ProxyLookup, diagnostics: Diagnostic[], memo?: ResolveMemo): ResolvedServers {
  const serverDocs = index.byKind.get('SiteSystemServer')!;
  const cloudDistributionPoints: CloudDistributionPoint[] = [];
  const merged = new Map<string, Role[]>();
  for (const [name, doc] of index.byKind.get('SiteSystemRole')!) {
    const spec = doc.spec as RoleDocSpec;
    const object: ObjectRef = { kind: 'SiteSystemRole', name };
    const build = () => collecting((found) => resolveRole(spec, doc, object, '/spec', lookup, found));
    const { value: role, diagnostics: found } = memo ? memo.role(doc, build) : build();
    diagnostics.push(...found);
    if (spec.site !== undefined) {
      const site = normaliseSiteCode(spec.site);
      checkSite(index, site, doc, object, '/spec/site', diagnostics);
      cloudDistributionPoints.push({ name, site, role });
      continue;
    }
    const server = normaliseHost(spec.server!);
    if (serverDocs.has(server)) {
      const roles = merged.get(server);
      if (roles) roles.push(role);
      else merged.set(server, [role]);
    } else if (!isKnown(index, 'SiteSystemServer', server)) {
      const message = `server '${server}' is not declared${whatExists(server, [...serverDocs.keys()], 'SiteSystemServer')}; a SiteSystemRole needs a SiteSystemServer document for its host`;
      diagnostics.push(diagnostic('UnknownReference', message, { object, source: doc.locate('/spec/server'), path: '/spec/server' }));
    }
  }

  const servers = new Map<string, SiteSystemServer>();
  for (const [name, doc] of serverDocs) {
    const build = () => collecting((found) => resolveServer(name, doc, merged.get(name) ?? [], index, lookup, found));
    const { value, diagnostics: found } = memo ? memo.server(doc, build) : build();
    diagnostics.push(...found);
    servers.set(name, value);
  }
  return { servers, cloudDistributionPoints };
}

function resolveServer(
  name: string,
  doc: ManifestDocument,
  merged: readonly Role[],
  index: DocumentIndex,
  lookup: ProxyLookup,
  diagnostics: Diagnostic[],
): SiteSystemServer {
  const spec = doc.spec as ServerSpec;
  const object: ObjectRef = { kind: 'SiteSystemServer', name };
  const site = normaliseSiteCode(spec.site);
  checkSite(index, site, doc, object, '/spec/site', diagnostics);
  const proxy = spec.proxy ? resolveProxySpec(spec.proxy, doc, object, '/spec/proxy', lookup, diagnostics) : null;
  const declaredProxy = proxy ? { proxy, origin: origin(doc, object, '/spec/proxy') } : null;
  const roles = [
    ...(spec.roles ?? []).map((role, i) => resolveRole(role, doc, object, `/spec/roles/${i}`, lookup, diagnostics)),
    ...merged,
  ];
  // One object shape for every server keeps the rules' hot loops fast.
  return {
    name,
    site,
    declaredProxy,
    roles,
    effectiveProxy: effectiveProxy(declaredProxy, roles),
    origin: origin(doc, object, '/metadata/name'),
  };
}

/** collecting runs `build` with a list of its own for diagnostics, so they can be kept with what it built. */
function collecting<T>(build: (diagnostics: Diagnostic[]) => T): Resolved<T> {
  const diagnostics: Diagnostic[] = [];
  return { value: build(diagnostics), diagnostics };
}

function resolveRole(
  spec: RoleSpec,
  doc: ManifestDocument,
  object: ObjectRef,
  pointer: string,
  lookup: ProxyLookup,
  diagnostics: Diagnostic[],
): Role {
  const proxy = spec.proxy ? resolveProxySpec(spec.proxy, doc, object, `${pointer}/proxy`, lookup, diagnostics) : null;
  return {
    type: spec.type as RoleType,
    proxy: proxy ? { proxy, origin: origin(doc, object, `${pointer}/proxy`) } : null,
    useProxy: spec.useProxy ?? false,
    useProxyForAutomaticDeploymentRules: spec.useProxyForAutomaticDeploymentRules ?? false,
    connectedCache: spec.connectedCache ?? false,
    origin: origin(doc, object, pointer),
  };
}

function checkSite(
  index: DocumentIndex,
  site: string,
  doc: ManifestDocument,
  object: ObjectRef,
  pointer: string,
  diagnostics: Diagnostic[],
): void {
  if (isKnown(index, 'Site', site)) return;
  const message = `site '${site}' is not declared${whatExists(site, [...index.byKind.get('Site')!.keys()], 'Site')}; add a Site document for it or fix the site code`;
  diagnostics.push(diagnostic('UnknownReference', message, { object, source: doc.locate(pointer), path: pointer }));
}
