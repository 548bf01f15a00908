import { compareDiagnostics, type Diagnostic } from './model/diagnostic.js';
import type { DesiredState } from './model/desired.js';
import type { LiveState } from './model/live.js';
import type { ManifestDocument, ObjectRef } from './model/manifest.js';
import { parseSource } from './manifest/parse.js';
import { contentHash, type SourceFile } from './manifest/source.js';
import { restoreDocuments, storedForm, type StoredSource } from './manifest/stored.js';
import { checkDocument } from './manifest/validate-document.js';
import { resolve } from './resolve/index.js';
import type { ResolveMemo } from './resolve/memo.js';
import { runRules } from './rules/index.js';

/** Loaded is the desired state the manifests describe, how many documents they hold, and the problems found reading them. */
export interface Loaded {
  readonly desired: DesiredState;
  readonly documents: number;
  /** YamlSyntax, SchemaViolation, DuplicateObject and UnknownReference: everything before the rules. */
  readonly diagnostics: Diagnostic[];
}

/** CheckedSource is one file's documents after parsing and schema checks; reusable while the file's content is unchanged. */
export interface CheckedSource {
  readonly hash: string;
  readonly count: number;
  readonly documents: readonly ManifestDocument[];
  readonly invalidObjects: readonly ObjectRef[];
  readonly diagnostics: readonly Diagnostic[];
  /** Read by the fast parser with no diagnostics: its documents can be kept as plain data in a SourceStore. */
  readonly clean: boolean;
}

/** SourceCache keeps each file's CheckedSource by file name, so a watcher parses only the files that changed. */
export type SourceCache = Map<string, CheckedSource>;

/**
 * SourceStore keeps clean files as plain data by content hash, between runs (the CLI's
 * on-disk cache): a file whose bytes it knows is neither parsed nor schema-checked again.
 */
export interface SourceStore {
  get(hash: string): StoredSource | undefined;
  put(hash: string, stored: StoredSource): void;
}

/** checkSource parses one file and checks each of its documents against its kind's schema. */
export function checkSource(source: SourceFile, hash = contentHash(source.bytes)): CheckedSource {
  const parsed = parseSource(source);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const documents: ManifestDocument[] = [];
  const invalidObjects: ObjectRef[] = [...(parsed.declared ?? [])];
  for (const doc of parsed.documents) {
    const checked = checkDocument(doc);
    diagnostics.push(...checked.diagnostics);
    if (checked.document) documents.push(checked.document);
    if (checked.invalidObject) invalidObjects.push(checked.invalidObject);
  }
  const clean = parsed.parser === 'fast' && diagnostics.length === 0;
  return { hash, count: parsed.documents.length, documents, invalidObjects, diagnostics, clean };
}

/** restoreSource turns a stored file back into its CheckedSource, without parsing or checking it. */
function restoreSource(source: SourceFile, hash: string, stored: StoredSource): CheckedSource {
  return { hash, count: stored.count, documents: restoreDocuments(source, stored), invalidObjects: [], diagnostics: [], clean: true };
}

/** Reuse is what a run may take from earlier work instead of doing it again. */
export interface Reuse {
  /** A watcher's files as last checked, by file name. */
  readonly cache?: SourceCache;
  /** The CLI's on-disk cache of clean files. */
  readonly store?: SourceStore;
  /** A watcher's resolved servers and sites, by document. */
  readonly resolved?: ResolveMemo;
}

/**
 * loadManifests parses each document, checks it against its kind's schema and resolves the
 * valid ones into the desired state. With a cache, a file whose content is unchanged is not
 * parsed again (the cache is updated to hold exactly these files); with a store, a clean file
 * whose bytes the store knows is taken from it, and new clean files are put into it; with a
 * resolve memo, unchanged documents resolve to the objects they did last time. It never
 * throws on user input; every problem is a diagnostic.
 */
export function loadManifests(sources: readonly SourceFile[], { cache, store, resolved }: Reuse = {}): Loaded {
  const checked = sources.map((source) => {
    const hash = contentHash(source.bytes);
    const cached = cache?.get(source.file);
    if (cached?.hash === hash) return cached;
    const known = store?.get(hash);
    if (known) return restoreSource(source, hash, known);
    const fresh = checkSource(source, hash);
    const stored = store && fresh.clean ? storedForm(fresh.count, fresh.documents) : undefined;
    if (stored) store?.put(hash, stored);
    return fresh;
  });
  if (cache) {
    cache.clear();
    sources.forEach((source, i) => cache.set(source.file, checked[i]));
  }
  const resolution = resolve(
    checked.flatMap((c) => c.documents),
    checked.flatMap((c) => c.invalidObjects),
    resolved,
  );
  const diagnostics = [...checked.flatMap((c) => c.diagnostics), ...resolution.diagnostics];
  return { desired: resolution.desired, documents: checked.reduce((n, c) => n + c.count, 0), diagnostics };
}

/** ValidateOptions are validation's inputs besides the files: today's date, and the live state when one was read. */
export interface ValidateOptions {
  /** Today as YYYY-MM-DD (support-date rules). */
  readonly today: string;
  readonly live?: LiveState | null;
}

/** Validation is the desired state the manifests describe and every diagnostic found, in file order. */
export type Validation = Loaded;

/** validate loads the manifests and runs every domain rule over them: what `sitectl validate` reports. */
export function validate(sources: readonly SourceFile[], options: ValidateOptions): Validation {
  const loaded = loadManifests(sources);
  const found = [...loaded.diagnostics, ...runRules(loaded.desired, { today: options.today, live: options.live ?? null })];
  return { ...loaded, diagnostics: found.sort(compareDiagnostics) };
}
