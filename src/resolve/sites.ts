import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import type { ManifestDocument, SiteSpec } from '../model/manifest.js';
import type { Site, SiteType } from '../model/site.js';
import { whatExists } from '../model/suggest.js';
import { isKnown, type DocumentIndex } from './index-documents.js';
import type { ResolveMemo } from './memo.js';
import { normaliseHost, normaliseSiteCode } from './names.js';

/** resolveSites builds the desired sites and reports a parent that no Site document declares; with a memo, a site whose document is unchanged is the same object. */
export function resolveSites(index: DocumentIndex, diagnostics: Diagnostic[], memo?: ResolveMemo): Map<string, Site> {
  const sites = new Map<string, Site>();
  for (const [code, doc] of index.byKind.get('Site')!) {
    const site = memo ? memo.site(doc, () => siteFrom(code, doc)) : siteFrom(code, doc);
    if (site.parent !== null && !isKnown(index, 'Site', site.parent)) {
      const where = { object: { kind: 'Site' as const, name: code }, source: doc.locate('/spec/parent'), path: '/spec/parent' };
      const hint = whatExists(site.parent, [...index.byKind.get('Site')!.keys()], 'Site');
      diagnostics.push(
        diagnostic('UnknownReference', `parent site '${site.parent}' is not declared${hint}; add its Site document or fix the code`, where),
      );
    }
    sites.set(code, site);
  }
  return sites;
}

function siteFrom(code: string, doc: ManifestDocument): Site {
  const spec = doc.spec as SiteSpec;
  const parent = spec.parent !== undefined ? normaliseSiteCode(spec.parent) : null;
  return {
    code,
    type: spec.type as SiteType,
    version: spec.version,
    hotfixes: (spec.hotfixes ?? []).map((kb) => kb.toUpperCase()),
    parent,
    siteServer: normaliseHost(spec.siteServer),
    requireProxy: spec.requireProxy ?? false,
    features: {
      entraUserDiscovery: spec.features?.entraUserDiscovery ?? false,
      entraGroupDiscovery: spec.features?.entraGroupDiscovery ?? false,
      entraCollectionSync: spec.features?.entraCollectionSync ?? false,
    },
    // Located only when a message needs it: finding positions may mean parsing the file again.
    get origin() {
      return doc.locate('/metadata/name');
    },
    at: (pointer: string) => doc.locate(pointer),
  };
}
