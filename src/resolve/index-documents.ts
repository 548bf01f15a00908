import { diagnostic, formatPosition, type Diagnostic } from '../model/diagnostic.js';
import { KINDS, type Kind, type ManifestDocument, type ObjectRef } from '../model/manifest.js';
import { normaliseName } from './names.js';

/** DocumentIndex holds each kind's documents by normalised name, and the names of documents that failed validation. */
export interface DocumentIndex {
  readonly byKind: ReadonlyMap<Kind, ReadonlyMap<string, ManifestDocument>>;
  readonly invalid: ReadonlyMap<Kind, ReadonlySet<string>>;
}

/** indexDocuments keys documents by normalised name and reports a second document of the same kind and name as DuplicateObject. */
export function indexDocuments(
  documents: readonly ManifestDocument[],
  invalidObjects: readonly ObjectRef[],
  diagnostics: Diagnostic[],
): DocumentIndex {
  const byKind = new Map<Kind, Map<string, ManifestDocument>>(KINDS.map((k) => [k, new Map()]));
  for (const doc of documents) {
    const name = normaliseName(doc.kind, doc.name);
    const seen = byKind.get(doc.kind)!;
    const first = seen.get(name);
    if (first) {
      const firstAt = formatPosition(first.locate('/metadata/name'));
      const message = `${doc.kind} '${name}' is declared twice: here and at ${firstAt}; names match case-insensitively, so keep one document`;
      diagnostics.push(
        diagnostic('DuplicateObject', message, {
          object: { kind: doc.kind, name },
          source: doc.locate('/metadata/name'),
          path: '/metadata/name',
        }),
      );
      continue;
    }
    seen.set(name, doc);
  }
  const invalid = new Map<Kind, Set<string>>(KINDS.map((k) => [k, new Set()]));
  for (const object of invalidObjects) invalid.get(object.kind)!.add(normaliseName(object.kind, object.name));
  return { byKind, invalid };
}

/** isKnown tells whether a reference names a declared object of the kind, valid or not. */
export function isKnown(index: DocumentIndex, kind: Kind, name: string): boolean {
  return index.byKind.get(kind)!.has(name) || index.invalid.get(kind)!.has(name);
}
