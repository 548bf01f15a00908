import { compareDiagnostics, type Diagnostic } from './model/diagnostic.js';
import type { DesiredState } from './model/desired.js';
import type { LiveState } from './model/live.js';
import type { ManifestDocument, ObjectRef } from './model/manifest.js';
import { parseSource } from './manifest/parse.js';
import type { SourceFile } from './manifest/source.js';
import { checkDocument } from './manifest/validate-document.js';
import { resolve } from './resolve/index.js';
import { runRules } from './rules/index.js';

/** ValidateOptions are validation's inputs besides the files: today's date, and the live state when one was read. */
export interface ValidateOptions {
  /** Today as YYYY-MM-DD (support-date rules). */
  readonly today: string;
  readonly live?: LiveState | null;
}

/** Validation is the desired state the manifests describe and every diagnostic found, in file order. */
export interface Validation {
  readonly desired: DesiredState;
  readonly documents: number;
  readonly diagnostics: Diagnostic[];
}

/**
 * validate runs the pure pipeline over manifest files: parse each document, check it against
 * its kind's schema, resolve the valid ones into the desired state, then run the domain rules.
 * It never throws on user input; every problem is a diagnostic.
 */
export function validate(sources: readonly SourceFile[], options: ValidateOptions): Validation {
  const diagnostics: Diagnostic[] = [];
  const documents: ManifestDocument[] = [];
  const invalidObjects: ObjectRef[] = [];
  let count = 0;
  // 1. Parse and schema-check every document; keep the sound ones.
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
  // 2. Resolve names, refs and each server's effective proxy.
  const resolution = resolve(documents, invalidObjects);
  diagnostics.push(...resolution.diagnostics);
  // 3. Apply the ConfigMgr rules.
  diagnostics.push(...runRules(resolution.desired, { today: options.today, live: options.live ?? null }));
  return { desired: resolution.desired, documents: count, diagnostics: diagnostics.sort(compareDiagnostics) };
}
