import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import type { ManifestDocument, ObjectRef, ProxySpec } from '../model/manifest.js';
import type { Origin } from '../model/server.js';
import { DEFAULT_PROXY_PORT, type DesiredProxy, type ProxySettings } from '../model/proxy.js';
import { whatExists } from '../model/suggest.js';
import { normaliseHost } from './names.js';

/** ProxyLookup answers what a `ref` names: settings, `invalid` for a Proxy document that failed its schema, or nothing; and which names are declared. */
export interface ProxyLookup {
  (name: string): ProxySettings | 'invalid' | undefined;
  readonly declared: () => readonly string[];
  /** Where the Proxy document of that name states its settings. */
  readonly origin: (name: string) => Origin | undefined;
}

/** settingsFrom completes inline proxy fields with ConfigMgr's defaults: port 80, System account. */
export function settingsFrom(spec: { server: string; port?: number | undefined; account?: string | undefined }): ProxySettings {
  return { server: normaliseHost(spec.server), port: spec.port ?? DEFAULT_PROXY_PORT, account: spec.account ?? null };
}

/**
 * resolveProxySpec turns a written proxy into a DesiredProxy. An unknown ref is reported as
 * UnknownReference and yields null; so does a ref to an invalid Proxy (already reported).
 */
export function resolveProxySpec(
  spec: ProxySpec,
  doc: ManifestDocument,
  object: ObjectRef,
  pointer: string,
  lookup: ProxyLookup,
  diagnostics: Diagnostic[],
): DesiredProxy | null {
  if (spec.enabled === false) return { enabled: false };
  if (spec.ref !== undefined) {
    const ref = spec.ref.toLowerCase();
    const found = lookup(ref);
    if (found === undefined) {
      const where = { object, source: doc.locate(`${pointer}/ref`), path: `${pointer}/ref` };
      const hint = whatExists(ref, lookup.declared(), 'Proxy document');
      diagnostics.push(
        diagnostic(
          'UnknownReference',
          `proxy '${spec.ref}' is not declared${hint}; add a Proxy document named '${ref}' or fix the ref`,
          where,
        ),
      );
      return null;
    }
    if (found === 'invalid') return null;
    const document = lookup.origin(ref);
    return document ? { enabled: true, settings: found, ref, document } : { enabled: true, settings: found, ref };
  }
  return { enabled: true, settings: settingsFrom({ server: spec.server!, port: spec.port, account: spec.account }) };
}
