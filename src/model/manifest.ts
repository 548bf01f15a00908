import type { SourcePosition } from './diagnostic.js';

/** Kind is the closed set of manifest document kinds. */
export type Kind = 'Site' | 'Proxy' | 'SiteSystemServer' | 'SiteSystemRole';

/** KINDS lists every Kind in the order documentation shows them. */
export const KINDS: readonly Kind[] = ['Site', 'Proxy', 'SiteSystemServer', 'SiteSystemRole'];

/** API_VERSION is the only manifest format version this release reads. */
export const API_VERSION = 'sitectl/v1';

/** ObjectRef names one object: a manifest document or a live object. */
export interface ObjectRef {
  readonly kind: Kind;
  readonly name: string;
}

/** Locator maps a JSON pointer inside one document to a position in its file. */
export type Locator = (pointer: string, target?: 'key' | 'value') => SourcePosition;

/** ManifestDocument is one schema-valid YAML document with its file and a way to find its nodes. */
export interface ManifestDocument<Spec = unknown> {
  readonly kind: Kind;
  /** metadata.name as written; resolve normalises it. */
  readonly name: string;
  readonly file: string;
  readonly spec: Spec;
  readonly locate: Locator;
}

/** ProxySpec is a proxy as written in a manifest: a ref, inline settings, or `enabled: false`. */
export interface ProxySpec {
  readonly enabled?: boolean;
  readonly ref?: string;
  readonly server?: string;
  readonly port?: number;
  readonly account?: string;
}

/** RoleSpec is a role as written, inline in a server or in a SiteSystemRole. */
export interface RoleSpec {
  readonly type: string;
  readonly proxy?: ProxySpec;
  readonly useProxy?: boolean;
  readonly useProxyForAutomaticDeploymentRules?: boolean;
  readonly connectedCache?: boolean;
}

/** SiteSpec is the spec of a Site document. */
export interface SiteSpec {
  readonly type: string;
  readonly version: number;
  readonly hotfixes?: readonly string[];
  readonly parent?: string;
  readonly siteServer: string;
  readonly requireProxy?: boolean;
  readonly features?: Readonly<Record<string, boolean>>;
}

/** ProxyDocSpec is the spec of a Proxy document. */
export interface ProxyDocSpec {
  readonly server: string;
  readonly port?: number;
  readonly account?: string;
}

/** ServerSpec is the spec of a SiteSystemServer document. */
export interface ServerSpec {
  readonly site: string;
  readonly proxy?: ProxySpec;
  readonly roles?: readonly RoleSpec[];
}

/** RoleDocSpec is the spec of a SiteSystemRole document. */
export interface RoleDocSpec extends RoleSpec {
  readonly server?: string;
  readonly site?: string;
}
