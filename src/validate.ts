import { compareDiagnostics, type Diagnostic } from './model/diagnostic.js';
import type { DesiredState } from './model/desired.js';
import type { LiveState } from './model/live.js';
import type { ManifestDocument, ObjectRef } from './model/manifest.js';
import { parseSource } from './manifest/parse.js';
import type { SourceFile } from './manifest/source.js';
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

/**
 * loadManifests parses each document, checks it against its kind's schema and resolves the
 * valid ones into the desired state. It never throws on user input; every problem is a diagnostic.
 */
export function loadManifests(sources: readonly SourceFile[]): Loaded {
  const diagnostics: Diagnostic[] = [];
  const documents: ManifestDocument[] = [];
  const invalidObjects: ObjectRef[] = [];
  let count = 0;
  for (const source of sources) {
    const parsed = parseSource(source);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) {
      count++;
      const checked = checkDocument(doc);
      diagnostics.push(...checked.diagnostics);
      if (checked.document) documents.push(checked.document);
      if (checked.invalidObject) invalidObjects.push(checked.invalidObject);
    }
  }
  const resolution = resolve(documents, invalidObjects);
  diagnostics.push(...resolution.diagnostics);
  return { desired: resolution.desired, documents: count, diagnostics };
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
