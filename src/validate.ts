import { compareDiagnostics, type Diagnostic } from './model/diagnostic.js';
import type { DesiredState } from './model/desired.js';
import type { LiveState } from './model/live.js';
import type { ManifestDocument, ObjectRef } from './model/manifest.js';
import { parseSource } from './manifest/parse.js';
import { contentHash, type SourceFile } from './manifest/source.js';
import { checkDocument } from './manifest/validate-document.js';
import { resolve } from './resolve/index.js';
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
}

/** SourceCache keeps each file's CheckedSource by file name, so a watcher parses only the files that changed. */
export type SourceCache = Map<string, CheckedSource>;

/** checkSource parses one file and checks each of its documents against its kind's schema. */
export function checkSource(source: SourceFile, hash = contentHash(source.bytes)): CheckedSource {
  const parsed = parseSource(source);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const documents: ManifestDocument[] = [];
  const invalidObjects: ObjectRef[] = [];
  for (const doc of parsed.documents) {
    const checked = checkDocument(doc);
    diagnostics.push(...checked.diagnostics);
    if (checked.document) documents.push(checked.document);
    if (checked.invalidObject) invalidObjects.push(checked.invalidObject);
  }
  return { hash, count: parsed.documents.length, documents, invalidObjects, diagnostics };
}

/**
 * loadManifests parses each document, checks it against its kind's schema and resolves the
 * valid ones into the desired state. With a cache, a file whose content is unchanged is not
 * parsed again (the cache is updated to hold exactly these files). It never throws on user
 * input; every problem is a diagnostic.
 */
export function loadManifests(sources: readonly SourceFile[], cache?: SourceCache): Loaded {
  const checked = sources.map((source) => {
    const hash = contentHash(source.bytes);
    const cached = cache?.get(source.file);
    return cached?.hash === hash ? cached : checkSource(source, hash);
  });
  if (cache) {
    cache.clear();
    sources.forEach((source, i) => cache.set(source.file, checked[i]!));
  }
  const resolution = resolve(
    checked.flatMap((c) => c.documents),
    checked.flatMap((c) => c.invalidObjects),
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
