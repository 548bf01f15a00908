import type { ErrorObject } from 'ajv';
import { diagnostic, type Diagnostic } from '../model/diagnostic.js';
import type { ObjectRef } from '../model/manifest.js';
import { closest } from '../model/suggest.js';
import { splitPointer } from './locate.js';
import type { ParsedDocument } from './parse.js';

/** SECRET_KEY matches field names that would carry a secret; sitectl refuses them with a pointed message. */
const SECRET_KEY = /pass(word|wd|phrase)?|pwd|secret|credential|token|api-?key/i;

interface Finding {
  readonly pointer: string;
  readonly target: 'key' | 'value';
  readonly message: string;
  readonly custom: boolean;
  /** A required field that is missing. */
  readonly missing?: string;
  /** The field an unknown field's did-you-mean names. */
  readonly suggests?: string;
}

const parentOf = (pointer: string): string => pointer.slice(0, pointer.lastIndexOf('/'));

/**
 * schemaDiagnostics turns ajv's errors for one document into SchemaViolation diagnostics:
 * one per offending node, pointing at that node (at the key for an unknown field, at the
 * parent mapping for a missing one), in words an admin can act on.
 */
export function schemaDiagnostics(errors: readonly ErrorObject[], doc: ParsedDocument, object: ObjectRef | undefined): Diagnostic[] {
  const byNode = new Map<string, Finding>();
  for (const finding of relevant(errors).map(describe)) {
    const key = `${finding.target}:${finding.pointer}`;
    const seen = byNode.get(key);
    // One message per node; a schema's own errorMessage says it best.
    if (!seen || (finding.custom && !seen.custom)) byNode.set(key, finding);
  }
  // A misspelt required field is one mistake: the unknown field's did-you-mean names it, so
  // "missing required field" at the same mapping would only say it again.
  for (const [key, finding] of byNode) {
    if (finding.missing === undefined) continue;
    const misspelt = [...byNode.values()].some((f) => f.suggests === finding.missing && parentOf(f.pointer) === finding.pointer);
    if (misspelt) byNode.delete(key);
  }
  return [...byNode.values()].map((f) =>
    diagnostic('SchemaViolation', f.message, { object, source: doc.locate(f.pointer, f.target), path: f.pointer }),
  );
}

/** relevant drops ajv's bookkeeping errors: `if` failures and the per-branch noise under anyOf/oneOf. */
function relevant(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  return errors.filter((e) => e.keyword !== 'if' && !combinators.some((prefix) => e.schemaPath.startsWith(prefix)));
}

function describe(error: ErrorObject): Finding {
  const custom = customMessage(error);
  const at = fieldName(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    const pointer = `${error.instancePath}/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const suggests = closest(field, allowedFields(error));
    return { pointer, target: 'key', message: unknownField(field, error, at), custom: false, ...(suggests ? { suggests } : {}) };
  }
  if (error.keyword === 'required') {
    const field = String((error.params as { missingProperty: string }).missingProperty);
    const message = custom ?? `missing required field '${field}'`;
    return { pointer: error.instancePath, target: 'value', message: `${at}: ${message}`, custom: custom !== undefined, missing: field };
  }
  const message = `${custom ? `${custom}${got(error.data)}` : genericMessage(error)}${whatToWrite(error)}`;
  return { pointer: error.instancePath, target: 'value', message: `${at}: ${message}`, custom: custom !== undefined };
}

/**
 * whatToWrite adds the fix to the mistakes people make most: a proxy named where a mapping
 * belongs, the System account written out, an allowed value misspelt.
 */
function whatToWrite(error: ErrorObject): string {
  const field = error.instancePath.slice(error.instancePath.lastIndexOf('/') + 1);
  const data = error.data;
  if (field === 'proxy' && error.keyword === 'type' && typeof data === 'string') {
    return `; to use the Proxy document named ${data}, write proxy: { ref: ${data} }`;
  }
  if (field === 'account' && typeof data === 'string' && /^(nt authority\\)?(local ?)?system$/i.test(data)) {
    return '; for the computer (System) account, leave account out';
  }
  if (error.keyword === 'enum' && typeof data === 'string') {
    const near = closest(data, ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String));
    if (near !== undefined) return `; did you mean '${near}'?`;
  }
  return '';
}

function allowedFields(error: ErrorObject): string[] {
  return Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
}

function customMessage(error: ErrorObject): string | undefined {
  const schema = error.parentSchema as { errorMessage?: unknown } | undefined;
  return typeof schema?.errorMessage === 'string' ? schema.errorMessage : undefined;
}

function unknownField(field: string, error: ErrorObject, at: string): string {
  const where = at === '(document)' ? '' : ` in ${at}`;
  if (SECRET_KEY.test(field)) {
    return `'${field}' is not allowed${where}: sitectl never takes secrets. Reference the ConfigMgr account by name (account: DOMAIN\\user); its password stays in ConfigMgr`;
  }
  const allowed = allowedFields(error);
  const suggestion = closest(field, allowed);
  const hint = suggestion ? `; did you mean '${suggestion}'?` : allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : '';
  return `unknown field '${field}'${where}${hint}`;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
};

function genericMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': {
      const wanted = String(params.type);
      const yes = wanted === 'boolean' && typeof error.data === 'string' && /^(yes|no|on|off|y|n)$/i.test(error.data);
      const hint = yes ? ' (YAML 1.2 reads yes/no/on/off as text; write true or false)' : '';
      return `must be ${TYPE_WORDS[wanted] ?? wanted}${got(error.data)}${hint}`;
    }
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}${got(error.data)}`;
    case 'const':
      return `must be '${String(params.allowedValue)}'${got(error.data)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${error.message ?? 'is out of range'}${got(error.data)}`;
    case 'uniqueItems':
      return `lists the same value twice (items ${String(params.j)} and ${String(params.i)})`;
    case 'not':
      return 'is not allowed here';
    default:
      return `${error.message ?? 'is invalid'}${got(error.data)}`;
  }
}

function got(data: unknown): string {
  if (data === null || data === undefined) return ' (got nothing)';
  if (Array.isArray(data)) return ' (got a list)';
  if (typeof data === 'object') return ' (got a mapping)';
  const text = JSON.stringify(data);
  const shown = ` (got ${text.length > 60 ? text.slice(0, 57) + '...' : text})`;
  // "CONTOSO\new-proxy" in double quotes is CONTOSO, a line break and ew-proxy; \N, \_, \L
  // and \P make U+0085, U+00A0, U+2028 and U+2029: say how to write it.
  const escaped = typeof data === 'string' && /[\p{Cc}\u00a0\u2028\u2029]/u.test(data);
  return escaped
    ? `${shown}: it holds a line break or another control character, as a double-quoted \\n, \\t or \\N makes; write DOMAIN\\user and other values without quotes or in single quotes`
    : shown;
}

/** fieldName renders a JSON pointer as a dotted field path, e.g. `spec.roles[1].proxy`. */
export function fieldName(pointer: string): string {
  const segments = splitPointer(pointer);
  if (segments.length === 0) return '(document)';
  return segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}
