import type { Kind } from '../model/manifest.js';
import { packageRequire } from '../package-files.js';

// The JSON Schemas ship as files in schemas/ (editors point at them); they are loaded like
// code, once, from the package root.

/** SCHEMA_FILES names the schema file of each kind, relative to the package's schemas/ folder. */
export const SCHEMA_FILES: Readonly<Record<Kind, string>> = {
  Site: 'site.schema.json',
  Proxy: 'proxy.schema.json',
  SiteSystemServer: 'sitesystemserver.schema.json',
  SiteSystemRole: 'sitesystemrole.schema.json',
};

/** JsonSchema is a JSON Schema document as plain data. */
export type JsonSchema = Record<string, unknown>;

/** SCHEMAS holds the JSON Schema of each kind. */
export const SCHEMAS: Readonly<Record<Kind, JsonSchema>> = {
  Site: packageRequire(`./schemas/${SCHEMA_FILES.Site}`) as JsonSchema,
  Proxy: packageRequire(`./schemas/${SCHEMA_FILES.Proxy}`) as JsonSchema,
  SiteSystemServer: packageRequire(`./schemas/${SCHEMA_FILES.SiteSystemServer}`) as JsonSchema,
  SiteSystemRole: packageRequire(`./schemas/${SCHEMA_FILES.SiteSystemRole}`) as JsonSchema,
};
