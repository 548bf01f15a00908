import type { Kind, Locator, ManifestDocument } from '../model/manifest.js';
import { decodeText } from './decode.js';
import { lazyLocators } from './fast-parse.js';
import type { SourceFile } from './source.js';

/** StoredDocument is a schema-valid document as plain JSON data, without its file or locator. */
export interface StoredDocument {
  readonly kind: Kind;
  readonly name: string;
  readonly spec: unknown;
}

/**
 * StoredSource is a clean file (read by the fast parser, every document schema-valid) as
 * plain JSON data: it can be kept between runs and given back for the same bytes, so an
 * unchanged file is neither parsed nor checked again.
 */
export interface StoredSource {
  /** How many documents the file holds (the `documents` count of a report); empty ones do not count. */
  readonly count: number;
  readonly documents: readonly StoredDocument[];
}

/** storedForm gives a clean file's documents as a StoredSource, or undefined when a value would not survive JSON unchanged. */
export function storedForm(count: number, documents: readonly ManifestDocument[]): StoredSource | undefined {
  if (!documents.every((d) => jsonExact(d.spec))) return undefined;
  return { count, documents: documents.map(({ kind, name, spec }) => ({ kind, name, spec })) };
}

/**
 * restoreDocuments gives a stored file's documents back as ManifestDocuments. Their locators
 * parse the file's bytes with the precise parser when a position is first asked for, exactly
 * as for a file just read by the fast parser, so diagnostics keep their line and column.
 */
export function restoreDocuments(source: SourceFile, stored: StoredSource): ManifestDocument[] {
  let locatorFor: ((ordinal: number) => Locator) | undefined;
  const locate =
    (ordinal: number): Locator =>
    (pointer, target) => {
      if (!locatorFor) {
        const decoded = decodeText(source.bytes);
        // Stored sources are clean, so their bytes decoded once already; the guard keeps the types honest.
        locatorFor = lazyLocators(source.file, decoded.ok ? decoded.text : '');
      }
      return locatorFor(ordinal)(pointer, target);
    };
  return stored.documents.map(({ kind, name, spec }, ordinal) => ({ kind, name, file: source.file, spec, locate: locate(ordinal) }));
}

/** jsonExact tells whether JSON keeps a value exactly: YAML can say .nan, .inf and -0, which JSON cannot. */
function jsonExact(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return true;
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value === 'object') return Object.values(value).every(jsonExact);
  return false;
}
