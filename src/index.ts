// sitectl's library API: the same pipeline the CLI runs, for scripts and other tools.
// Reading files and the state file is at the edges (readSources, FileStateBackend); the rest is pure.
export {
  loadManifests,
  validate,
  checkSource,
  type Loaded,
  type Validation,
  type ValidateOptions,
  type SourceCache,
  type Reuse,
} from './validate.js';
export { readSources, STDIN, type SourceSet } from './sources/read-sources.js';
export { parseSource, type ParsedDocument, type ParseResult, type ParseMode } from './manifest/parse.js';
export { checkDocument, type CheckedDocument } from './manifest/validate-document.js';
export { SCHEMAS, SCHEMA_FILES } from './manifest/schemas.js';
export type { SourceFile } from './manifest/source.js';
export { resolve, type Resolution } from './resolve/index.js';
export { runRules, RULES, STATIC_RULES, LIVE_RULES, type RuleOptions } from './rules/index.js';
export { planChanges as plan, type PlanOptions } from './plan/plan.js';
export { applyPlan as apply, type Applied, type ApplyOptions } from './apply/apply-plan.js';
export { FileStateBackend, SnapshotSource, DEFAULT_STATE_PATH } from './backend/state-file.js';
export type { LiveSnapshot, LiveStateSource, StateBackend, Transaction } from './backend/backend.js';
export { RuntimeFailure, StateFileError, LockTimeoutError, StalePlanError } from './backend/errors.js';
export {
  checkManifests,
  planManifests,
  applyManifests,
  applySavedPlan,
  newPassMemo,
  type PassMemo,
  type PassOptions,
  type PassResult,
} from './reconcile/pass.js';
export { Watcher, type WatcherOptions, type WatchStatus } from './reconcile/watcher.js';
export * from './model/diagnostic.js';
export * from './model/manifest.js';
export * from './model/proxy.js';
export * from './model/plan.js';
export type * from './model/event.js';
export type * from './model/site.js';
export type * from './model/server.js';
export type * from './model/desired.js';
export type * from './model/live.js';
