import { SCHEMAS, type JsonSchema } from '../../manifest/schemas.js';
import { closest } from '../../model/suggest.js';
import { UsageError, type ExitCode, type Io } from '../io.js';
import { findKind } from './schema.js';

/** deref follows a local `$ref` (#/$defs/...) within one schema document. */
function deref(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let current = schema;
  while (typeof current.$ref === 'string') {
    const target = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
    const { $ref: _ref, ...rest } = current;
    current = { ...(target as JsonSchema), ...rest };
  }
  return current;
}

/** child finds a field below a schema: a property of an object, or of a list's items. */
function child(root: JsonSchema, schema: JsonSchema, field: string): JsonSchema | undefined {
  const resolved = deref(root, schema);
  const items = resolved.items as JsonSchema | undefined;
  const holder = resolved.type === 'array' && items ? deref(root, items) : resolved;
  const properties = holder.properties as Record<string, JsonSchema> | undefined;
  return properties?.[field];
}

/** fieldsBelow lists the fields directly below a schema (of its list's items, for a list). */
function fieldsBelow(root: JsonSchema, schema: JsonSchema): string[] {
  const resolved = deref(root, schema);
  const items = resolved.items as JsonSchema | undefined;
  const holder = resolved.type === 'array' && items ? deref(root, items) : resolved;
  return Object.keys((holder.properties as Record<string, JsonSchema> | undefined) ?? {});
}

/** typeOf names a field's type the way kubectl explain does: <string>, <boolean>, <[]Object>. */
function typeOf(root: JsonSchema, schema: JsonSchema): string {
  const s = deref(root, schema);
  if (s.const !== undefined) return `<${typeof s.const}>`;
  if (Array.isArray(s.enum)) return '<string>';
  if (s.type === 'array') return `<[]${typeOf(root, (s.items as JsonSchema) ?? {}).slice(1, -1)}>`;
  if (s.type === 'object') return '<Object>';
  if (typeof s.type === 'string') return `<${s.type}>`;
  return '<Object>';
}

/**
 * runExplain prints a field's type, default, allowed values and description from the JSON
 * Schema, and the fields below it: `sitectl explain SiteSystemServer.spec.proxy`.
 */
export function runExplain(target: string, io: Io): ExitCode {
  const [kindName, ...path] = target.split('.');
  const kind = findKind(kindName ?? '');
  const root = SCHEMAS[kind];
  let schema: JsonSchema = root;
  for (const field of path) {
    const next = child(root, schema, field);
    if (!next) {
      const above = [kind, ...path.slice(0, path.indexOf(field))].join('.');
      const near = closest(field, fieldsBelow(root, schema));
      const hint = near ? `did you mean ${[above, near].join('.')}? ` : '';
      throw new UsageError(
        `${kind} has no field ${path.slice(0, path.indexOf(field) + 1).join('.')}; ${hint}run sitectl explain ${above} for the fields there`,
      );
    }
    schema = next;
  }
  const field = deref(root, schema);
  const lines = [`KIND:     ${kind}`];
  if (path.length > 0) lines.push(`FIELD:    ${path.join('.')} ${typeOf(root, schema)}`);
  if (field.default !== undefined) lines.push(`DEFAULT:  ${JSON.stringify(field.default)}`);
  const allowed = Array.isArray(field.enum) ? field.enum : field.const !== undefined ? [field.const] : undefined;
  if (allowed) lines.push(`ALLOWED:  ${allowed.map(String).join(', ')}`);
  lines.push('', 'DESCRIPTION:', ...wrap(descriptionOf(field) ?? '(no description)', '    '));
  const items = field.type === 'array' && field.items ? deref(root, field.items as JsonSchema) : field;
  const properties = items.properties as Record<string, JsonSchema> | undefined;
  if (properties) {
    const required = new Set((items.required as string[] | undefined) ?? []);
    lines.push('', 'FIELDS:');
    for (const [name, sub] of Object.entries(properties)) {
      const description = descriptionOf(deref(root, sub)) ?? '';
      lines.push(`    ${name}\t${typeOf(root, sub)}${required.has(name) ? ' -required-' : ''}`, ...wrap(description, '      '), '');
    }
  }
  io.stdout(lines.join('\n').replace(/\n+$/, '') + '\n');
  return 0;
}

/** descriptionOf gives a schema's description when it has one as text. */
function descriptionOf(schema: JsonSchema): string | undefined {
  return typeof schema.description === 'string' ? schema.description : undefined;
}

function wrap(text: string, indent: string, width = 88): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}
