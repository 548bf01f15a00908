import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import { API_VERSION, KINDS, type Kind, type ManifestDocument, type ObjectRef } from '../model/manifest.js';
import { validators } from './ajv.js';
import type { ParsedDocument } from './parse.js';
import { schemaDiagnostics } from './schema-errors.js';

/** CheckedDocument is the outcome for one document: the manifest when it is valid, and what was wrong. */
export interface CheckedDocument {
  readonly document?: ManifestDocument;
  /** Set when the document is invalid but names an object, so references to it are not reported as unknown too. */
  readonly invalidObject?: ObjectRef;
  readonly diagnostics: Diagnostic[];
}

/** checkDocument checks one parsed document against the envelope and its kind's JSON Schema. */
export function checkDocument(doc: ParsedDocument): CheckedDocument {
  const value = doc.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const message = 'a manifest must be a mapping with apiVersion, kind, metadata and spec';
    return { diagnostics: [diagnostic('SchemaViolation', message, { source: doc.locate(''), path: '' })] };
  }
  const record = value as Record<string, unknown>;
  const envelope = envelopeProblem(record);
  if (envelope) {
    return {
      diagnostics: [
        diagnostic('SchemaViolation', envelope.message, { source: doc.locate(envelope.pointer, envelope.target), path: envelope.pointer }),
      ],
    };
  }
  const kind = record.kind as Kind;
  const metadata = record.metadata as Record<string, unknown> | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : undefined;
  const object: ObjectRef | undefined = name !== undefined ? { kind, name } : undefined;
  const validate = validators()[kind];
  if (!validate(record)) {
    return { ...(object ? { invalidObject: object } : {}), diagnostics: schemaDiagnostics(validate.errors ?? [], doc, object) };
  }
  return { document: { kind, name: name!, file: doc.file, spec: record.spec, locate: doc.locate }, diagnostics: [] };
}

/** envelopeProblem checks apiVersion and kind first, so a wrong kind is one clear message, not a schema's worth. */
function envelopeProblem(record: Record<string, unknown>): { pointer: string; message: string; target?: 'key' } | undefined {
  for (const key of ['apiVersion', 'kind'] as const) {
    // `apiversion:` or `Kind:` is the field misspelt, not missing: say so at the key written.
    const written = !(key in record) ? Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase()) : undefined;
    if (written !== undefined)
      return { pointer: `/${written}`, target: 'key', message: `'${written}' must be written '${key}': field names are case-sensitive` };
  }
  if (!('apiVersion' in record)) return { pointer: '', message: `missing required field 'apiVersion' (expected ${API_VERSION})` };
  if (record.apiVersion !== API_VERSION) {
    return {
      pointer: '/apiVersion',
      message: `apiVersion: unknown version ${JSON.stringify(record.apiVersion)}; this release reads ${API_VERSION}`,
    };
  }
  if (!('kind' in record)) return { pointer: '', message: `missing required field 'kind' (one of ${KINDS.join(', ')})` };
  if (!KINDS.includes(record.kind as Kind)) {
    return { pointer: '/kind', message: `kind: unknown kind ${JSON.stringify(record.kind)}; expected one of ${KINDS.join(', ')}` };
  }
  return undefined;
}
