// sitectl's library API: the same pipeline the CLI runs, for scripts and other tools.
export { validate, type Validation, type ValidateOptions } from './validate.js';
export { readSources, STDIN, type SourceSet } from './sources/read-sources.js';
export { parseSource, type ParsedDocument, type ParseResult } from './manifest/parse.js';
export { checkDocument, type CheckedDocument } from './manifest/validate-document.js';
export { SCHEMAS, SCHEMA_FILES } from './manifest/schemas.js';
export type { SourceFile } from './manifest/source.js';
export { resolve, type Resolution } from './resolve/index.js';
export { runRules, RULES, type RuleOptions } from './rules/index.js';
export * from './model/diagnostic.js';
export * from './model/manifest.js';
export * from './model/proxy.js';
export type * from './model/site.js';
export type * from './model/server.js';
export type * from './model/desired.js';
export type * from './model/live.js';
